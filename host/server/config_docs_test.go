package server_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/server"
)

// configKeys lists every TOML key of t as "section.key" ("key" at the top
// level), one level of sections deep, as the configuration file has them.
func configKeys(t reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(server.Duration{}) {
			out = append(out, configKeys(ft, prefix+name+".")...)
			continue
		}
		out = append(out, prefix+name)
	}
	return out
}

var (
	sectionRE = regexp.MustCompile("^## `\\[([a-z_]+)\\]`")
	keyRE     = regexp.MustCompile("`([a-z][a-z_]*)`")
)

// documentedKeys reads the key columns of the tables in docs/configuration.md:
// the first cell of a row under a "## `[section]`" heading, the second cell
// (the TOML key) in the top-level table.
func documentedKeys(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	section, topLevel := "", false
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			section, topLevel = "", strings.Contains(line, "top-level keys")
			if m := sectionRE.FindStringSubmatch(line); m != nil {
				section = m[1]
			}
			continue
		}
		if !strings.HasPrefix(line, "| ") || (section == "" && !topLevel) {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		cell := cells[1]
		if topLevel {
			cell = cells[2]
		}
		for _, m := range keyRE.FindAllStringSubmatch(cell, -1) {
			key := m[1]
			if section != "" {
				key = section + "." + key
			}
			out[key] = filepath.Base(path) + ":" + strconv.Itoa(i+1)
		}
	}
	return out
}

// TestConfigurationDocs keeps docs/configuration.md and server.Config in
// step: every key is documented in its section, and every documented key
// exists.
func TestConfigurationDocs(t *testing.T) {
	keys := configKeys(reflect.TypeOf(server.Config{}), "")
	docs := documentedKeys(t, filepath.Join("..", "..", "docs", "configuration.md"))
	if len(keys) < 10 || len(docs) < 10 {
		t.Fatalf("found %d keys in Config and %d in the docs; the parser is broken", len(keys), len(docs))
	}
	sort.Strings(keys)
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
		if _, ok := docs[k]; !ok {
			t.Errorf("configuration key %q is not documented in docs/configuration.md", k)
		}
	}
	for k, where := range docs {
		if !known[k] {
			t.Errorf("%s: documents %q, which is not a configuration key", where, k)
		}
	}
}
