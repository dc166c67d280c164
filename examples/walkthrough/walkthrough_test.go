// Package walkthrough runs examples/walkthrough/walkthrough.sh, the script a
// new user runs against `make run`, against a fresh real metahost process,
// so `make test` proves the walkthrough works from a clean clone.
package walkthrough

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/testcluster"
)

// scriptTimeout bounds one run of the script (it builds two wasm modules).
const scriptTimeout = 5 * time.Minute

// goTool returns the go command of the toolchain running the test, so the
// script builds the plugins with the same Go.
func goTool(t *testing.T) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	return p
}

// runScript runs the walkthrough against node with the given environment
// overrides and returns its combined output and error.
func runScript(t *testing.T, env ...string) (string, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "walkthrough.sh")
	cmd.Env = append(os.Environ(), "GO="+goTool(t), "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}

func TestWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a metahost process and builds two wasm modules")
	}
	// The scheduler is on (as with `make run`) with the default interval.
	c := testcluster.Start(t, 1, testcluster.Options{Config: "[compaction]\ninterval = \"1s\""})
	node := c.Node(1)
	addr := "METAHOST_ADDR=" + node.HTTPAddr

	cases := []struct {
		name    string
		env     []string
		wantErr bool
		want    []string
	}{
		{name: "fresh server", env: []string{addr, "METAHOST_TOKEN=" + c.Token(), "RUN=1700000001"},
			want: []string{"== 9. the token is checked", "walkthrough OK: instance analytics-w1700000001"}},
		// A second run against the same server must pass too (new ids, same
		// plugins registered again, the validator now bound).
		{name: "second run", env: []string{addr, "METAHOST_TOKEN=" + c.Token(), "RUN=1700000002"},
			want: []string{"walkthrough OK: instance analytics-w1700000002"}},
		// The failure paths: the script must stop loudly, not carry on.
		{name: "bad token", env: []string{addr, "METAHOST_TOKEN=wrong", "RUN=1700000003"}, wantErr: true,
			want: []string{"walkthrough FAILED: POST /MetaService/http/create_instance?token=***: HTTP 403, want 200", "incorrect token, token=wrong"}},
		{name: "server down", env: []string{"METAHOST_ADDR=127.0.0.1:1", "METAHOST_TOKEN=" + c.Token(), "RUN=1700000004"}, wantErr: true,
			want: []string{"walkthrough FAILED: GET /v1/cluster/status: curl failed (is the server at http://127.0.0.1:1 running?)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runScript(t, tc.env...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("walkthrough error = %v, want error %v; output:\n%s", err, tc.wantErr, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q; output:\n%s", w, out)
				}
			}
			if strings.Contains(out, "token="+c.Token()) {
				t.Errorf("output shows the token; output:\n%s", out)
			}
		})
	}
}
