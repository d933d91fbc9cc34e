package server

import (
	"net/http"
	"path"
	"strings"

	"guichet/app"
	"guichet/sync/protocol"
)

// route hands a request to its handler. What the standard mux would answer itself — a
// redirect to the cleaned path, a plain-text 404 or 405 — is answered in JSON instead: an
// unclean path is a 400, an unknown route a 404, a known route with another method a 405.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "" || p[0] != '/' || strings.ContainsRune(p, 0) || (p != "/" && path.Clean(p) != p) {
		writeJSON(w, http.StatusBadRequest, protocol.Error{Code: app.EINVALID, Message: "Chemin de requête invalide."})
		return
	}
	if r.Method == http.MethodConnect {
		writeJSON(w, http.StatusMethodNotAllowed, protocol.Error{Code: app.EINVALID, Message: "Méthode non prise en charge."})
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // sets the path values Handler leaves out
		return
	}
	// Let the mux decide between 404 and 405 (and set Allow) without sending its body.
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		if allow := probe.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		writeJSON(w, http.StatusMethodNotAllowed, protocol.Error{Code: app.EINVALID, Message: "Méthode non autorisée sur cette adresse."})
		return
	}
	writeJSON(w, http.StatusNotFound, protocol.Error{Code: app.ENOTFOUND, Message: "Adresse inconnue."})
}

// headerProbe records what a handler would answer and discards the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }

func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

func (p *headerProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
