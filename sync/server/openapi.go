package server

import (
	_ "embed"
	"net/http"
)

// openAPI describes the API; a test checks that it lists exactly the routes served.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPI)
}
