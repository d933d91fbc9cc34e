// Command pgtmp starts and stops a throwaway PostgreSQL cluster for make test and make cluster:
// `pgtmp start DIR [-c name=value…]` creates it in DIR (initdb, a free port, the user nobody when
// run as root) and prints its admin URL; the settings given override the test defaults (which
// turn durability off). `pgtmp stop DIR` stops it and removes DIR.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"guichet/sync/store/pgtest"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pgtmp:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 || (args[0] != "start" && args[0] != "stop") {
		return fmt.Errorf("usage: pgtmp start DIR [-c name=value…] | pgtmp stop DIR")
	}
	dir, err := filepath.Abs(args[1])
	if err != nil {
		return err
	}
	if args[0] == "stop" {
		c, err := pgtest.Attach(dir)
		if err != nil {
			return err
		}
		return c.Stop()
	}
	var extra []string
	for i := 2; i+1 < len(args); i += 2 {
		if args[i] != "-c" {
			return fmt.Errorf("pgtmp start: -c name=value expected, got %q", args[i])
		}
		extra = append(extra, "-c "+args[i+1])
	}
	c, err := pgtest.Start(dir, extra...)
	if err != nil {
		return err
	}
	fmt.Println(c.URL)
	return nil
}
