package loadtest

import (
	"context"
	"fmt"

	"guichet/sync/store"
)

// Validations tells what the database recorded of countermarks' validations.
type Validations interface {
	ValidationCounts(ctx context.Context, tokens []string) (map[string]store.Validations, error)
}

// Verify checks res against the database: a countermark the server admitted whose booking is not
// validated in the database is lost; one validated more than once, or admitted more than once,
// is doubled.
func Verify(ctx context.Context, db Validations, res *Result) error {
	tokens := make([]string, 0, len(res.Admitted))
	for t := range res.Admitted {
		tokens = append(tokens, t)
	}
	counts, err := db.ValidationCounts(ctx, tokens)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	res.Lost, res.Doubled = 0, 0
	for _, t := range tokens {
		v := counts[t]
		switch {
		case !v.Used || v.Uses == 0:
			res.Lost++
		case v.Uses > 1 || res.Admitted[t] > 1:
			res.Doubled++
		}
	}
	return nil
}
