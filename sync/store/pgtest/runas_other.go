//go:build !unix

package pgtest

import (
	"errors"
	"os/exec"
)

// runAs is never reached on Windows, where os.Getuid is -1 and the cluster runs as the caller;
// it exists so that the package (and go vet ./... for GOOS=windows) builds there.
func runAs(*exec.Cmd, uint32, uint32) error {
	return errors.New("pgtest: running PostgreSQL as another user needs a Unix system")
}
