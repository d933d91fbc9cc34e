//go:build unix

package counter_test

import (
	"os"
	"syscall"
)

// hardKilled reports whether a process ended by SIGKILL (no clean-up of any kind ran).
func hardKilled(ps *os.ProcessState) bool {
	st, ok := ps.Sys().(syscall.WaitStatus)
	return ok && st.Signal() == syscall.SIGKILL
}
