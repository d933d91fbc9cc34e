package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDomainDoc: the README links the project's own docs/domain.md (not a file outside the
// clone), and every test docs/domain.md names as checking a rule exists in the repository.
func TestDomainDoc(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "(docs/domain.md)") || strings.Contains(string(readme), "shared/docs/domain.md") {
		t.Error("README does not link docs/domain.md, or still points outside the clone")
	}
	doc, err := os.ReadFile("../docs/domain.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcTest := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	subtest := regexp.MustCompile(`\{"(\w+)", test\w+\}`) // TestNative's table of subtests
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range funcTest.FindAllStringSubmatch(string(b), -1) {
			defined[m[1]] = true
			for _, s := range subtest.FindAllStringSubmatch(string(b), -1) {
				defined[m[1]+"/"+s[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`(Test[\\w/]+)`").FindAllStringSubmatch(string(doc), -1)
	if len(named) < 40 {
		t.Fatalf("docs/domain.md names %d tests: every rule should name the test that checks it", len(named))
	}
	for _, m := range named {
		if !defined[m[1]] {
			t.Errorf("docs/domain.md names %s, which no test file defines", m[1])
		}
	}
}
