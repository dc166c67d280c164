// Package manager runs the plugins the replicated catalog names, on this
// node: wasm plugins in the wazero runtime (host/plugin), process plugins
// under a supervisor (host/plugin/process). It follows the catalog lazily:
// each call reads the plugin's entry from the node's applied state, and if
// the active version, its digest or its reload generation differ from what
// is loaded, it loads the new one first. So once a node has applied a
// catalog change, every new call on that node runs the new version, while
// calls already running finish on the old one.
//
// It also runs validator chains: the validators bound to an operation, in
// order, each allowed to deny with a Doris code and message, each failing
// open or closed as its binding says when it cannot answer.
package manager

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/plugin/process"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// ErrDisabled is returned for calls to a plugin disabled in the catalog.
var ErrDisabled = errors.New("plugin is disabled in the catalog")

// ErrNotRegistered is returned for calls to a plugin the catalog lacks.
var ErrNotRegistered = errors.New("plugin is not registered")

// Config configures a Manager.
type Config struct {
	// DataDir holds the compilation cache and the copies of process
	// binaries (under plugins/).
	DataDir string
	// Logger receives the runtimes' logs and the plugins' stderr.
	Logger hclog.Logger
}

// Manager runs the catalog's plugins on this node.
type Manager struct {
	catalog *catalog.Service
	wasm    *plugin.Runtime
	runDir  string
	logger  hclog.Logger

	mu      sync.Mutex
	loaded  map[string]loadedKey   // what each name runs now
	procs   map[string]*procSlot   // process plugins by name
	loading map[string]*sync.Mutex // one load at a time per name
	errs    map[string]string      // last load error per name
	swaps   map[string]uint64      // versions loaded per name
}

// loadedKey identifies what is loaded under a name.
type loadedKey struct {
	sha        string
	generation uint64
	version    string
	runtime    string
}

// procSlot is a running process plugin and the calls using it.
type procSlot struct {
	p     *process.Plugin
	calls sync.WaitGroup
}

// New returns a Manager over the catalog.
func New(cat *catalog.Service, cfg Config) (*Manager, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	rt, err := plugin.New(plugin.Config{
		CacheDir: filepath.Join(cfg.DataDir, "plugins", "wasm-cache"),
		Logger:   logger.Named("wasm"),
	})
	if err != nil {
		return nil, fmt.Errorf("start the wasm runtime: %w", err)
	}
	return &Manager{
		catalog: cat,
		wasm:    rt,
		runDir:  filepath.Join(cfg.DataDir, "plugins", "bin"),
		logger:  logger,
		loaded:  map[string]loadedKey{},
		procs:   map[string]*procSlot{},
		loading: map[string]*sync.Mutex{},
		errs:    map[string]string{},
		swaps:   map[string]uint64{},
	}, nil
}

// Wasm returns the wasm runtime (for typed policy clients).
func (m *Manager) Wasm() *plugin.Runtime { return m.wasm }

// entry reads a plugin's catalog entry (and its active module for wasm)
// from this node's applied state.
func (m *Manager) entry(ctx context.Context, name string) (catalog.Entry, []byte, error) {
	var e catalog.Entry
	var module []byte
	var found bool
	err := m.catalog.View(ctx, raftstore.ReadOptions{Stale: true}, func(r catalog.Reader) error {
		e, found = r.Entry(name)
		if found && e.Runtime == catalog.RuntimeWasm {
			if v, ok := e.ActiveVersion(); ok {
				module = append([]byte(nil), r.Module(v.SHA256)...)
			}
		}
		return nil
	})
	if err != nil {
		return e, nil, err
	}
	if !found {
		return e, nil, fmt.Errorf("plugin %q: %w", name, ErrNotRegistered)
	}
	return e, module, nil
}

// Ensure makes this node run the catalog's active version of name, loading
// it if needed, and returns the entry.
func (m *Manager) Ensure(ctx context.Context, name string) (catalog.Entry, error) {
	e, _, err := m.ensure(ctx, name)
	return e, err
}

func (m *Manager) ensure(ctx context.Context, name string) (catalog.Entry, loadedKey, error) {
	e, err := m.peek(ctx, name)
	if err != nil {
		return e, loadedKey{}, err
	}
	if !e.Enabled {
		return e, loadedKey{}, fmt.Errorf("plugin %q: %w", name, ErrDisabled)
	}
	v, ok := e.ActiveVersion()
	if !ok {
		return e, loadedKey{}, fmt.Errorf("plugin %q has no active version", name)
	}
	want := loadedKey{sha: v.SHA256, generation: e.Generation, version: v.Version, runtime: e.Runtime}
	m.mu.Lock()
	cur := m.loaded[name]
	lock := m.loading[name]
	if lock == nil {
		lock = &sync.Mutex{}
		m.loading[name] = lock
	}
	m.mu.Unlock()
	if cur == want {
		return e, want, nil
	}
	lock.Lock()
	defer lock.Unlock()
	m.mu.Lock()
	cur = m.loaded[name]
	m.mu.Unlock()
	if cur == want {
		return e, want, nil
	}
	// Re-read under the lock: the entry may have moved on meanwhile.
	e, module, err := m.entry(ctx, name)
	if err != nil {
		return e, loadedKey{}, err
	}
	v, _ = e.ActiveVersion()
	want = loadedKey{sha: v.SHA256, generation: e.Generation, version: v.Version, runtime: e.Runtime}
	if err := m.load(ctx, e, v, module); err != nil {
		m.mu.Lock()
		m.errs[name] = err.Error()
		m.mu.Unlock()
		return e, loadedKey{}, err
	}
	m.mu.Lock()
	m.loaded[name] = want
	delete(m.errs, name)
	m.swaps[name]++
	m.mu.Unlock()
	return e, want, nil
}

// Preload loads every enabled plugin the catalog binds (policies bound to tables, validators
// bound to operations), so that the first compaction or mutation after a start does not wait for
// a cold load (tens of milliseconds from the compilation cache, about a second without it). It
// reads the bindings linearizably, so it waits for a leader and for this node to catch up, logs
// and returns the names it loaded; a plugin that fails to load is logged and left to load on its
// first call.
func (m *Manager) Preload(ctx context.Context) []string {
	var names []string
	err := m.catalog.View(ctx, raftstore.ReadOptions{}, func(r catalog.Reader) error {
		for _, b := range r.PolicyBindings() {
			names = append(names, b.Policy)
		}
		for _, b := range r.AllValidatorBindings() {
			names = append(names, b.Validator)
		}
		return nil
	})
	if err != nil {
		m.logger.Debug("plugin preload skipped: the catalog is not readable", "error", err)
		return nil
	}
	slices.Sort(names)
	start := time.Now()
	var loaded []string
	defer func() {
		if len(loaded) > 0 {
			m.logger.Info("bound plugins preloaded", "plugins", loaded, "load_time", time.Since(start).Round(time.Millisecond))
		}
	}()
	for _, name := range slices.Compact(names) {
		if ctx.Err() != nil {
			break
		}
		_, err := m.Ensure(ctx, name)
		switch {
		case errors.Is(err, ErrDisabled), errors.Is(err, ErrNotRegistered):
			continue // bound but not runnable: a call answers why
		case err != nil:
			m.logger.Warn("plugin preload failed; it loads on its first call", "plugin", name, "error", err)
			continue
		}
		loaded = append(loaded, name)
	}
	return loaded
}

// peek reads the entry without the module bytes.
func (m *Manager) peek(ctx context.Context, name string) (catalog.Entry, error) {
	var e catalog.Entry
	var found bool
	err := m.catalog.View(ctx, raftstore.ReadOptions{Stale: true}, func(r catalog.Reader) error {
		e, found = r.Entry(name)
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("plugin %q: %w", name, ErrNotRegistered)
	}
	return e, err
}

func callTimeout(e catalog.Entry) time.Duration {
	return time.Duration(e.CallTimeoutMS) * time.Millisecond
}

// load starts the version in its runtime, replacing what ran under the
// name; calls in flight finish on the old version.
func (m *Manager) load(ctx context.Context, e catalog.Entry, v catalog.Version, module []byte) error {
	switch e.Runtime {
	case catalog.RuntimeWasm:
		_, err := m.wasm.Load(ctx, plugin.Spec{
			Name: e.Name, Version: v.Version, Wasm: module, SHA256: v.SHA256, Config: []byte(e.Config),
			Limits: plugin.Limits{CallTimeout: callTimeout(e)},
		})
		return err
	case catalog.RuntimeProcess:
		p, err := process.Start(ctx, process.Spec{
			Name: e.Name, Kind: e.Kind, Path: v.Path, SHA256: v.SHA256,
			Args: e.Args, Env: e.Env, RunDir: m.runDir, CallTimeout: callTimeout(e),
		}, m.logger.Named("process"))
		if err != nil {
			return err
		}
		m.mu.Lock()
		old := m.procs[e.Name]
		m.procs[e.Name] = &procSlot{p: p}
		m.mu.Unlock()
		if old != nil {
			go func() { old.calls.Wait(); old.p.Close() }()
		}
		return nil
	}
	return fmt.Errorf("plugin %q: unknown runtime %q", e.Name, e.Runtime)
}

// Call runs one export of a plugin with a wire-encoded payload, on the
// catalog's active version.
func (m *Manager) Call(ctx context.Context, name, export string, payload []byte) ([]byte, error) {
	_, key, err := m.ensure(ctx, name)
	if err != nil {
		return nil, err
	}
	if key.runtime == catalog.RuntimeWasm {
		return m.wasm.Call(ctx, name, export, payload)
	}
	m.mu.Lock()
	slot := m.procs[name]
	if slot == nil {
		m.mu.Unlock()
		return nil, fmt.Errorf("plugin %q is not running", name)
	}
	slot.calls.Add(1)
	m.mu.Unlock()
	defer slot.calls.Done()
	return slot.p.Call(ctx, export, payload)
}

// Validate runs the validators bound to op on req. It returns the first
// denial, or an allowing response. A validator that cannot answer denies
// (fail_closed, answering code INTERNAL_ERROR) or is skipped (fail_open).
func (m *Manager) Validate(ctx context.Context, op string, req *validator.Request) validator.Response {
	var bindings []catalog.ValidatorBinding
	// A linearizable read: once a catalog change is acknowledged, every
	// node's next validation sees it (the entries read after it, locally,
	// are then at least as new).
	err := m.catalog.View(ctx, raftstore.ReadOptions{}, func(r catalog.Reader) error {
		bindings = r.ValidatorBindings(op)
		return nil
	})
	if err != nil {
		return validator.Denied("INTERNAL_ERROR", fmt.Sprintf("read validator bindings: %v", err))
	}
	if len(bindings) == 0 {
		return validator.Allowed()
	}
	enc := &wire.Encoder{}
	validator.EncodeRequest(enc, req)
	payload := enc.Bytes()
	for _, b := range bindings {
		out, err := m.Call(ctx, b.Validator, abi.ExportValidateRequest, payload)
		var resp validator.Response
		if err == nil {
			if derr := validator.DecodeResponse(out, &resp); derr != nil {
				err = fmt.Errorf("plugin %s answered garbage: %w", b.Validator, derr)
			}
		}
		if err != nil {
			if b.OnError == catalog.FailOpen {
				m.logger.Warn("validator failed; allowing (fail_open)", "validator", b.Validator, "operation", op, "error", err)
				continue
			}
			m.logger.Warn("validator failed; denying (fail_closed)", "validator", b.Validator, "operation", op, "error", err)
			return validator.Denied("INTERNAL_ERROR", fmt.Sprintf("validator %s failed: %v", b.Validator, err))
		}
		if !resp.Allow {
			if resp.Code == "" {
				resp.Code = "INVALID_ARGUMENT"
			}
			return resp
		}
	}
	return validator.Allowed()
}

// Status is one plugin as this node runs it.
type Status struct {
	// Entry is the catalog entry.
	Entry catalog.Entry `json:"entry"`
	// Loaded is the version this node runs ("" if none yet).
	Loaded string `json:"loaded_version"`
	// LoadError is the last failure to load the active version.
	LoadError string `json:"load_error,omitempty"`
	// Swaps counts versions this node has loaded under the name.
	Swaps uint64 `json:"swaps"`
	// Calls, Errors, P50 and P99 (nanoseconds) are the call statistics.
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
	P50    int64  `json:"p50_ns"`
	P99    int64  `json:"p99_ns"`
	// Restarts counts process restarts; Breaker is the circuit breaker's
	// state ("closed", "open", "half-open").
	Restarts uint64 `json:"restarts"`
	Breaker  string `json:"breaker"`
}

// Status describes how this node runs a catalog entry.
func (m *Manager) Status(e catalog.Entry) Status {
	m.mu.Lock()
	st := Status{Entry: e, Loaded: m.loaded[e.Name].version, LoadError: m.errs[e.Name], Swaps: m.swaps[e.Name], Breaker: "closed"}
	slot := m.procs[e.Name]
	m.mu.Unlock()
	switch {
	case e.Runtime == catalog.RuntimeWasm:
		if s, err := m.wasm.Stats(e.Name); err == nil {
			st.Calls, st.Errors, st.P50, st.P99, st.Breaker = s.Calls, s.Errors, int64(s.P50), int64(s.P99), s.Breaker
		}
	case slot != nil:
		s := slot.p.Stats()
		st.Calls, st.Errors, st.P50, st.P99, st.Restarts = s.Calls, s.Errors, int64(s.P50), int64(s.P99), s.Restarts
		if s.Disabled {
			st.Breaker = "open"
		}
	}
	return st
}

// Close stops every plugin.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	procs := m.procs
	m.procs = map[string]*procSlot{}
	m.mu.Unlock()
	for _, s := range procs {
		s.p.Close()
	}
	return m.wasm.Close(ctx)
}
