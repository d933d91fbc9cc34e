package counter

import (
	"context"
	"errors"
	"fmt"

	"time"

	"guichet/app"
	"guichet/sync/protocol"
)

// OutcomeKeyRevoked refuses a scan at a counter whose key was revoked, once its grace is over.
const OutcomeKeyRevoked app.OutcomeCode = "KEY_REVOKED"

// MsgKeyRevokedStop is its message; %s is the end of the grace ("01/12/2026 à 23:59").
const MsgKeyRevokedStop = "Ce poste ne peut plus valider : sa clé d'API a été révoquée (validation hors ligne permise jusqu'au %s). Associez-le de nouveau avec une nouvelle clé."

const metaRevoked = "revoked_until"

// revoked returns the end of the grace of a refused key and remembers it in the cache, so that
// a restart (even offline) does not lift it. The server says when (app.KeyRevoked); a refusal
// that does not (an unknown key) ends at the end of the day.
func (e *Engine) revoked(err error) time.Time {
	until := app.EndOfDay(e.cfg.Now(), e.cfg.Location)
	var kr *app.KeyRevoked
	if errors.As(err, &kr) {
		until = kr.OfflineUntil
	}
	if err := e.cache.SetMeta(context.Background(), metaRevoked, protocol.Time(until)); err != nil {
		e.log.Error("remember revocation", "err", err)
	}
	return until
}

func (e *Engine) loadRevoked() time.Time {
	v, err := e.cache.Meta(context.Background(), metaRevoked)
	if err != nil {
		e.log.Error("read revocation", "err", err)
	}
	return protocol.ParseTime(v)
}

func (e *Engine) clearRevoked(ctx context.Context) {
	if err := e.cache.SetMeta(ctx, metaRevoked, ""); err != nil {
		e.log.Error("forget revocation", "err", err)
	}
}

// revokedVerdict refuses a scan after the grace of a revoked key: nothing is recorded.
func (e *Engine) revokedVerdict(token string, now, until time.Time) Verdict {
	return Verdict{Token: token, At: now, Offline: true, Outcome: app.Outcome{Code: OutcomeKeyRevoked,
		Message: fmt.Sprintf(MsgKeyRevokedStop, until.In(e.cfg.Location).Format("02/01/2006 à 15:04"))}}
}
