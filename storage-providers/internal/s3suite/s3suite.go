// Package s3suite runs the provider conformance suite, and the tests the
// S3-protocol providers share, against a real MinIO started for the test.
package s3suite

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/metahost/metahost/host/plugin/process"
	"github.com/metahost/metahost/internal/testing/miniotest"
	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/sdk/provider/plugintest"
	"github.com/metahost/metahost/storage-providers/internal/s3core"
)

// Provider names the provider under test.
type Provider struct {
	// Name is the catalog name ("s3"), Enum the Doris provider ("S3").
	Name, Enum string
	// Bucket is a bucket name valid for the provider.
	Bucket string
	// Region is a region valid for the provider.
	Region string
	// Env is the plugin's environment (e.g. the path-style test mode).
	Env []string
}

// Env is a started MinIO, a bucket on it, and the provider's plugin.
type Env struct {
	MinIO  *miniotest.Server
	Plugin *process.Plugin
	Config *provider.Config
	Vault  *provider.Vault
}

// Setup builds the provider in the current directory, starts MinIO and the
// plugin, and creates the bucket.
func Setup(t testing.TB, p Provider) *Env {
	t.Helper()
	srv := miniotest.Start(t)
	srv.MakeBucket(t, p.Bucket)
	bin := plugintest.Build(t, ".")
	pl := plugintest.Start(t, bin, p.Name, p.Env)
	cfg := &provider.Config{Obj: &provider.ObjInfo{
		AK: srv.AccessKey, SK: srv.SecretKey, Bucket: p.Bucket, Prefix: "vault1",
		Endpoint: srv.Endpoint, ExternalEndpoint: srv.Endpoint, Region: p.Region,
		Provider: p.Enum, UsePathStyle: true, Scheme: "http",
	}}
	return &Env{MinIO: srv, Plugin: pl, Config: cfg, Vault: provider.NewClient(pl.Call).Vault(cfg)}
}

// WithSSE returns a copy of cfg with sse_enabled.
func WithSSE(cfg *provider.Config) *provider.Config {
	o := *cfg.Obj
	o.SSEEnabled = true
	return &provider.Config{Obj: &o}
}

// WithSK returns a copy of cfg with another secret key.
func WithSK(cfg *provider.Config, sk string) *provider.Config {
	o := *cfg.Obj
	o.SK = sk
	return &provider.Config{Obj: &o}
}

// Conformance runs the conformance suite with and without SSE.
func Conformance(t *testing.T, p Provider) {
	e := Setup(t, p)
	bad := WithSK(e.Config, "wrong-secret")
	t.Run("plain", func(t *testing.T) {
		plugintest.Run(t, plugintest.Target{Call: e.Plugin.Call, Config: e.Config, BadCredentials: bad})
	})
	t.Run("sse", func(t *testing.T) {
		plugintest.Run(t, plugintest.Target{Call: e.Plugin.Call, Config: WithSSE(e.Config)})
	})
	t.Run("probe-errors", func(t *testing.T) {
		ctx := context.Background()
		c := provider.NewClient(e.Plugin.Call)
		err := c.Vault(bad).Probe(ctx, false)
		if !provider.HasCode(err, provider.CodeInvalidArgument) || !contains(err, provider.S3ConfErr) || !contains(err, "SignatureDoesNotMatch") {
			t.Errorf("bad sk: %v", err)
		}
		o := *e.Config.Obj
		o.AK = "nobody"
		err = c.Vault(&provider.Config{Obj: &o}).Probe(ctx, false)
		if !provider.HasCode(err, provider.CodeInvalidArgument) || !contains(err, "InvalidAccessKeyId") {
			t.Errorf("bad ak: %v", err)
		}
		o = *e.Config.Obj
		o.Bucket = "no-such-bucket-1250000000"
		err = c.Vault(&provider.Config{Obj: &o}).Probe(ctx, false)
		if !provider.HasCode(err, provider.CodeInvalidArgument) || !contains(err, "NoSuchBucket") {
			t.Errorf("missing bucket: %v", err)
		}
		if err != nil && contains(err, e.MinIO.SecretKey) {
			t.Errorf("error text leaks the secret key: %v", err)
		}
	})
}

// CheckRule validates o with store and checks the outcome: accepted when
// want is "", otherwise refused with INVALID_ARGUMENT in Doris's `s3 conf
// info err` text, containing want and not the secret key.
func CheckRule(t *testing.T, store *s3core.Store, o *provider.ObjInfo, want string) {
	t.Helper()
	err := store.Validate(context.Background(), &provider.Config{Obj: o})
	if want == "" {
		if err != nil {
			t.Fatalf("valid config refused: %v", err)
		}
		return
	}
	if !provider.HasCode(err, provider.CodeInvalidArgument) || !contains(err, provider.S3ConfErr) || !contains(err, want) {
		t.Fatalf("got %v, want INVALID_ARGUMENT %q with %q", err, provider.S3ConfErr, want)
	}
	if contains(err, o.SK) {
		t.Fatalf("error leaks the secret key: %v", err)
	}
}

func contains(err error, s string) bool {
	return err != nil && len(s) > 0 && strings.Contains(err.Error(), s)
}

// DeletePrefix10k writes 10,000 objects and deletes them by prefix, in
// batches, while another vault prefix's objects in the same bucket survive.
func DeletePrefix10k(t *testing.T, p Provider) {
	e := Setup(t, p)
	ctx := context.Background()
	other := provider.NewClient(e.Plugin.Call).Vault(&provider.Config{Obj: func() *provider.ObjInfo { o := *e.Config.Obj; o.Prefix = "vault2"; return &o }()})
	plugintest.PutMany(t, other, "data/", 20)
	const n = 10000
	plugintest.PutMany(t, e.Vault, "data/", n)
	var batches int
	start := time.Now()
	deleted, err := e.Vault.DeletePrefix(ctx, "", func(int) { batches++ })
	if err != nil || deleted != n {
		t.Fatalf("deleted %d, %v; want %d", deleted, err, n)
	}
	t.Logf("deleted %d objects in %d batches in %s (%.0f objects/s)", deleted, batches, time.Since(start), float64(deleted)/time.Since(start).Seconds())
	if batches < n/provider.MaxDeleteBatch {
		t.Errorf("%d batches for %d objects", batches, n)
	}
	page, err := e.Vault.List(ctx, "", "", 10)
	if err != nil || len(page.Objects) != 0 {
		t.Fatalf("left: %+v, %v", page, err)
	}
	page, err = other.List(ctx, "", "", 100)
	if err != nil || len(page.Objects) != 20 {
		t.Fatalf("the other vault lost objects: %d, %v", len(page.Objects), err)
	}
}

// KillMidOperation SIGKILLs the plugin during a chunked upload: the upload
// fails with a clear error, no object appears, the host restarts the
// plugin and the retried upload succeeds.
func KillMidOperation(t *testing.T, p Provider) {
	e := Setup(t, p)
	ctx := context.Background()
	pid := e.Plugin.PID()
	if pid == 0 {
		t.Fatal("no plugin pid")
	}
	size := int64(3*provider.MaxChunk + 1)
	r := &killingReader{size: size, killAt: provider.MaxChunk + 10, kill: func() { _ = syscall.Kill(pid, syscall.SIGKILL) }}
	_, err := e.Vault.PutObject(ctx, "killed/object", r, size)
	if err == nil {
		t.Fatal("upload survived its plugin's death")
	}
	t.Logf("upload error: %v", err)
	var stErr error
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, stErr = e.Vault.Stat(ctx, "killed/object")
		if provider.IsNotFound(stErr) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !provider.IsNotFound(stErr) {
		t.Fatalf("after the kill, stat: %v (want NOT_FOUND: nothing half-written)", stErr)
	}
	if np := e.Plugin.PID(); np == pid || np == 0 {
		t.Fatalf("plugin pid %d after restart, was %d", np, pid)
	}
	if _, err := e.Vault.PutObject(ctx, "killed/object", &killingReader{size: size, killAt: -1}, size); err != nil {
		t.Fatalf("retried upload: %v", err)
	}
	obj, err := e.Vault.Stat(ctx, "killed/object")
	if err != nil || obj.Size != size {
		t.Fatalf("stat after retry: %+v, %v", obj, err)
	}
	if s := e.Plugin.Stats(); s.Restarts < 1 {
		t.Errorf("stats %+v: no restart recorded", s)
	}

	// Killed during a delete-prefix: the batch in flight fails (or the
	// next one restarts the plugin), and running it again finishes the job.
	plugintest.PutMany(t, e.Vault, "dp/", 3000)
	pid = e.Plugin.PID()
	killed := false
	n, err := e.Vault.DeletePrefix(ctx, "dp/", func(total int) {
		if !killed {
			killed = true
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	t.Logf("delete-prefix with a kill: %d deleted, err %v", n, err)
	if n < provider.MaxDeleteBatch || n > 3000 {
		t.Fatalf("deleted %d before/through the kill", n)
	}
	rest, err := e.Vault.DeletePrefix(ctx, "dp/", nil)
	if err != nil || n+rest > 3000 {
		t.Fatalf("resumed delete-prefix: %d + %d, %v", n, rest, err)
	}
	page, err := e.Vault.List(ctx, "dp/", "", 10)
	if err != nil || len(page.Objects) != 0 {
		t.Fatalf("left after resume: %+v, %v", page, err)
	}
}

// killingReader yields size bytes and calls kill once killAt bytes were
// read (never if killAt < 0).
type killingReader struct {
	size, read, killAt int64
	kill               func()
	killed             bool
}

func (r *killingReader) Read(p []byte) (int, error) {
	if r.read >= r.size {
		return 0, fmt.Errorf("read past the end")
	}
	n := int64(len(p))
	n = min(n, r.size-r.read)
	for i := range n {
		p[i] = byte(r.read + i)
	}
	r.read += n
	if !r.killed && r.killAt >= 0 && r.read >= r.killAt {
		r.killed = true
		r.kill()
	}
	return int(n), nil
}

// BenchStat measures a stat of a small object on MinIO through the plugin.
func BenchStat(b *testing.B, p Provider) {
	e := Setup(b, p)
	ctx := context.Background()
	if _, err := e.Vault.Put(ctx, "bench/obj", []byte("x")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Vault.Stat(ctx, "bench/obj"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchDeletePrefix measures delete-prefix throughput on MinIO: each
// iteration writes 2,000 objects (untimed) and deletes them by prefix.
func BenchDeletePrefix(b *testing.B, p Provider) {
	e := Setup(b, p)
	ctx := context.Background()
	const n = 2000
	var deleted int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		plugintest.PutMany(b, e.Vault, "bench-dp/", n)
		b.StartTimer()
		start := time.Now()
		got, err := e.Vault.DeletePrefix(ctx, "bench-dp/", nil)
		elapsed += time.Since(start)
		if err != nil || got != n {
			b.Fatalf("deleted %d, %v", got, err)
		}
		deleted += got
	}
	b.ReportMetric(float64(deleted)/elapsed.Seconds(), "objects/s")
}
