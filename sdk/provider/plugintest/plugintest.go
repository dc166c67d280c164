// Package plugintest is the conformance suite for storage-vault providers.
// A provider author builds their plugin binary, starts it the way the host
// does (sha256-pinned, AutoMTLS, supervised) and runs the suite against a
// writable vault:
//
//	func TestConformance(t *testing.T) {
//		bin := plugintest.Build(t, ".")
//		p := plugintest.Start(t, bin, "localdir", nil)
//		plugintest.Run(t, plugintest.Target{Call: p.Call, Config: cfg})
//	}
package plugintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin/process"
	"github.com/metahost/metahost/sdk/provider"
)

// Build compiles the main package pkg (an import path or a directory
// relative to the test's working directory) into a temporary directory and
// returns the binary's path.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	name := filepath.Base(strings.TrimSuffix(pkg, "/"))
	if abs, err := filepath.Abs(pkg); err == nil && (name == "." || name == "..") {
		name = filepath.Base(abs)
	}
	bin := filepath.Join(tb.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		tb.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// SHA256 returns the hex sha256 of the file at path, as the catalog pins it.
func SHA256(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Start runs the binary under the host's supervisor (host/plugin/process)
// as plugin name of kind provider, with env as its whole environment, and
// stops it when the test ends.
func Start(tb testing.TB, bin, name string, env []string) *process.Plugin {
	tb.Helper()
	p, err := process.Start(context.Background(), process.Spec{
		Name: name, Kind: provider.Kind,
		Path: bin, SHA256: SHA256(tb, bin),
		Env:         env,
		RunDir:      tb.TempDir(),
		CallTimeout: 60 * time.Second,
		Breaker:     process.BreakerConfig{MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond},
	}, hclog.New(&hclog.LoggerOptions{Name: "host", Output: testWriter{tb}, Level: hclog.Info}))
	if err != nil {
		tb.Fatalf("start provider %s: %v", name, err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// testWriter sends the supervisor's log (and the plugin's stderr) to the
// test log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Target is a provider under test.
type Target struct {
	// Call reaches the provider (Plugin.Call, or Handler.Call in-process).
	Call provider.CallFunc
	// Config is a writable vault; the suite works under a fresh
	// sub-prefix of its prefix and leaves it empty.
	Config *provider.Config
	// BadCredentials, when set, is a config whose probe must fail with
	// INVALID_ARGUMENT.
	BadCredentials *provider.Config
	// ObjectCount is how many objects the delete-prefix case writes
	// (default 50).
	ObjectCount int
}

// withPrefix returns a copy of cfg whose vault prefix is prefix.
func withPrefix(cfg *provider.Config, prefix string) *provider.Config {
	out := *cfg
	if cfg.Obj != nil {
		o := *cfg.Obj
		o.Prefix = prefix
		out.Obj = &o
	}
	if cfg.HDFS != nil {
		h := *cfg.HDFS
		h.Prefix = prefix
		out.HDFS = &h
	}
	return &out
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if !provider.HasCode(err, code) {
		t.Fatalf("%s: got %v, want a %s error", what, err, code)
	}
}

// Run runs the conformance suite.
func Run(t *testing.T, tgt Target) {
	base := provider.TrimPrefix(tgt.Config.VaultPrefix())
	root := "conformance-" + randHex(4)
	if base != "" {
		root = base + "/" + root
	}
	cfg := withPrefix(tgt.Config, root)
	client := provider.NewClient(tgt.Call)
	v := client.Vault(cfg)
	ctx := context.Background()
	sse := cfg.Obj != nil && cfg.Obj.SSEEnabled

	t.Run("validate", func(t *testing.T) {
		if err := v.Validate(ctx); err != nil {
			t.Fatalf("validate a good config: %v", err)
		}
		for name, bad := range map[string]*provider.Config{
			"empty":  {},
			"both":   {Obj: &provider.ObjInfo{}, HDFS: &provider.HDFSInfo{}},
			"prefix": withPrefix(cfg, "a/../b"),
		} {
			wantCode(t, "validate "+name, client.Vault(bad).Validate(ctx), provider.CodeInvalidArgument)
		}
	})
	t.Run("probe", func(t *testing.T) {
		if err := v.Probe(ctx, false); err != nil {
			t.Fatalf("probe: %v", err)
		}
		if err := v.Probe(ctx, true); err != nil {
			t.Fatalf("probe write: %v", err)
		}
		if tgt.BadCredentials != nil {
			err := client.Vault(withPrefix(tgt.BadCredentials, root)).Probe(ctx, true)
			wantCode(t, "probe with bad credentials", err, provider.CodeInvalidArgument)
		}
		page, err := v.List(ctx, "", "", 10)
		if err != nil || len(page.Objects) != 0 {
			t.Fatalf("probe left objects behind: %+v, %v", page, err)
		}
	})
	t.Run("put-get-stat", func(t *testing.T) {
		body := []byte("hello, vault")
		obj, err := v.Put(ctx, "a/b/obj1", body)
		if err != nil {
			t.Fatalf("put: %v", err)
		}
		if obj.Key != "a/b/obj1" || obj.Size != int64(len(body)) {
			t.Errorf("put answered %+v", obj)
		}
		st, err := v.Stat(ctx, "a/b/obj1")
		if err != nil || st.Size != int64(len(body)) || st.Key != "a/b/obj1" {
			t.Fatalf("stat: %+v, %v", st, err)
		}
		if sse && st.SSE == "" {
			t.Errorf("sse_enabled but the object is not encrypted at rest: %+v", st)
		}
		data, _, err := v.Get(ctx, "a/b/obj1", 0, 0)
		if err != nil || !bytes.Equal(data, body) {
			t.Fatalf("get: %q, %v", data, err)
		}
		data, got, err := v.Get(ctx, "a/b/obj1", 7, 3)
		if err != nil || string(data) != "vau" || got.Size != int64(len(body)) {
			t.Fatalf("ranged get: %q %+v, %v", data, got, err)
		}
		data, _, err = v.Get(ctx, "a/b/obj1", int64(len(body)), 10)
		if err != nil || len(data) != 0 {
			t.Fatalf("get at the end: %q, %v", data, err)
		}
		if _, err := v.Put(ctx, "a/b/obj1", []byte("v2")); err != nil {
			t.Fatalf("overwrite: %v", err)
		}
		if data, _, err := v.Get(ctx, "a/b/obj1", 0, 0); err != nil || string(data) != "v2" {
			t.Fatalf("get after overwrite: %q, %v", data, err)
		}
		if _, err := v.Put(ctx, "empty", nil); err != nil {
			t.Fatalf("put empty: %v", err)
		}
		if data, obj, err := v.Get(ctx, "empty", 0, 0); err != nil || len(data) != 0 || obj.Size != 0 {
			t.Fatalf("get empty: %q %+v, %v", data, obj, err)
		}
		_, err = v.Stat(ctx, "missing")
		wantCode(t, "stat missing", err, provider.CodeNotFound)
		_, _, err = v.Get(ctx, "missing", 0, 0)
		wantCode(t, "get missing", err, provider.CodeNotFound)
		if err := v.Delete(ctx, "a/b/obj1", "empty", "missing"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		_, err = v.Stat(ctx, "a/b/obj1")
		wantCode(t, "stat deleted", err, provider.CodeNotFound)
	})
	t.Run("bad-keys", func(t *testing.T) {
		for _, k := range []string{"", "/abs", "a//b", "../escape", "a/./b", "a/..", "nul\x00", strings.Repeat("k", provider.MaxKeyLen+1)} {
			_, err := v.Put(ctx, k, []byte("x"))
			wantCode(t, fmt.Sprintf("put %q", k), err, provider.CodeInvalidArgument)
			_, err = v.Stat(ctx, k)
			wantCode(t, fmt.Sprintf("stat %q", k), err, provider.CodeInvalidArgument)
		}
		_, err := v.List(ctx, "../", "", 10)
		wantCode(t, "list ../", err, provider.CodeInvalidArgument)
		for _, m := range []string{"nope", ""} {
			_, err := tgt.Call(ctx, m, mustFrame(t, &provider.Request{Config: cfg}))
			wantCode(t, "method "+m, err, provider.CodeInvalidArgument)
		}
		for _, p := range [][]byte{nil, {0xff}, {5, '{'}, []byte("\x02{}garbage"), []byte("\x0b{\"zzz\":1}")} {
			_, err := tgt.Call(ctx, provider.MethodStat, p)
			wantCode(t, fmt.Sprintf("payload %q", p), err, provider.CodeInvalidArgument)
		}
	})
	t.Run("chunked", func(t *testing.T) {
		size := 2*provider.MaxChunk + 12345
		body := make([]byte, size)
		_, _ = rand.Read(body)
		obj, err := v.PutObject(ctx, "big/blob", bytes.NewReader(body), int64(size))
		if err != nil || obj.Size != int64(size) {
			t.Fatalf("chunked put: %+v, %v", obj, err)
		}
		var got bytes.Buffer
		if _, err := v.GetObject(ctx, "big/blob", &got); err != nil || !bytes.Equal(got.Bytes(), body) {
			t.Fatalf("chunked get: %d bytes, %v", got.Len(), err)
		}
		// A commit with the wrong size stores nothing.
		payload := mustFrame(t, &provider.Request{Config: cfg, Key: "big/partial"})
		out, err := tgt.Call(ctx, provider.MethodPutBegin, payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp provider.Response
		if _, err := provider.DecodeFrame(out, &resp); err != nil || resp.Upload == "" {
			t.Fatalf("put_begin: %+v, %v", resp, err)
		}
		part, _ := provider.EncodeFrame(&provider.Request{Upload: resp.Upload}, []byte("abc"))
		if _, err := tgt.Call(ctx, provider.MethodPutPart, part); err != nil {
			t.Fatal(err)
		}
		bad, _ := provider.EncodeFrame(&provider.Request{Upload: resp.Upload, Offset: 1}, []byte("abc"))
		_, err = tgt.Call(ctx, provider.MethodPutPart, bad)
		wantCode(t, "part at a wrong offset", err, provider.CodeInvalidArgument)
		commit, _ := provider.EncodeFrame(&provider.Request{Upload: resp.Upload, Size: 99}, nil)
		_, err = tgt.Call(ctx, provider.MethodPutCommit, commit)
		wantCode(t, "commit with a wrong size", err, provider.CodeInvalidArgument)
		_, err = tgt.Call(ctx, provider.MethodPutPart, part)
		wantCode(t, "part after a failed commit", err, provider.CodeNotFound)
		_, err = v.Stat(ctx, "big/partial")
		wantCode(t, "stat after a failed commit", err, provider.CodeNotFound)
		if err := v.Delete(ctx, "big/blob"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("list", func(t *testing.T) {
		var want []string
		for i := range 25 {
			k := fmt.Sprintf("list/%c/%03d", 'a'+i%3, i)
			want = append(want, k)
			if _, err := v.Put(ctx, k, []byte(k)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := v.Put(ctx, "list-sibling", []byte("x")); err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		var got []string
		after, pages := "", 0
		for {
			page, err := v.List(ctx, "list/", after, 10)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range page.Objects {
				got = append(got, o.Key)
				if o.Size != int64(len(o.Key)) {
					t.Errorf("%s: size %d", o.Key, o.Size)
				}
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Fatalf("listed %d pages %v, want 3 pages %v", pages, got, want)
		}
		page, err := v.List(ctx, "list/b/", "", 100)
		if err != nil || len(page.Objects) != 8 || page.Next != "" {
			t.Fatalf("list list/b/: %+v, %v", page, err)
		}
		n, err := v.DeletePrefix(ctx, "list", nil)
		if err != nil || n != 26 {
			t.Fatalf("delete prefix list: %d, %v (want 26: prefix list matches list-sibling)", n, err)
		}
	})
	t.Run("delete-prefix", func(t *testing.T) {
		count := tgt.ObjectCount
		if count <= 0 {
			count = 50
		}
		other := client.Vault(withPrefix(cfg, root+"-other"))
		if _, err := other.Put(ctx, "keep", []byte("keep")); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Put(ctx, "zkeep/x", []byte("keep")); err != nil {
			t.Fatal(err)
		}
		PutMany(t, v, "dp/", count)
		// One batch first: a bounded amount, the rest still there.
		n, more, err := v.DeletePrefixBatch(ctx, "dp/", 7)
		if err != nil || n != 7 || !more {
			t.Fatalf("one batch: %d more=%v, %v", n, more, err)
		}
		var batches []int
		n, err = v.DeletePrefix(ctx, "dp/", func(total int) { batches = append(batches, total) })
		if err != nil || n != count-7 {
			t.Fatalf("delete prefix: %d, %v (want %d)", n, err, count-7)
		}
		if want := (count - 7 + provider.MaxDeleteBatch - 1) / provider.MaxDeleteBatch; len(batches) < want {
			t.Errorf("%d batches, want at least %d", len(batches), want)
		}
		page, err := v.List(ctx, "dp/", "", 10)
		if err != nil || len(page.Objects) != 0 {
			t.Fatalf("after delete prefix: %+v, %v", page, err)
		}
		// The whole vault prefix: the sibling vault "<root>-other" survives.
		if _, err := v.DeletePrefix(ctx, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Stat(ctx, "keep"); err != nil {
			t.Fatalf("a sibling vault's object was touched: %v", err)
		}
		if _, err := other.DeletePrefix(ctx, "", nil); err != nil {
			t.Fatal(err)
		}
		noRoot := withPrefix(cfg, "")
		_, _, err = client.Vault(noRoot).DeletePrefixBatch(ctx, "", 10)
		wantCode(t, "delete a whole bucket", err, provider.CodeInvalidArgument)
	})
}

// PutMany writes count one-byte objects named <prefix><00000..> through v,
// eight calls at a time: for the suite's delete-prefix case, benchmarks and
// load tests.
func PutMany(tb testing.TB, v *provider.Vault, prefix string, count int) {
	tb.Helper()
	ctx := context.Background()
	sem := make(chan struct{}, 8)
	errs := make(chan error, count)
	for i := range count {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := v.Put(ctx, fmt.Sprintf("%s%05d", prefix, i), []byte("x"))
			errs <- err
		}()
	}
	for range count {
		if err := <-errs; err != nil {
			tb.Fatalf("put: %v", err)
		}
	}
}

func mustFrame(t *testing.T, req *provider.Request) []byte {
	t.Helper()
	b, err := provider.EncodeFrame(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
