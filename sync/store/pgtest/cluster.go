// Package pgtest gives tests real PostgreSQL databases: a throwaway cluster (initdb in a
// temporary directory, a free port, run as an unprivileged user when the caller is root) and one
// fresh database per test, cloned from a migrated template. The cluster named by GUICHET_TEST_PG
// is used when set (make test starts one); otherwise Main starts one for the test binary. A test
// that cannot get its database fails: PostgreSQL tests never skip.
package pgtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Env names the variable holding the URL of a cluster's admin database (postgres://…/postgres).
const Env = "GUICHET_TEST_PG"

// Cluster is a PostgreSQL cluster started by Start.
type Cluster struct {
	Dir  string // data directory, socket and log
	URL  string // postgres:// URL of the "postgres" database, user guichet, no password
	bin  string
	user string // the unprivileged user the server runs as ("" when not root)
}

// BinDir finds PostgreSQL's server programs: $GUICHET_PG_BIN, else the newest
// /usr/lib/postgresql/*/bin (Debian's layout).
func BinDir() (string, error) {
	if d := os.Getenv("GUICHET_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("postgresql server programs not found (apt-get install postgresql-15, or set GUICHET_PG_BIN)")
}

func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// FreePort returns a TCP port nobody listens on at the moment.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start creates a cluster in dir (a new temporary directory when empty) and starts it on a free
// port of 127.0.0.1. Durability is off (fsync, full-page writes): it is for tests and local
// clusters that are thrown away. As root, the server runs as the user "nobody".
func Start(dir string, extra ...string) (*Cluster, error) {
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "guichet-pg-"); err != nil {
			return nil, fmt.Errorf("cluster dir: %w", err)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	c, err := Attach(dir)
	if err != nil {
		return nil, err
	}
	if c.user != "" {
		u, err := user.Lookup(c.user)
		if err != nil {
			return nil, fmt.Errorf("cluster user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, fmt.Errorf("cluster dir: %w", err)
		}
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		if out, err := c.run("initdb", "-D", data, "-U", "guichet", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
	}
	port, err := FreePort()
	if err != nil {
		return nil, fmt.Errorf("free port: %w", err)
	}
	opts := []string{"-p " + strconv.Itoa(port), "-k " + dir, "-c listen_addresses=127.0.0.1",
		"-c fsync=off", "-c full_page_writes=off", "-c synchronous_commit=off", "-c max_connections=300",
		"-c shared_buffers=128MB"}
	opts = append(opts, extra...)
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60",
		"-o", strings.Join(opts, " "), "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	c.URL = fmt.Sprintf("postgres://guichet@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// Attach returns the cluster whose directory is dir, to stop it.
func Attach(dir string) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		c.user = "nobody"
	}
	return c, nil
}

// Stop stops the server (fast shutdown) and removes its directory.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-m", "fast", "-w", "stop")
	if err != nil {
		err = fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return errors.Join(err, os.RemoveAll(c.Dir))
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.user != "" {
		u, err := user.Lookup(c.user)
		if err != nil {
			return nil, err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cmd = exec.Command(path, args...)
		if err := runAs(cmd, uint32(uid), uint32(gid)); err != nil {
			return nil, err
		}
		cmd.Dir = c.Dir
		cmd.Env = append(os.Environ(), "HOME="+c.Dir)
	} else {
		cmd = exec.Command(path, args...)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
		}
	}()
	return cmd.CombinedOutput()
}
