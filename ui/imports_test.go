package ui

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports_OnlyDomainAndEngine keeps the screens away from the adapters: of the module's
// packages, ui imports only the domain and the counter engine (not the cache, the protocol or
// the HTTP client). assets is embedded data: the translations tr looks its keys up in.
func TestImports_OnlyDomainAndEngine(t *testing.T) {
	allowed := map[string]bool{"guichet/app": true, "guichet/app/allocine": true, "guichet/counter": true, "guichet/assets": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "guichet/internal/testdir" && strings.HasSuffix(name, "_test.go") {
				continue // a test helper, not a dependency of the screens
			}
			if strings.HasPrefix(path, "guichet/") && !allowed[path] {
				t.Errorf("%s imports %s: ui may import only app, app/allocine, counter and assets", name, path)
			}
		}
	}
}
