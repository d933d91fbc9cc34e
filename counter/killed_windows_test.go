package counter_test

import "os"

// hardKilled reports whether a process ended by TerminateProcess, Windows' SIGKILL (no clean-up of
// any kind runs), which os.Process.Kill calls with exit code 1. The counters these tests kill exit
// with 3 on their own errors, never 1.
func hardKilled(ps *os.ProcessState) bool { return ps.ExitCode() == 1 }
