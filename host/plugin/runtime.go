// Package plugin is metahost's wasm plugin runtime: it loads compaction policies and request
// validators built against metahost ABI v1 (sdk/abi) and runs them sandboxed under
// tetratelabs/wazero.
//
//   - Every module is pinned by its sha256 and compiled once, with an optional on-disk compilation
//     cache shared by all plugins (a warm cache turns a ~1 s compile of a Go module into tens of ms).
//   - Each loaded version gets its own wazero runtime (modules never see each other) and a bounded
//     pool of instances; an instance serves one call at a time.
//   - Every call runs under a deadline that really interrupts a looping guest (close on context
//     done), within a memory cap; the guest gets no filesystem, network, environment or real
//     clock, only the metahost log host functions.
//   - Any failure inside a call (trap, timeout, protocol violation) discards the instance: a Go
//     guest that panicked looks open but is broken, so it is never reused.
//   - Per-plugin statistics and a circuit breaker that disables a plugin failing repeatedly.
//   - Hot swap: loading a new version under the same name replaces it atomically; calls already
//     running finish on the old version, which is closed when the last of them returns.
//
// Runtime.Policy and Runtime.Validator return typed clients; Runtime.Call is the raw ABI call.
package plugin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/tetratelabs/wazero"
)

// Defaults of Limits and Config.
const (
	DefaultMemoryPages         = 512 // 32 MiB
	MinMemoryPages             = 256 // 16 MiB: a Go guest needs about that much
	DefaultCallTimeout         = time.Second
	DefaultInitTimeout         = 10 * time.Second
	DefaultMaxIOBytes          = 16 << 20
	DefaultMaxCallsPerInstance = 100_000
	DefaultBreakerThreshold    = 5
	DefaultBreakerCooldown     = 30 * time.Second
)

// Limits bound what one plugin version may use. Zero fields take the defaults.
type Limits struct {
	// MemoryPages caps each instance's linear memory in 64 KiB pages (default 512 = 32 MiB,
	// at least 256 because a Go guest needs about 16 MiB).
	MemoryPages uint32
	// CallTimeout is the deadline of one call (default 1 s). The guest is interrupted when it
	// expires.
	CallTimeout time.Duration
	// InitTimeout bounds instantiating one instance, _initialize and plugin_configure included
	// (default 10 s).
	InitTimeout time.Duration
	// MaxIOBytes caps a request and a response (default 16 MiB).
	MaxIOBytes int
	// PoolSize is the maximum number of instances, hence of concurrent calls (default GOMAXPROCS).
	PoolSize int
	// MaxCallsPerInstance recycles an instance after that many calls (default 100000).
	MaxCallsPerInstance int
	// Trusted turns off metering (see package wasmbin): calls are slightly faster, but a
	// deadline is then only checked between calls and a looping guest keeps its goroutine.
	// Never set it for third-party code.
	Trusted bool
}

func (l Limits) withDefaults() Limits {
	if l.MemoryPages == 0 {
		l.MemoryPages = DefaultMemoryPages
	}
	if l.CallTimeout <= 0 {
		l.CallTimeout = DefaultCallTimeout
	}
	if l.InitTimeout <= 0 {
		l.InitTimeout = DefaultInitTimeout
	}
	if l.MaxIOBytes <= 0 {
		l.MaxIOBytes = DefaultMaxIOBytes
	}
	if l.PoolSize <= 0 {
		l.PoolSize = runtime.GOMAXPROCS(0)
	}
	if l.MaxCallsPerInstance <= 0 {
		l.MaxCallsPerInstance = DefaultMaxCallsPerInstance
	}
	return l
}

// Config configures a Runtime.
type Config struct {
	// CacheDir is the directory of the on-disk compilation cache (created 0700). Empty keeps
	// compiled code in memory only. Keep it private to the service: wazero does not sign it.
	CacheDir string
	// Logger receives the runtime's and the guests' log lines (default: a null logger).
	Logger hclog.Logger
	// Now is the clock of the circuit breaker (default time.Now).
	Now func() time.Time
	// BreakerThreshold is the number of consecutive faults that opens a plugin's breaker (default 5).
	BreakerThreshold int
	// BreakerCooldown is how long an open breaker rejects calls before a trial call (default 30 s).
	BreakerCooldown time.Duration
}

// Spec describes one plugin version to load.
type Spec struct {
	// Name is the catalog name; loading another version under the same name hot-swaps it.
	Name string
	// Version is the catalog version (informational; the module reports its own in Info).
	Version string
	// Wasm is the module binary.
	Wasm []byte
	// SHA256 is the hex sha256 the catalog pinned; required, compared with the bytes of Wasm.
	SHA256 string
	// Config is the plugin's opaque configuration, passed to plugin_configure on every instance.
	Config []byte
	// Limits bound the plugin.
	Limits Limits
}

// Info describes a loaded plugin version.
type Info struct {
	Name    string
	Version string
	SHA256  string
	// ModuleName and ModuleVersion are what the module reports in plugin_describe.
	ModuleName    string
	ModuleVersion string
	// Kinds lists the implemented kinds (abi.KindPolicy, abi.KindValidator).
	Kinds []string
	// PolicyName is the policy name of a compaction policy, e.g. "size_based".
	PolicyName string
	// ABIMinor is the minor ABI version the module declares.
	ABIMinor uint32
	// Limits are the effective limits.
	Limits Limits
	// CompileTime is how long compiling took (short on a compilation cache hit).
	CompileTime time.Duration
}

// Runtime hosts wasm plugins. It is safe for concurrent use.
type Runtime struct {
	cfg   Config
	log   hclog.Logger
	cache wazero.CompilationCache

	mu      sync.Mutex
	plugins map[string]*slot
	closed  bool
}

// slot is one plugin name: its current version, statistics and breaker, which survive hot swaps.
type slot struct {
	name     string
	cur      atomic.Pointer[version]
	stats    stats
	breaker  breaker
	inFlight atomic.Int64
}

// New creates a runtime.
func New(cfg Config) (*Runtime, error) {
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BreakerThreshold <= 0 {
		cfg.BreakerThreshold = DefaultBreakerThreshold
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = DefaultBreakerCooldown
	}
	r := &Runtime{cfg: cfg, log: cfg.Logger.Named("plugin"), plugins: make(map[string]*slot)}
	if cfg.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(filepath.Join(cfg.CacheDir, wazeroVersion()))
		if err != nil {
			return nil, fmt.Errorf("plugin compilation cache %s: %w", cfg.CacheDir, err)
		}
		r.cache = c
	} else {
		r.cache = wazero.NewCompilationCache()
	}
	return r, nil
}

// WazeroVersion is the wazero module version this package is built against (go.mod; a test keeps
// them equal). The compilation cache lives in a subdirectory named after it: wazero keys its own
// directory by its version too, but reads "dev" when it is not the main module's dependency as
// seen by debug.ReadBuildInfo (test binaries), which would let an upgrade reuse stale code.
const WazeroVersion = "v1.12.0"

func wazeroVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tetratelabs/wazero" && d.Replace == nil {
				return "wazero-" + d.Version
			}
		}
	}
	return "wazero-" + WazeroVersion
}

// CheckSHA256 reports whether wasm hashes to the hex digest want (case-insensitive).
func CheckSHA256(wasm []byte, want string) error {
	if want == "" {
		return fmt.Errorf("%w: no sha256 pinned", ErrChecksum)
	}
	w, err := hex.DecodeString(strings.ToLower(want))
	if err != nil || len(w) != sha256.Size {
		return fmt.Errorf("%w: %q is not a hex sha256", ErrChecksum, want)
	}
	got := sha256.Sum256(wasm)
	if subtle.ConstantTimeCompare(got[:], w) != 1 {
		return fmt.Errorf("%w: module hashes to %x, catalog pins %s", ErrChecksum, got, strings.ToLower(want))
	}
	return nil
}

// Load verifies, compiles and probes a plugin version, then makes it the current version of
// spec.Name. If a version was loaded under that name, it is replaced: new calls go to the new
// version, calls in flight finish on the old one, which is then closed. On any error nothing
// changes (the old version keeps serving).
func (r *Runtime) Load(ctx context.Context, spec Spec) (Info, error) {
	if spec.Name == "" {
		return Info{}, fmt.Errorf("%w: empty plugin name", ErrInvalidModule)
	}
	if err := CheckSHA256(spec.Wasm, spec.SHA256); err != nil {
		return Info{}, fmt.Errorf("load plugin %s@%s: %w", spec.Name, spec.Version, err)
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return Info{}, ErrClosed
	}
	v, err := newVersion(ctx, r, spec)
	if err != nil {
		return Info{}, fmt.Errorf("load plugin %s@%s: %w", spec.Name, spec.Version, err)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		v.retire()
		return Info{}, ErrClosed
	}
	s := r.plugins[spec.Name]
	if s == nil {
		s = &slot{name: spec.Name}
		s.breaker = breaker{threshold: r.cfg.BreakerThreshold, cooldown: r.cfg.BreakerCooldown, now: r.cfg.Now}
		r.plugins[spec.Name] = s
	}
	v.stats = &s.stats
	old := s.cur.Swap(v)
	s.breaker.reset()
	s.stats.mu.Lock()
	s.stats.loads++
	s.stats.mu.Unlock()
	r.mu.Unlock()
	if old != nil {
		r.log.Info("plugin replaced", "plugin", spec.Name, "old_version", old.info.Version, "version", spec.Version)
		old.retire()
	} else {
		r.log.Info("plugin loaded", "plugin", spec.Name, "version", spec.Version, "compile_time", v.info.CompileTime)
	}
	return v.info, nil
}

// Unload removes a plugin; calls in flight finish first, new calls fail with ErrNotFound.
func (r *Runtime) Unload(name string) error {
	r.mu.Lock()
	s := r.plugins[name]
	delete(r.plugins, name)
	r.mu.Unlock()
	if s == nil {
		return fmt.Errorf("unload %s: %w", name, ErrNotFound)
	}
	if v := s.cur.Swap(nil); v != nil {
		v.retire()
	}
	return nil
}

// Info returns the current version of a plugin.
func (r *Runtime) Info(name string) (Info, error) {
	s, err := r.slot(name)
	if err != nil {
		return Info{}, err
	}
	v := s.cur.Load()
	if v == nil {
		return Info{}, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return v.info, nil
}

// Names lists the loaded plugins, sorted.
func (r *Runtime) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.plugins))
	for n := range r.plugins {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Stats returns a plugin's statistics.
func (r *Runtime) Stats(name string) (Stats, error) {
	s, err := r.slot(name)
	if err != nil {
		return Stats{}, err
	}
	out := Stats{Name: name}
	s.stats.snapshot(&out)
	out.Breaker, out.Disabled = s.breaker.state()
	out.InFlight = s.inFlight.Load()
	if v := s.cur.Load(); v != nil {
		out.Version = v.info.Version
		out.Instances = v.liveInstances()
	}
	return out, nil
}

// ResetBreaker closes a plugin's circuit breaker (an operator re-enabling it).
func (r *Runtime) ResetBreaker(name string) error {
	s, err := r.slot(name)
	if err != nil {
		return err
	}
	s.breaker.reset()
	return nil
}

// Close unloads every plugin (waiting for calls in flight) and releases the compilation cache.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	slots := r.plugins
	r.plugins = map[string]*slot{}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range slots {
		if v := s.cur.Swap(nil); v != nil {
			wg.Add(1)
			v.onClosed(wg.Done)
			v.retire()
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("close plugin runtime: %w", ctx.Err())
	}
	if err := r.cache.Close(ctx); err != nil {
		return fmt.Errorf("close plugin compilation cache: %w", err)
	}
	return nil
}

func (r *Runtime) slot(name string) (*slot, error) {
	r.mu.Lock()
	s := r.plugins[name]
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if s == nil {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return s, nil
}

// acquire returns the current version of a plugin with a reference held; the caller must call
// v.release().
func (r *Runtime) acquire(name string) (*slot, *version, error) {
	s, err := r.slot(name)
	if err != nil {
		return nil, nil, err
	}
	for {
		v := s.cur.Load()
		if v == nil {
			return nil, nil, fmt.Errorf("%s: %w", name, ErrNotFound)
		}
		if v.acquire() {
			return s, v, nil
		}
		// v was retired between Load and acquire: the swap already published its successor.
	}
}
