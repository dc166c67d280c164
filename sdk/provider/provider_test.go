package provider_test

import (
	"bytes"
	"context"
	"io"
	"reflect"
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
	// An empty request header: format, flags, four empty strings, no keys, four zero varints.
	empty := "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	for _, tc := range []struct {
		name     string
		payload  []byte
		response bool // decode into a Response
		want     string
	}{
		{"empty", nil, false, "no header length"},
		{"overlong varint", bytes.Repeat([]byte{0xff}, 11), false, "no header length"},
		{"length beyond payload", []byte{10, 1, 0}, false, "exceeds"},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 1}, false, "exceeds"},
		{"not a header", []byte("\x03abc"), false, "header format 97"},
		{"JSON header of an older SDK", []byte("\x07{\"x\":1}"), false, "older than the host's; rebuild the plugin"},
		{"truncated", []byte("\x02\x01\x00"), false, "bad varint"},
		{"trailing", []byte("\x0c" + empty + "\x00"), false, "1 trailing bytes"},
		{"unknown request flags", []byte("\x02\x01\x80"), false, "request flags 128"},
		{"obj_info without config", []byte("\x02\x01\x02"), false, "request flags 2"},
		{"keys count beyond the header", []byte("\x0a\x01\x00\x00\x00\x00\x00\xff\xff\xff\x0f"), false, "exceeds the message"},
		{"unknown response flags", []byte("\x02\x01\x08"), true, "response flags 8"},
		{"unknown object flags", []byte("\x03\x01\x01\x02"), true, "object flags 2"},
		{"page count beyond the header", []byte("\x07\x01\x02\xff\xff\xff\xff\x0f"), true, "exceeds the message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.response {
				var r provider.Response
				_, err = provider.DecodeFrame(tc.payload, &r)
			} else {
				var r provider.Request
				_, err = provider.DecodeFrame(tc.payload, &r)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := provider.EncodeFrame(struct{}{}, nil); err == nil {
		t.Error("EncodeFrame took a header that is neither a Request nor a Response")
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

// TestFrameRoundTrip: every field of a request and a response survives the
// frame.
func TestFrameRoundTrip(t *testing.T) {
	mtime := time.Date(2026, 12, 6, 7, 0, 0, 123456789, time.UTC)
	for _, tc := range []struct {
		name   string
		header any
		fresh  func() any
		body   []byte
	}{
		{"empty request", &provider.Request{}, func() any { return &provider.Request{} }, nil},
		{"object store request", &provider.Request{
			Config: &provider.Config{Obj: &provider.ObjInfo{AK: "ak", SK: "sk", Bucket: "b", Prefix: "p/q", Endpoint: "e:9000",
				ExternalEndpoint: "x.example.com", Region: "r", Provider: "S3", UsePathStyle: true, SSEEnabled: true, Scheme: "http"}},
			Key: "k/ü", Keys: []string{"a", "", "c"}, Prefix: "a/", After: "a/b", Limit: -1, Offset: -5, Length: 1 << 40, Size: 7,
			Write: true, Upload: "u1"}, func() any { return &provider.Request{} }, []byte("body")},
		{"hdfs request", &provider.Request{Config: &provider.Config{HDFS: &provider.HDFSInfo{Prefix: "v", BuildConf: provider.HDFSBuildConf{
			FsName: "hdfs://nn:8020/x", User: "u", HDFSKerberosPrincipal: "p@R", HDFSKerberosKeytab: "/k",
			HDFSConfs: []provider.HDFSConfKV{{Key: "a", Value: "1"}, {Key: "b", Value: ""}}}}}},
			func() any { return &provider.Request{} }, nil},
		{"config without a vault", &provider.Request{Config: &provider.Config{}}, func() any { return &provider.Request{} }, nil},
		{"empty response", &provider.Response{}, func() any { return &provider.Response{} }, nil},
		{"object response", &provider.Response{Object: &provider.Object{Key: "k", Size: 3, ETag: "e", ModTime: mtime, SSE: "AES256"}},
			func() any { return &provider.Response{} }, []byte{0, 1}},
		{"page response", &provider.Response{Page: &provider.ListPage{Objects: []provider.Object{{Key: "a"}, {Key: "b", Size: 1 << 33, ModTime: mtime}},
			Next: "b"}, Deleted: 1000, More: true, Upload: "u"}, func() any { return &provider.Response{} }, nil},
		{"empty page", &provider.Response{Page: &provider.ListPage{Objects: []provider.Object{}}}, func() any { return &provider.Response{} }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := provider.EncodeFrame(tc.header, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			got := tc.fresh()
			body, err := provider.DecodeFrame(p, got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.header) || !bytes.Equal(body, tc.body) {
				t.Errorf("round trip:\n got %+v %q\nwant %+v %q", got, body, tc.header, tc.body)
			}
		})
	}
	// A header of 128 bytes or more takes a longer length prefix.
	long := &provider.Request{Key: strings.Repeat("k", 300)}
	p, _ := provider.EncodeFrame(long, []byte("x"))
	var r provider.Request
	if body, err := provider.DecodeFrame(p, &r); err != nil || r.Key != long.Key || string(body) != "x" {
		t.Fatalf("long header: %v %q", err, body)
	}
}

// FuzzDecodeResponse: what a plugin answers is outside input to the host.
// Any payload is refused or decodes to a response that survives a second
// frame unchanged.
func FuzzDecodeResponse(f *testing.F) {
	mtime := time.Unix(1_700_000_000, 5).UTC()
	for _, r := range []*provider.Response{{}, {Object: &provider.Object{Key: "k", Size: 1, ModTime: mtime}},
		{Page: &provider.ListPage{Objects: []provider.Object{{Key: "a"}}, Next: "a"}, More: true, Deleted: 3, Upload: "u"}} {
		p, _ := provider.EncodeFrame(r, []byte("b"))
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var r provider.Response
		body, err := provider.DecodeFrame(payload, &r)
		if err != nil {
			return
		}
		p, err := provider.EncodeFrame(&r, body)
		if err != nil {
			t.Fatal(err)
		}
		var again provider.Response
		if _, err := provider.DecodeFrame(p, &again); err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("second frame: %v\n%+v\n%+v", err, again, r)
		}
	})
}
