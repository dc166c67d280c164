package recycler_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/metahost/metahost/host/recycler"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/internal/testing/miniotest"
)

// buildProviders builds the named first-party providers into one directory
// (the [vault] provider_dir) and returns it.
func buildProviders(t testing.TB, names ...string) string {
	t.Helper()
	root, err := miniotest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("go", "build", "-o", filepath.Join(dir, n), "./storage-providers/"+n)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("build %s: %v\n%s", n, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// poll calls cond until it holds or 90 s pass.
func poll(t testing.TB, what string, cond func() bool) {
	t.Helper()
	pollFor(t, 90*time.Second, what, cond)
}

// pollFor calls cond until it holds or d passes.
func pollFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tok(path string) string {
	if strings.Contains(path, "?") {
		return path + "&token=" + servertest.Token
	}
	return path + "?token=" + servertest.Token
}

// ms calls a meta-service route and returns the response.
func ms(t testing.TB, s *servertest.Server, route, query, body string) servertest.Response {
	t.Helper()
	url := s.URL + "/MetaService/http/" + route + "?token=" + servertest.Token
	if query != "" {
		url += "&" + query
	}
	return servertest.Do(t, "PUT", url, body)
}

func msOK(t testing.TB, s *servertest.Server, route, query, body string) {
	t.Helper()
	if r := ms(t, s, route, query, body); r.Status != 200 || !strings.Contains(r.Body, `"code": "OK"`) {
		t.Fatalf("%s: %d %s", route, r.Status, r.Body)
	}
}

// status reads GET /v1/recycler.
func status(t testing.TB, s *servertest.Server) recycler.Status {
	t.Helper()
	r := servertest.Do(t, "GET", tok(s.URL+"/v1/recycler"), "")
	var st recycler.Status
	if r.Status != 200 || json.Unmarshal([]byte(r.Body), &st) != nil {
		t.Fatalf("GET /v1/recycler: %d %s", r.Status, r.Body)
	}
	return st
}

func job(st recycler.Status, id string) (recycler.InstanceJob, bool) {
	for _, j := range st.Instances {
		if j.InstanceID == id {
			return j, true
		}
	}
	return recycler.InstanceJob{}, false
}

// providersRegistered waits for the leader's discovery of names.
func providersRegistered(t testing.TB, s *servertest.Server, names ...string) {
	t.Helper()
	poll(t, "provider discovery", func() bool {
		r := servertest.Do(t, "GET", tok(s.URL+"/v1/plugins"), "")
		for _, n := range names {
			if !strings.Contains(r.Body, `"name":"`+n+`"`) {
				return false
			}
		}
		return true
	})
}
