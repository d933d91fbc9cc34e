//lint:file-ignore SA1019 the syntactic ast.Object resolution is enough to follow the ui package's own variables and parameters

package ui

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"guichet/internal/testdir"
)

// The translation tests read the sources: every lang key used in ui/ and every app.Msg* constant
// must be in fr.json and en.json, and a user-visible literal not wrapped in lang fails.

// goPkg is a parsed package (test files left out).
type goPkg struct {
	fset   *token.FileSet
	files  []*ast.File
	funcs  map[string][]*ast.FuncDecl // functions and methods by name
	consts map[string]ast.Expr        // package-level constants by name
	fields map[string]bool            // field names of the package's struct types
}

func parsePkg(t *testing.T, dir string) *goPkg {
	t.Helper()
	p := &goPkg{fset: token.NewFileSet(), funcs: map[string][]*ast.FuncDecl{}, consts: map[string]ast.Expr{}, fields: map[string]bool{}}
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(p.fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				p.funcs[d.Name.Name] = append(p.funcs[d.Name.Name], d)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						if d.Tok == token.CONST {
							for i, n := range s.Names {
								if i < len(s.Values) {
									p.consts[n.Name] = s.Values[i]
								}
							}
						}
					case *ast.TypeSpec:
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, fl := range st.Fields.List {
								for _, n := range fl.Names {
									p.fields[n.Name] = true
								}
							}
						}
					}
				}
			}
		}
	}
	return p
}

// constString evaluates a constant string expression: literals, + and the package's constants.
func (p *goPkg) constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return p.constString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := p.constString(e.X)
		b, ok2 := p.constString(e.Y)
		return a + b, ok1 && ok2
	case *ast.Ident:
		if v, ok := p.consts[e.Name]; ok {
			return p.constString(v)
		}
	}
	return "", false
}

func (p *goPkg) pos(n ast.Node) string {
	pos := p.fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
}

// langFuncs are the lang package's translating functions; the key is their first argument.
var langFuncs = map[string]bool{"L": true, "X": true, "N": true, "XN": true, "Localize": true, "LocalizeKey": true,
	"LocalizePlural": true, "LocalizePluralKey": true}

// translators are the ui helpers that translate a message at display time.
var translators = map[string]bool{"tr": true, "trErr": true}

func isLangCall(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "lang" && langFuncs[sel.Sel.Name]
}

// langKeys returns the keys of the lang calls in the package, and the calls whose key is not
// a constant (allowed only inside the translators).
func (p *goPkg) langKeys() (keys map[string]string, dynamic []string) {
	keys = map[string]string{}
	for _, f := range p.files {
		for _, d := range f.Decls {
			fd, _ := d.(*ast.FuncDecl)
			ast.Inspect(d, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok || !isLangCall(c) || len(c.Args) == 0 {
					return true
				}
				if k, ok := p.constString(c.Args[0]); ok {
					keys[k] = p.pos(c)
				} else if fd == nil || !translators[fd.Name.Name] {
					dynamic = append(dynamic, p.pos(c))
				}
				return true
			})
		}
	}
	return keys, dynamic
}

// appMessages returns the app.Msg* constants' texts.
func appMessages(t *testing.T) map[string]string {
	app := parsePkg(t, "../app")
	out := map[string]string{}
	for name, v := range app.consts {
		if strings.HasPrefix(name, "Msg") {
			s, ok := app.constString(v)
			if !ok {
				t.Fatalf("app.%s is not a constant string", name)
			}
			out[name] = s
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d app.Msg* constants found: the parse is broken", len(out))
	}
	return out
}

func loadTranslations(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "assets", "translations", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

// knownMessages are whole messages written outside ui/ and app.Msg* that the counter shows
// through tr: the showtime warning's words, the sync client's and the server's usual errors, the
// server's conflict details, the Allociné import's reasons.
var knownMessages = []string{"à venir", "passée", "Erreur interne.", "Réponse illisible du serveur.",
	"Réponse incomplète du serveur.", "Clé d'API inconnue.", "Cette clé d'API a été révoquée.",
	"Authentification requise : en-tête Authorization: Bearer <clé d'API>.",
	"Cette action est réservée aux responsables (clé « manager »).",
	// the server's conflict details
	"Entrée validée hors ligne, mais la contremarque avait déjà été validée ailleurs.",
	"Entrée validée hors ligne, mais la réservation avait été annulée avant le passage en caisse.",
	"Validation annulée hors ligne, mais la contremarque avait été validée entre-temps ailleurs : cette validation est conservée.",
	"Entrée validée hors ligne, mais cette contremarque ne correspond à aucune réservation de vos lieux.",
	// why the Allociné import skipped a film or a showtime
	"évènement spécial (SPECIAL_EVENT)", "aucune séance classique", "séance en double"}

var verbRe = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestTranslations_Complete fails when a lang key of ui/ or an app.Msg* text is missing from
// fr.json or en.json, when a lang call's key is not a constant, or when a translation changes
// the format verbs of its key.
func TestTranslations_Complete(t *testing.T) {
	ui := parsePkg(t, ".")
	keys, dynamic := ui.langKeys()
	if len(keys) < 100 {
		t.Fatalf("only %d lang keys found in ui/: the parse is broken", len(keys))
	}
	for _, at := range dynamic {
		t.Errorf("%s: lang call with a key that is not a constant string (the test cannot check it)", at)
	}
	for name, msg := range appMessages(t) {
		keys[msg] = "app." + name
	}
	formats := 0
	for _, f := range ui.files { // the formats tr recognises
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "formattedMessages" {
				for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
					if s, ok := ui.constString(e); ok {
						keys[s] = ui.pos(e)
						formats++
					}
				}
			}
			return true
		})
	}
	if formats < 3 {
		t.Fatalf("only %d formats found in formattedMessages", formats)
	}
	for _, m := range knownMessages {
		keys[m] = "knownMessages"
	}
	for _, lang := range []string{"fr", "en"} {
		tr := loadTranslations(t, lang)
		var missing []string
		for k, at := range keys {
			if _, ok := tr[k]; !ok {
				missing = append(missing, fmt.Sprintf("%s: %q", at, k))
			}
		}
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("%s.json lacks %s", lang, m)
		}
		for k, v := range tr {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s.json: empty translation for %q", lang, k)
			}
			if a, b := verbs(k), verbs(v); a != b {
				t.Errorf("%s.json: %q has verbs %s, its translation %q has %s", lang, k, a, v, b)
			}
		}
	}
}

func verbs(s string) string {
	v := verbRe.FindAllString(s, -1)
	sort.Strings(v)
	return strings.Join(v, " ")
}

// TestTranslations_SameKeys fails when fr.json and en.json do not have exactly the same keys,
// or when fr.json changes a French key (the French text is the key).
func TestTranslations_SameKeys(t *testing.T) {
	fr, en := loadTranslations(t, "fr"), loadTranslations(t, "en")
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q (in fr.json)", k)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("fr.json lacks %q (in en.json)", k)
		}
	}
	for k, v := range fr {
		if k != v {
			t.Errorf("fr.json: %q translated as %q: the French text is the key, change it in the code", k, v)
		}
	}
}

// nonWords are the only user-visible literals shown without translation: names and formats.
var nonWords = map[string]bool{"Guichet": true, "PDF": true, "CSV": true, "gk_…": true}

// identLike matches keys, file names and such: no space, lower-case ASCII with a separator.
var identLike = regexp.MustCompile(`^[a-z0-9%]*[._/:-][a-z0-9_./:%-]*$`)

// userText reports whether a literal looks like words a user reads.
func userText(s string) bool {
	if nonWords[s] || strings.Contains(s, "://") || identLike.MatchString(s) {
		return false
	}
	for _, r := range verbRe.ReplaceAllString(s, "") {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// textChecker follows what reaches a widget's text back to its string literals.
type textChecker struct {
	p    *goPkg
	seen map[ast.Node]bool
	bad  map[string]string // position → problem
	// objects to the function declaring them, for parameters
	params map[*ast.Object]struct {
		fn  string
		idx int
	}
	file map[*ast.Object]*ast.File
}

// sinkArgs returns the arguments of a call that become text on screen, or nil.
func sinkArgs(c *ast.CallExpr) []ast.Expr {
	switch fun := c.Fun.(type) {
	case *ast.SelectorExpr:
		name := fun.Sel.Name
		if x, ok := fun.X.(*ast.Ident); ok {
			switch {
			case x.Name == "fmt" && (name == "Sprintf" || name == "Sprint" || name == "Sprintln"):
				return c.Args
			case x.Name == "fmt" && name == "Fprintf" && len(c.Args) > 1:
				return c.Args[1:]
			case (x.Name == "widget" || x.Name == "canvas" || x.Name == "container") && strings.HasPrefix(name, "New"):
				return c.Args
			case x.Name == "dialog":
				return c.Args
			case x.Name == "app" && (name == "Errorf" || name == "FieldError") && len(c.Args) > 1:
				return c.Args[1:] // shown through app.ErrorMessage
			}
		}
		switch name {
		case "SetText", "SetPlaceHolder", "SetTitle", "SetSubTitle", "SetDismissText", "SetConfirmText", "NewWindow",
			"SetOptions", "Append":
			if name == "Append" { // only a string slice's options
				return nil
			}
			return c.Args
		}
	}
	return nil
}

func (c *textChecker) report(n ast.Node, format string, args ...any) {
	c.bad[c.p.pos(n)] = fmt.Sprintf(format, args...)
}

func (c *textChecker) check(e ast.Expr) {
	if e == nil || c.seen[e] {
		return
	}
	c.seen[e] = true
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, ok := c.p.constString(e); ok && userText(s) {
			c.report(e, "%q is shown without lang.L", s)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			c.check(e.X)
			c.check(e.Y)
		}
	case *ast.ParenExpr:
		c.check(e.X)
	case *ast.StarExpr:
		c.check(e.X)
	case *ast.UnaryExpr:
		c.check(e.X)
	case *ast.IndexExpr:
		c.check(e.X)
	case *ast.SliceExpr:
		c.check(e.X)
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				c.check(kv.Value)
			} else {
				c.check(el)
			}
		}
	case *ast.CallExpr:
		c.call(e)
	case *ast.Ident:
		c.ident(e)
	case *ast.SelectorExpr:
		c.selector(e)
	}
}

func (c *textChecker) call(e *ast.CallExpr) {
	if isLangCall(e) {
		return
	}
	var name string
	switch fun := e.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		name = fun.Sel.Name
		if x, ok := fun.X.(*ast.Ident); ok && x.Name == "app" && name == "ErrorMessage" {
			c.report(e, "app.ErrorMessage shown untranslated: use trErr")
			return
		}
		if x, ok := fun.X.(*ast.Ident); ok && (x.Name == "errors" && name == "New" || x.Name == "fmt" && name == "Errorf") {
			return // an error, not a text: its text is shown through tr(err.Error()) or trErr
		}
		if name == "Error" && len(e.Args) == 0 {
			c.report(e, "an error's text shown untranslated: use tr(err.Error())")
			return
		}
		if x, ok := fun.X.(*ast.Ident); ok && x.Obj == nil {
			name = "" // another package's function (fmt, strings, time…): its arguments are checked
		}
	}
	if translators[name] {
		return
	}
	if fns, ok := c.p.funcs[name]; ok && name != "" {
		for _, fn := range fns { // what the ui function returns
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok {
					return false
				}
				if r, ok := n.(*ast.ReturnStmt); ok {
					for _, x := range r.Results {
						c.check(x)
					}
				}
				return true
			})
		}
		return
	}
	for _, a := range e.Args {
		if _, ok := a.(*ast.FuncLit); !ok {
			c.check(a)
		}
	}
}

func (c *textChecker) ident(e *ast.Ident) {
	if e.Obj == nil {
		if v, ok := c.p.consts[e.Name]; ok {
			c.check(v)
		}
		return
	}
	switch e.Obj.Kind {
	case ast.Con:
		if vs, ok := e.Obj.Decl.(*ast.ValueSpec); ok {
			for i, n := range vs.Names {
				if n.Name == e.Name && i < len(vs.Values) {
					c.check(vs.Values[i])
				}
			}
		}
	case ast.Var:
		if pr, ok := c.params[e.Obj]; ok { // a parameter: what every caller passes
			if translators[pr.fn] {
				return // translated whatever it is
			}
			for _, f := range c.p.files {
				ast.Inspect(f, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || pr.idx >= len(call.Args) {
						return true
					}
					switch fun := call.Fun.(type) {
					case *ast.Ident:
						if fun.Name == pr.fn {
							c.check(call.Args[pr.idx])
						}
					case *ast.SelectorExpr:
						if x, ok := fun.X.(*ast.Ident); ok && x.Obj == nil {
							return true // another package's function
						}
						if fun.Sel.Name == pr.fn {
							c.check(call.Args[pr.idx])
						}
					}
					return true
				})
			}
			return
		}
		f := c.file[e.Obj]
		if f == nil {
			return
		}
		ast.Inspect(f, func(n ast.Node) bool { // every value the variable is given
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj == e.Obj {
						if len(n.Rhs) == len(n.Lhs) {
							c.check(n.Rhs[i])
						} else if len(n.Rhs) == 1 {
							c.check(n.Rhs[0])
						}
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if id.Obj == e.Obj && i < len(n.Values) {
						c.check(n.Values[i])
					}
				}
			case *ast.RangeStmt:
				if id, ok := n.Value.(*ast.Ident); ok && id.Obj == e.Obj {
					c.check(n.X)
				}
			}
			return true
		})
	}
}

// domainText are fields of other packages' types that carry French messages.
var domainText = map[string]bool{"Message": true, "Warnings": true, "Detail": true, "Reason": true, "Error": true}

func (c *textChecker) selector(e *ast.SelectorExpr) {
	name := e.Sel.Name
	if x, ok := e.X.(*ast.Ident); ok && x.Name == "app" {
		if strings.HasPrefix(name, "Msg") {
			c.report(e, "app.%s shown untranslated: use tr(app.%s)", name, name)
		}
		return
	}
	if !c.p.fields[name] {
		if domainText[name] {
			c.report(e, "%s shown untranslated: use tr(…)", name)
		}
		return
	}
	for _, f := range c.p.files { // a field of a ui type: every value it is given
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if s, ok := l.(*ast.SelectorExpr); ok && s.Sel.Name == name && len(n.Rhs) == len(n.Lhs) {
						c.check(n.Rhs[i])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == name {
					c.check(n.Value)
				}
			}
			return true
		})
	}
}

// TestTranslations_NoBareText fails when a literal that reads as words reaches the screen (a
// widget's text, a dialog, a tab, a form label, a format, an error shown to the user) without
// going through lang, or when a domain message is shown without tr.
func TestTranslations_NoBareText(t *testing.T) {
	p := parsePkg(t, ".")
	c := newTextChecker(p)
	sinks := c.walk()
	if sinks < 100 {
		t.Fatalf("only %d texts found going to the screen: the walk is broken", sinks)
	}
	var out []string
	for at, msg := range c.bad {
		out = append(out, at+": "+msg)
	}
	sort.Strings(out)
	for _, m := range out {
		t.Error(m)
	}
}

// walk checks every text that goes to the screen in the package; it returns how many it saw.
func (c *textChecker) walk() int {
	sinks := 0
	for _, f := range c.p.files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				return !translators[n.Name.Name] // they format translated texts
			case *ast.CallExpr:
				if isLangCall(n) {
					return false
				}
				for _, a := range sinkArgs(n) {
					sinks++
					if _, ok := a.(*ast.FuncLit); !ok {
						c.check(a)
					}
				}
			case *ast.KeyValueExpr: // app.Outcome{Message: …}: shown through tr, so a lang key
				if k, ok := n.Key.(*ast.Ident); ok && domainText[k.Name] {
					sinks++
					c.check(n.Value)
				}
			case *ast.AssignStmt: // label.Text = …, entry.PlaceHolder = …
				for i, l := range n.Lhs {
					if s, ok := l.(*ast.SelectorExpr); ok && (s.Sel.Name == "Text" || s.Sel.Name == "PlaceHolder") && i < len(n.Rhs) {
						sinks++
						c.check(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	return sinks
}

func newTextChecker(p *goPkg) *textChecker {
	c := &textChecker{p: p, seen: map[ast.Node]bool{}, bad: map[string]string{},
		params: map[*ast.Object]struct {
			fn  string
			idx int
		}{}, file: map[*ast.Object]*ast.File{}}
	for _, f := range p.files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				idx := 0
				for _, fl := range n.Type.Params.List {
					for _, id := range fl.Names {
						if id.Obj != nil {
							c.params[id.Obj] = struct {
								fn  string
								idx int
							}{n.Name.Name, idx}
						}
						idx++
					}
					if len(fl.Names) == 0 {
						idx++
					}
				}
			case *ast.Ident:
				if n.Obj != nil && n.Obj.Kind == ast.Var {
					c.file[n.Obj] = f
				}
			}
			return true
		})
	}
	return c
}

// checkerSample holds regressions the text check must catch (lines marked "bad") and the
// wrapped forms it must accept.
const checkerSample = `package sample

func a(s *screen, err error) {
	widget.NewLabel("Bonjour") // bad
	widget.NewLabel(lang.L("Bonjour"))
	text := "Aucune séance" // bad
	s.label.SetText(text)
	s.say(nil, "Enregistré.") // bad
	s.say(nil, lang.L("Enregistré."))
	dialog.ShowInformation(lang.L("Code PIN"), "Code PIN supprimé.", nil) // bad
	s.title.Text = "Prêt" // bad
	widget.NewLabel(app.MsgAdmitted) // bad
	widget.NewLabel(tr(app.MsgAdmitted))
	widget.NewLabel(app.ErrorMessage(err)) // bad
	widget.NewLabel(trErr(err))
	widget.NewLabel(err.Error()) // bad
	widget.NewLabel(fmt.Sprintf("%d places", 3)) // bad
	widget.NewLabel(fmt.Sprintf(lang.L("%d places"), 3))
	widget.NewLabel("€ — %s")
	widget.NewLabel(t.Format("02/01 à 15:04")) // bad
	container.NewTabItem("Caisse", nil) // bad
	widget.NewFormItem("Serveur", nil) // bad
	var v view
	v.Lines = append(v.Lines, "Séance") // bad
	s.out(v)
	o := app.Outcome{Message: "Lecture incomplète"} // bad
	widget.NewSelect([]string{lang.L("Première"), "Seconde"}, nil) // bad
	os.WriteFile(fmt.Sprintf("counter-%d.png", 1), nil, 0o644)
	return errors.New("not shown")
}

const msg = "Serveur injoignable" // bad

func (s *screen) say(err error, ok string) { s.message.SetText(ok) }
func (s *screen) offline()                 { s.message.SetText(msg) }

type view struct{ Lines []string }

func (s *screen) out(v view) {
	for _, l := range v.Lines {
		canvas.NewText(wrapped(l), nil)
	}
}

func wrapped(s string) string { return s }
`

// TestTranslations_CheckerCatches runs the text check on a sample: it reports every regression
// and nothing else.
func TestTranslations_CheckerCatches(t *testing.T) {
	dir := testdir.New(t)
	if err := os.WriteFile(filepath.Join(dir, "sample.go"), []byte(checkerSample), 0o644); err != nil {
		t.Fatal(err)
	}
	p := parsePkg(t, dir)
	c := newTextChecker(p)
	c.walk()
	want := map[string]bool{}
	for i, l := range strings.Split(checkerSample, "\n") {
		if strings.HasSuffix(l, "// bad") {
			want[fmt.Sprintf("sample.go:%d", i+1)] = true
		}
	}
	if len(want) < 15 {
		t.Fatalf("the sample marks only %d regressions", len(want))
	}
	for at := range want {
		if _, ok := c.bad[at]; !ok {
			t.Errorf("%s: regression not caught", at)
		}
	}
	for at, msg := range c.bad {
		if !want[at] {
			t.Errorf("%s: false alarm: %s", at, msg)
		}
	}
}

// TestTranslations_KnownMessagesExist keeps the messages tr knows from other packages true: each
// literal part of formattedMessages and knownMessages is still written by the domain, the counter
// engine, the sync client or the server, so a reworded message cannot silently stay French.
func TestTranslations_KnownMessagesExist(t *testing.T) {
	var written []string
	for _, dir := range []string{"../app", "../app/allocine", "../counter", "../sync/client", "../sync/server", "../sync/store/sqlstore"} {
		for s := range literals(t, dir) {
			written = append(written, s)
		}
	}
	ui := parsePkg(t, ".")
	var known []string
	for _, f := range ui.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "formattedMessages" {
				for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
					if s, ok := ui.constString(e); ok {
						known = append(known, s)
					}
				}
			}
			return true
		})
	}
	known = append(known, knownMessages...)
	for _, m := range known {
		for _, part := range strings.Split(strings.ReplaceAll(m, "%d", "%s"), "%s") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			found := false
			for _, w := range written {
				if strings.Contains(w, part) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%q (of %q) is written nowhere any more: update the message list and the translations", part, m)
			}
		}
	}
}
