package provider_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/metahost/metahost/sdk/provider"
	"github.com/metahost/metahost/sdk/provider/plugintest"
)

// memProvider keeps objects in memory: the reference the conformance suite
// is checked against in-process.
type memProvider struct {
	mu   sync.Mutex
	objs map[string][]byte
}

func newMem() *memProvider { return &memProvider{objs: map[string][]byte{}} }

func (m *memProvider) Info() provider.Info {
	return provider.Info{Name: "mem", Version: "0.0.1", Capabilities: []string{provider.CapRangeRead}}
}

func (m *memProvider) Validate(_ context.Context, cfg *provider.Config) error {
	if cfg.Obj == nil || cfg.Obj.Bucket == "" {
		return provider.InvalidConfig("empty bucket")
	}
	return nil
}

func (m *memProvider) Probe(_ context.Context, cfg *provider.Config, _ bool) error {
	if cfg.Obj.SK != "secret" {
		return provider.InvalidConfig("bad credentials")
	}
	return nil
}

func (m *memProvider) Put(_ context.Context, cfg *provider.Config, key string, body io.Reader, size int64) (provider.Object, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return provider.Object{}, err
	}
	if int64(len(b)) != size {
		return provider.Object{}, provider.Errorf(provider.CodeInvalidArgument, "size %d, got %d", size, len(b))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[cfg.FullKey(key)] = b
	return provider.Object{Key: key, Size: size}, nil
}

func (m *memProvider) Get(_ context.Context, cfg *provider.Config, key string, off, n int64) ([]byte, provider.Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[cfg.FullKey(key)]
	if !ok {
		return nil, provider.Object{}, provider.NotFound(key)
	}
	off = min(off, int64(len(b)))
	end := min(off+n, int64(len(b)))
	return slices.Clone(b[off:end]), provider.Object{Key: key, Size: int64(len(b))}, nil
}

func (m *memProvider) Stat(_ context.Context, cfg *provider.Config, key string) (provider.Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[cfg.FullKey(key)]
	if !ok {
		return provider.Object{}, provider.NotFound(key)
	}
	return provider.Object{Key: key, Size: int64(len(b))}, nil
}

func (m *memProvider) List(_ context.Context, cfg *provider.Config, prefix, after string, limit int) (provider.ListPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	full := cfg.FullKey(prefix)
	if prefix == "" {
		full = cfg.VaultPrefix() + "/"
	}
	var keys []string
	for k := range m.objs {
		if strings.HasPrefix(k, full) && (after == "" || cfg.RelKey(k) > after) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	page := provider.ListPage{Objects: []provider.Object{}}
	for i, k := range keys {
		if i == limit {
			page.Next = page.Objects[limit-1].Key
			break
		}
		page.Objects = append(page.Objects, provider.Object{Key: cfg.RelKey(k), Size: int64(len(m.objs[k]))})
	}
	return page, nil
}

func (m *memProvider) Delete(_ context.Context, cfg *provider.Config, keys []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.objs, cfg.FullKey(k))
	}
	return nil
}

func (m *memProvider) DeletePrefix(ctx context.Context, cfg *provider.Config, prefix string, limit int) (int, bool, error) {
	page, err := m.List(ctx, cfg, prefix, "", limit)
	if err != nil {
		return 0, false, err
	}
	var keys []string
	for _, o := range page.Objects {
		keys = append(keys, o.Key)
	}
	return len(keys), page.Next != "", m.Delete(ctx, cfg, keys)
}

func memConfig() *provider.Config {
	return &provider.Config{Obj: &provider.ObjInfo{AK: "ak", SK: "secret", Bucket: "b", Prefix: "/base/"}}
}

func TestConformanceInProcess(t *testing.T) {
	h := provider.NewHandler(newMem(), provider.HandlerOptions{SpoolDir: t.TempDir()})
	defer h.Close()
	bad := memConfig()
	bad.Obj.SK = "wrong"
	plugintest.Run(t, plugintest.Target{Call: h.Call, Config: memConfig(), BadCredentials: bad, ObjectCount: 2500})
}

func TestDescribe(t *testing.T) {
	d := provider.NewHandler(newMem(), provider.HandlerOptions{}).Describe(context.Background())
	if d.Name != "mem" || d.Kind != provider.Kind || d.Version != "0.0.1" || !slices.Equal(d.Capabilities, []string{provider.CapRangeRead}) {
		t.Errorf("describe: %+v", d)
	}
}

func TestUploadLimitsAndExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	h := provider.NewHandler(newMem(), provider.HandlerOptions{SpoolDir: t.TempDir(), MaxUploads: 2, UploadIdle: time.Minute, Now: func() time.Time { return now }})
	defer h.Close()
	ctx := context.Background()
	begin := func() (string, error) {
		p, _ := provider.EncodeFrame(&provider.Request{Config: memConfig(), Key: "k"}, nil)
		out, err := h.Call(ctx, provider.MethodPutBegin, p)
		if err != nil {
			return "", err
		}
		var r provider.Response
		_, err = provider.DecodeFrame(out, &r)
		return r.Upload, err
	}
	first, err := begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := begin(); err != nil {
		t.Fatal(err)
	}
	if _, err := begin(); err == nil || !strings.Contains(err.Error(), "uploads in progress") {
		t.Fatalf("third upload: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := begin(); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	part, _ := provider.EncodeFrame(&provider.Request{Upload: first}, []byte("x"))
	if _, err := h.Call(ctx, provider.MethodPutPart, part); !provider.IsNotFound(err) {
		t.Fatalf("part of an expired upload: %v", err)
	}
	big, _ := provider.EncodeFrame(&provider.Request{Config: memConfig(), Key: "k"}, make([]byte, provider.MaxChunk+1))
	if _, err := h.Call(ctx, provider.MethodPut, big); !provider.HasCode(err, provider.CodeInvalidArgument) {
		t.Fatalf("oversized put: %v", err)
	}
}

func TestConfigHelpers(t *testing.T) {
	cfg := &provider.Config{Obj: &provider.ObjInfo{SK: "topsecret", Prefix: " /a/b/ \t"}}
	if got := cfg.VaultPrefix(); got != "a/b" {
		t.Errorf("prefix %q", got)
	}
	if got := cfg.FullKey("k"); got != "a/b/k" {
		t.Errorf("full key %q", got)
	}
	if got := cfg.RelKey("a/b/k/x"); got != "k/x" {
		t.Errorf("rel key %q", got)
	}
	if s := cfg.String(); strings.Contains(s, "topsecret") || !strings.Contains(s, "***") {
		t.Errorf("String leaks the secret: %s", s)
	}
	if cfg.Obj.SK != "topsecret" {
		t.Error("Redacted changed the original")
	}
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"a", true}, {"a/b/c.dat", true}, {"a b/ü", true}, {"a/...", true},
		{"", false}, {"/a", false}, {"a//b", false}, {"a/", false}, {".", false}, {"..", false},
		{"a/../b", false}, {"a\\b", false}, {"a\x01", false}, {"\xff", false}, {strings.Repeat("x", 1025), false},
	} {
		if err := provider.CheckKey(tc.key); (err == nil) != tc.ok {
			t.Errorf("CheckKey(%q) = %v", tc.key, err)
		}
	}
	for _, tc := range []struct {
		p  string
		ok bool
	}{{"", true}, {"a/", true}, {"a", true}, {"a//", false}, {"/", false}, {"../", false}} {
		if err := provider.CheckPrefix(tc.p); (err == nil) != tc.ok {
			t.Errorf("CheckPrefix(%q) = %v", tc.p, err)
		}
	}
}

func TestFrameBadInputs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload []byte
		want    string
	}{
		{"empty", nil, "no header length"},
		{"overlong varint", bytes.Repeat([]byte{0xff}, 11), "no header length"},
		{"length beyond payload", []byte{10, '{', '}'}, "exceeds"},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff, 0x0f, '{'}, "exceeds"},
		{"not json", []byte("\x03abc"), "bad frame header"},
		{"unknown field", []byte("\x07{\"x\":1}"), "unknown field"},
		{"trailing", []byte("\x04{}{}"), "trailing"},
		{"wrong type", []byte("\x0c{\"limit\":\"\"}"), "bad frame header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r provider.Request
			_, err := provider.DecodeFrame(tc.payload, &r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	body := []byte{0, 1, 2, 255}
	p, err := provider.EncodeFrame(&provider.Request{Key: "k", Limit: 3}, body)
	if err != nil {
		t.Fatal(err)
	}
	var r provider.Request
	got, err := provider.DecodeFrame(p, &r)
	if err != nil || r.Key != "k" || r.Limit != 3 || !bytes.Equal(got, body) {
		t.Fatalf("round trip: %+v %v %v", r, got, err)
	}
}

// FuzzHandlerCall feeds arbitrary payloads to every method: the handler
// must answer a provider error or a well-formed frame, never panic.
func FuzzHandlerCall(f *testing.F) {
	good, _ := provider.EncodeFrame(&provider.Request{Config: memConfig(), Key: "k"}, []byte("body"))
	list, _ := provider.EncodeFrame(&provider.Request{Config: memConfig(), Prefix: "a/", Limit: 5}, nil)
	for _, m := range []string{provider.MethodPut, provider.MethodGet, provider.MethodStat, provider.MethodList, provider.MethodDeletePrefix, provider.MethodPutPart, "bogus"} {
		f.Add(m, good)
		f.Add(m, list)
		f.Add(m, []byte("\x02{}"))
		f.Add(m, []byte{0xff, 0xff})
	}
	h := provider.NewHandler(newMem(), provider.HandlerOptions{SpoolDir: f.TempDir(), MaxUploads: 4})
	defer h.Close()
	f.Fuzz(func(t *testing.T, method string, payload []byte) {
		out, err := h.Call(context.Background(), method, payload)
		if err != nil {
			if !provider.HasCode(err, provider.CodeInvalidArgument) && !provider.HasCode(err, provider.CodeNotFound) && !provider.HasCode(err, provider.CodeInternal) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		var r provider.Response
		if _, err := provider.DecodeFrame(out, &r); err != nil {
			t.Fatalf("answer is not a frame: %v", err)
		}
	})
}
