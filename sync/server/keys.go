package server

import (
	"net/http"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
)

// registerKeys lets managers see, create and revoke their offerer's API keys from the app (one
// key per counter is the recommended pairing: a validation's identity is its key's label).
func (s *Server) registerKeys() {
	s.handle("GET /pro/v1/api-keys", s.auth(app.RoleManager, s.listKeys))
	s.handle("POST /pro/v1/api-keys", s.auth(app.RoleManager, s.createKey))
	s.handle("DELETE /pro/v1/api-keys/{keyId}", s.auth(app.RoleManager, s.revokeKey))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	keys, err := s.store.ListAPIKeys(r.Context(), k.OffererID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]protocol.APIKey, len(keys))
	for i := range keys {
		out[i] = protocol.APIKeyOf(&keys[i], keys[i].ID == k.ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	var in protocol.APIKeyInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	role := app.Role(in.Role)
	if in.Role == "" {
		role = app.RoleCashier
	}
	label := strings.TrimSpace(in.Label)
	if err := app.CheckText("label", label, app.MaxKeyLabelLength, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	clear, nk, err := s.store.CreateAPIKey(r.Context(), k.OffererID, role, label)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, protocol.NewAPIKey{KeyInfo: protocol.APIKeyOf(nk, false), Key: clear})
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "keyId")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if id == k.ID {
		s.writeError(w, r, app.Errorf(app.ECONFLICT, "Vous ne pouvez pas révoquer la clé que vous utilisez."))
		return
	}
	var until time.Time // the grace the manager sets: offline admissions until then (default: end of the day)
	if v := r.URL.Query().Get("offlineUntil"); v != "" {
		if until, err = time.Parse(time.RFC3339Nano, v); err != nil {
			s.writeError(w, r, app.FieldError("offlineUntil", "Fin de la période de grâce invalide (RFC 3339)."))
			return
		}
	}
	keys, err := s.store.ListAPIKeys(r.Context(), k.OffererID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, other := range keys {
		if other.ID != id {
			continue
		}
		if !other.RevokedAt.IsZero() {
			w.WriteHeader(http.StatusNoContent) // already revoked: nothing more to do
			return
		}
		revoke := func() error { return s.store.RevokeAPIKey(r.Context(), id) }
		if !until.IsZero() {
			revoke = func() error { return s.store.RevokeAPIKeyUntil(r.Context(), id, until) }
		}
		if err := revoke(); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeError(w, r, app.Errorf(app.ENOTFOUND, "Clé d'API introuvable.")) // another offerer's is not found either
}
