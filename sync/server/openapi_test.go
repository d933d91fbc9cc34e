package server_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"guichet/sync/protocol"
)

// TestOpenAPI_SchemasMatchTypes: each documented body schema has exactly the JSON fields of the
// Go type the server reads or writes, so that a field added to the protocol is documented where
// clients look for it (and a misplaced one is caught).
func TestOpenAPI_SchemasMatchTypes(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"ScanEvent":      protocol.ScanEvent{},
		"PushRequest":    protocol.PushRequest{},
		"PushResponse":   protocol.PushResponse{},
		"ScanResult":     protocol.ScanResult{},
		"Changes":        protocol.Changes{},
		"Conflict":       protocol.Conflict{},
		"Digest":         protocol.Digest{},
		"Error":          protocol.Error{},
		"StockInput":     protocol.StockInput{},
		"BankAccount":    protocol.BankAccount{},
		"NativeBooking":  protocol.NativeBooking{},
		"NativeShowtime": protocol.NativeShowtime{},
	} {
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("openapi.json has no schema %s", name)
			continue
		}
		fields := jsonFields(reflect.TypeOf(v))
		for _, f := range fields {
			if _, ok := schema.Properties[f]; !ok {
				t.Errorf("%s: field %q of %T is not documented", name, f, v)
			}
		}
		documented := make([]string, 0, len(schema.Properties))
		for p := range schema.Properties {
			documented = append(documented, p)
		}
		sort.Strings(documented)
		for _, p := range documented {
			if !slices.Contains(fields, p) {
				t.Errorf("%s: documents %q, which %T does not have", name, p, v)
			}
		}
	}
}

// jsonFields lists the JSON names of a struct's fields, embedded structs flattened.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
