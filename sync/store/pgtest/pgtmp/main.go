// Command pgtmp starts and stops a throwaway PostgreSQL cluster for make test and make cluster:
// `pgtmp start DIR` creates it in DIR (initdb, a free port, the user nobody when run as root)
// and prints its admin URL; `pgtmp stop DIR` stops it and removes DIR.
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
	if len(args) != 2 || (args[0] != "start" && args[0] != "stop") {
		return fmt.Errorf("usage: pgtmp start|stop DIR")
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
	c, err := pgtest.Start(dir)
	if err != nil {
		return err
	}
	fmt.Println(c.URL)
	return nil
}
