package httpapi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/server/servertest"
)

// TestMetricsDocs checks that every metahost metric family a node exports
// (metahost_*, metasrv_*) is named in docs/operations.md, so the list of
// metrics to scrape cannot fall behind the registry.
func TestMetricsDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	s := servertest.Start(t, servertest.Options{})
	r := servertest.Do(t, http.MethodGet, s.URL+"/v1/metrics", "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /v1/metrics: %d %s", r.Status, r.Body)
	}
	var names []string
	for _, line := range strings.Split(r.Body, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "#" && f[1] == "TYPE" && (strings.HasPrefix(f[2], "metahost_") || strings.HasPrefix(f[2], "metasrv_")) {
			names = append(names, f[2])
		}
	}
	if len(names) < 10 {
		t.Fatalf("only %d metahost metric families in /v1/metrics; the parser is broken:\n%s", len(names), r.Body)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.Contains(doc, "`"+n+"`") && !strings.Contains(doc, "`"+n+"{") {
			t.Errorf("metric %s is exported but not documented in docs/operations.md (Metrics to scrape)", n)
		}
	}
}
