package jobs

import (
	"context"
	"errors"
	"time"
)

// Exclusive is a store on which several replicas may run the same jobs (PostgreSQL): it runs fn
// only while it holds the job's lock, and reports false without running it when another
// replica holds it. The lock goes with the replica's database session, so a replica killed
// mid-job releases it at once, and its job's transactions roll back.
type Exclusive interface {
	Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error)
}

// ErrBusy is returned by a tick when another replica is running the job: the caller retries
// after BusyRetry, and the retry finds the job done (its run recorded) or takes it over.
var ErrBusy = errors.New("job running on another replica")

// BusyRetry is how soon a replica tries again a job another replica was running.
const BusyRetry = 5 * time.Second

// once runs fn under st's job lock when st has one, else directly (SQLite: one server).
func once(ctx context.Context, st any, name string, fn func(ctx context.Context) error) error {
	ex, ok := st.(Exclusive)
	if !ok {
		return fn(ctx)
	}
	ran, err := ex.Exclusive(ctx, name, fn)
	if err == nil && !ran {
		return ErrBusy
	}
	return err
}

// Once is once for the jobs of other packages (the Allociné import).
func Once(ctx context.Context, st any, name string, fn func(ctx context.Context) error) error {
	return once(ctx, st, name, fn)
}
