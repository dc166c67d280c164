package httpapi_test

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/internal/testing/miniotest"
)

func TestVaultProbe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hdfs provider")
	}
	root, err := miniotest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "hdfs"), "./storage-providers/hdfs")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the hdfs provider: %v\n%s", err, out)
	}
	s := servertest.Start(t, servertest.Options{Edit: func(c *server.Config) { c.Vault.ProviderDir = dir }})
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(servertest.Do(t, http.MethodGet, s.URL+"/v1/plugins", "", auth()...).Body, `"name":"hdfs"`) {
		if time.Now().After(deadline) {
			t.Fatal("the hdfs provider was not registered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	create := func(id, fsName string) {
		body := `{"instance_id":"` + id + `","name":"n","user_id":"u","vault":{"hdfs_info":{"build_conf":{"fs_name":"` + fsName + `"},"prefix":"` + id + `"}}}`
		if r := servertest.Do(t, http.MethodPost, msURL(s, "create_instance", ""), body); r.Status != 200 {
			t.Fatalf("create_instance %s: %d %s", id, r.Status, r.Body)
		}
	}
	create("good", "file://"+t.TempDir())
	create("bad", "file:///dev/null/vault") // /dev/null is a file: nothing can be written under it
	probe := func(id string, hdr ...string) (int, []map[string]any, string) {
		r := servertest.Do(t, http.MethodPost, s.URL+"/v1/vaults/"+id+"/probe", "", hdr...)
		var out []map[string]any
		_ = json.Unmarshal([]byte(r.Body), &out)
		return r.Status, out, r.Body
	}
	if status, out, body := probe("good", auth()...); status != 200 || len(out) != 1 || out[0]["ok"] != true || out[0]["provider"] != "hdfs" {
		t.Errorf("probe good: %d %s", status, body)
	}
	if status, out, body := probe("bad", auth()...); status != 200 || len(out) != 1 || out[0]["ok"] != false || out[0]["error"] == "" {
		t.Errorf("probe bad: %d %s", status, body)
	}
	for _, c := range []struct {
		id     string
		hdr    []string
		status int
	}{{"nope", auth(), 404}, {"good", nil, 401}} {
		if status, _, body := probe(c.id, c.hdr...); status != c.status || !strings.Contains(body, `"code"`) {
			t.Errorf("probe %s: %d %s, want %d", c.id, status, body, c.status)
		}
	}
}
