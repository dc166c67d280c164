package plugin_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/plugintest"
)

// modules are the wasm fixtures, built once per test binary.
type modules struct {
	hostile   []byte // testdata/hostile
	sizeBased []byte // plugins/size_based
	naming    []byte // examples/validator-instance-naming
}

var (
	fixturesOnce sync.Once
	fixtures     modules
)

func mods(tb testing.TB) *modules {
	tb.Helper()
	fixturesOnce.Do(func() {
		fixtures.hostile = plugintest.Build(tb, "./testdata/hostile")
		fixtures.sizeBased = plugintest.Build(tb, "github.com/metahost/metahost/plugins/size_based")
		fixtures.naming = plugintest.Build(tb, "github.com/metahost/metahost/examples/validator-instance-naming")
	})
	if fixtures.hostile == nil || fixtures.naming == nil {
		tb.Fatal("wasm fixtures failed to build in an earlier test")
	}
	return &fixtures
}

// newRuntime returns a runtime sharing the package's compilation cache, with an injectable clock
// and a logger writing to logs.
func newRuntime(t testing.TB, cfg plugin.Config) (*plugin.Runtime, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	if cfg.CacheDir == "" {
		cfg.CacheDir = plugintest.CacheDir(t)
	}
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Trace})
	rt, err := plugin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := rt.Close(ctx); err != nil {
			t.Errorf("close runtime: %v", err)
		}
	})
	return rt, logs
}

func load(t testing.TB, rt *plugin.Runtime, name, version string, wasm []byte, config string, lim plugin.Limits) plugin.Info {
	t.Helper()
	info, err := rt.Load(context.Background(), plugin.Spec{Name: name, Version: version, Wasm: wasm,
		SHA256: plugintest.SHA256(wasm), Config: []byte(config), Limits: lim})
	if err != nil {
		t.Fatalf("load %s@%s: %v", name, version, err)
	}
	return info
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
