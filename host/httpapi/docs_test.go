package httpapi

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/metrics"
	"github.com/metahost/metahost/host/raftstore"
)

// The API reference (docs/api/*.md) declares each route on a line that
// starts with a heading or a table cell holding `METHODS /path`, e.g.
//
//	### `GET /v1/health`
//	| `POST /MetaService/http/create_instance` | ... |
//
// METHODS is one method, several joined by '|', or ANY. TestAPIDocsMatchRoutes
// keeps that reference and the router in step, both ways.

// docRouteRE matches a route declaration in the API reference.
var docRouteRE = regexp.MustCompile("^(?:#{2,4} |\\| )`((?:GET|POST|PUT|DELETE|ANY)(?:\\|(?:GET|POST|PUT|DELETE))*) (/[^`?\\s]*)")

// docRoute is one route the reference declares.
type docRoute struct {
	methods []string
	path    string
	where   string // file:line
}

// A route that chi reports with CONNECT and TRACE among its methods was
// registered with Handle/HandleFunc (every method): its handler decides
// (the Doris surfaces accept any method, pprof too). The reference writes
// such a route with ANY or with the methods clients use.

// parseAPIDocs reads the route declarations of every page in dir.
func parseAPIDocs(t *testing.T, dir string) []docRoute {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no API reference pages in %s (%v)", dir, err)
	}
	var out []docRoute
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			m := docRouteRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			out = append(out, docRoute{methods: strings.Split(m[1], "|"), path: m[2], where: filepath.Base(f) + ":" + strconv.Itoa(i+1)})
		}
	}
	return out
}

// isPlaceholder reports whether a documented path segment is a parameter
// such as {op}, not a concrete operation name.
func isPlaceholder(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

// docsRouter builds the router with every optional surface mounted: each
// pointer field of Deps gets a zero value of its type (a surface whose
// dependency is nil is not mounted, and a surface added later must not
// escape the check). The handlers are never called: only the route table
// matters here.
func docsRouter(t *testing.T) *chi.Mux {
	t.Helper()
	st := &raftstore.Store{}
	d := Deps{Store: st, Metrics: metrics.New(st, "docs"), Logger: hclog.NewNullLogger()}
	v := reflect.ValueOf(&d).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && f.IsNil() {
			f.Set(reflect.New(f.Type().Elem()))
		}
	}
	mux, ok := NewRouter(d).(*chi.Mux)
	if !ok {
		t.Fatal("NewRouter no longer returns a *chi.Mux; adapt the API reference check")
	}
	return mux
}

// servedRoutes walks the router: route pattern -> methods ("ANY" when chi
// registered the handler for every method).
func servedRoutes(t *testing.T, mux *chi.Mux) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out[route] = append(out[route], method)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for route, ms := range out {
		sort.Strings(ms)
		if slices.Contains(ms, "CONNECT") && slices.Contains(ms, "TRACE") {
			out[route] = []string{"ANY"}
		}
	}
	return out
}

func TestAPIDocsMatchRoutes(t *testing.T) {
	mux := docsRouter(t)
	served := servedRoutes(t, mux)
	docs := parseAPIDocs(t, filepath.Join("..", "..", "docs", "api"))

	// pattern -> methods the reference documents for it
	documented := map[string]map[string]bool{}
	msOps := map[string]bool{}
	brpcOps := map[string]bool{}
	for _, d := range docs {
		for _, m := range d.methods {
			probe := m
			if m == "ANY" {
				probe = http.MethodGet
			}
			pattern := mux.Find(chi.NewRouteContext(), probe, d.path)
			if pattern == "" {
				t.Errorf("%s: documented route `%s %s` is not served", d.where, m, d.path)
				continue
			}
			got := served[pattern]
			if m == "ANY" && !slices.Equal(got, []string{"ANY"}) {
				t.Errorf("%s: `ANY %s` is documented but %s serves only %v", d.where, d.path, pattern, got)
			}
			if documented[pattern] == nil {
				documented[pattern] = map[string]bool{}
			}
			documented[pattern][m] = true
			switch pattern {
			case "/MetaService/http/*", "/doris.cloud.MetaService/http/*":
				op := strings.TrimPrefix(d.path[strings.Index(d.path, "/http/")+len("/http/"):], "v1/")
				if isPlaceholder(op) {
					continue
				}
				if _, ok := metaServiceRoutes()[op]; !ok {
					t.Errorf("%s: documented meta-service route %q is not in the route table", d.where, op)
				}
				msOps[op] = true
			case "/MetaService/{method}", "/doris.cloud.MetaService/{method}":
				op := d.path[strings.LastIndex(d.path, "/")+1:]
				if isPlaceholder(op) {
					continue
				}
				if _, ok := brpcMethods()[op]; !ok {
					t.Errorf("%s: documented compute-node method %q is not in the method table", d.where, op)
				}
				brpcOps[op] = true
			}
		}
	}

	patterns := make([]string, 0, len(served))
	for pattern := range served {
		patterns = append(patterns, pattern)
	}
	sort.Strings(patterns)
	for _, pattern := range patterns {
		methods := served[pattern]
		doc := documented[pattern]
		if doc == nil {
			t.Errorf("route %s %v is served but not documented in docs/api/*.md", pattern, methods)
			continue
		}
		if slices.Equal(methods, []string{"ANY"}) {
			continue // the handler picks its methods; any documented method is fine
		}
		for _, m := range methods {
			if !doc[m] {
				t.Errorf("route `%s %s` is served but docs/api/*.md does not document that method", m, pattern)
			}
		}
	}
	for _, op := range sortedKeys(metaServiceRoutes()) {
		if !msOps[op] {
			t.Errorf("meta-service route %q is served but not documented as /MetaService/http/%s", op, op)
		}
	}
	for _, op := range sortedKeys(brpcMethods()) {
		if !brpcOps[op] {
			t.Errorf("compute-node method %q is served but not documented as /MetaService/%s", op, op)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAPIDocsParser checks the declaration syntax the drift test relies on.
func TestAPIDocsParser(t *testing.T) {
	cases := []struct {
		line    string
		methods string
		path    string
	}{
		{"### `GET /v1/health`", "GET", "/v1/health"},
		{"#### `GET|POST /v1/ctrl/trigger_snapshot`", "GET|POST", "/v1/ctrl/trigger_snapshot"},
		{"| `POST /MetaService/http/create_instance` | x |", "POST", "/MetaService/http/create_instance"},
		{"## `ANY /api/*`", "ANY", "/api/*"},
		{"### `GET /v1/kv/{key}?stale`", "GET", "/v1/kv/{key}"},
		{"Text that mentions `GET /v1/health` is not a declaration.", "", ""},
		{"### `FETCH /v1/health`", "", ""},
		{"| `GET|ANY /x` |", "", ""},
	}
	for _, c := range cases {
		m := docRouteRE.FindStringSubmatch(c.line)
		switch {
		case c.methods == "" && m != nil:
			t.Errorf("%q: parsed as %q %q, want no route", c.line, m[1], m[2])
		case c.methods != "" && (m == nil || m[1] != c.methods || m[2] != c.path):
			t.Errorf("%q: parsed as %v, want %q %q", c.line, m, c.methods, c.path)
		}
	}
}
