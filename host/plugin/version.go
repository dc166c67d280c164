package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/plugin/wasmbin"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// requiredExports are the functions every ABI v1 module exports, with their signatures.
var requiredExports = []struct {
	name    string
	params  []api.ValueType
	results []api.ValueType
}{
	{abi.ExportInitialize, nil, nil},
	{abi.ExportABIVersion, nil, []api.ValueType{api.ValueTypeI32}},
	{abi.ExportMalloc, []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	{abi.ExportFree, []api.ValueType{api.ValueTypeI32}, nil},
	{abi.ExportDescribe, nil, []api.ValueType{api.ValueTypeI64}},
}

// callExports are the (ptr, len) -> i64 exports; each is optional.
var callExports = []string{abi.ExportConfigure, abi.ExportPolicyInvoke, abi.ExportValidateRequest}

// version is one loaded plugin version: its own wazero runtime, the compiled module and a pool
// of instances.
type version struct {
	info   Info
	limits Limits
	config []byte
	log    hclog.Logger
	stats  *stats

	rt wazero.Runtime
	cm wazero.CompiledModule

	idle    chan *instance
	slots   chan struct{}
	exports map[string]bool

	mu       sync.Mutex
	refs     int
	retired  bool
	closed   bool
	onClose  []func()
	highMark uint32
}

func newVersion(ctx context.Context, r *Runtime, spec Spec) (_ *version, err error) {
	lim := spec.Limits.withDefaults()
	if lim.MemoryPages < MinMemoryPages {
		return nil, fmt.Errorf("%w: memory limit %d pages is below the %d pages a Go guest needs", ErrInvalidModule, lim.MemoryPages, MinMemoryPages)
	}
	if lim.MemoryPages > 65536 {
		return nil, fmt.Errorf("%w: memory limit %d pages exceeds 4 GiB", ErrInvalidModule, lim.MemoryPages)
	}
	v := &version{
		limits: lim,
		config: spec.Config,
		log:    r.log.Named(spec.Name).With("version", spec.Version),
		stats:  &stats{},
		idle:   make(chan *instance, lim.PoolSize),
		slots:  make(chan struct{}, lim.PoolSize),
		// recycle an instance whose memory grew past 3/4 of the cap.
		highMark: lim.MemoryPages * 65536 / 4 * 3,
	}
	// Every module is read through before wazero sees it (wasmbin.Check: wazero trusts the
	// counts a module declares). An untrusted one is metered: it checks in with the host, which
	// enforces the call deadline, every fuelPerRefuel function entries and loop iterations.
	wasm := spec.Wasm
	if lim.Trusted {
		err = wasmbin.Check(wasm)
	} else {
		wasm, err = wasmbin.Meter(wasm, fuelPerRefuel)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	rcfg := wazero.NewRuntimeConfigCompiler().
		WithCompilationCache(r.cache).
		WithMemoryLimitPages(lim.MemoryPages)
	v.rt = wazero.NewRuntimeWithConfig(ctx, rcfg)
	defer func() {
		if err != nil {
			_ = v.rt.Close(context.Background())
		}
	}()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, v.rt); err != nil {
		return nil, fmt.Errorf("instantiate wasi: %w", err)
	}
	if err := v.instantiateHostModule(ctx); err != nil {
		return nil, err
	}
	if !lim.Trusted {
		if err := instantiateMeter(ctx, v.rt); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	v.cm, err = compile(ctx, v.rt, wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: compile: %w", ErrInvalidModule, err)
	}
	compileTime := time.Since(start)
	if err := checkExports(v.cm); err != nil {
		return nil, err
	}
	v.exports = make(map[string]bool)
	for name := range v.cm.ExportedFunctions() {
		v.exports[name] = true
	}
	for _, imp := range v.cm.ImportedFunctions() {
		mod, name, _ := imp.Import()
		if mod == wasmbin.MeterModule && !lim.Trusted {
			continue // added by Meter, which refuses modules that import it themselves
		}
		if mod != wasi_snapshot_preview1.ModuleName && mod != abi.HostModule {
			return nil, fmt.Errorf("%w: imports %s.%s, only %s and %s are provided", ErrInvalidModule, mod, name, wasi_snapshot_preview1.ModuleName, abi.HostModule)
		}
	}

	// Probe with the first instance: ABI version, describe, configure.
	v.slots <- struct{}{}
	inst, err := v.newInstance(ctx)
	if err != nil {
		return nil, err
	}
	desc, minor, err := v.probe(ctx, inst)
	if err != nil {
		inst.close()
		return nil, err
	}
	v.idle <- inst
	v.info = Info{Name: spec.Name, Version: spec.Version, SHA256: spec.SHA256, ModuleName: desc.Name,
		ModuleVersion: desc.Version, Kinds: desc.Kinds, PolicyName: desc.PolicyName, ABIMinor: minor,
		Limits: lim, CompileTime: compileTime}
	if minor > abi.Minor {
		v.log.Info("plugin declares a newer ABI minor version", "minor", minor, "host_minor", abi.Minor)
	}
	return v, nil
}

// fuelPerRefuel is how many function entries and loop iterations a metered guest runs between
// two deadline checks: about 0.1 ms of a Go guest's work, and one call into the host per about
// 65,000 checks.
const fuelPerRefuel = 1 << 16

// instantiateMeter provides the refuel function metered modules import: it aborts the call
// whose context is done or past its deadline, and hands out fuel otherwise. It checks the clock
// itself rather than waiting for the context's timer, which needs a P the guest may be holding.
func instantiateMeter(ctx context.Context, rt wazero.Runtime) error {
	_, err := rt.NewHostModuleBuilder(wasmbin.MeterModule).NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(ctx context.Context, stack []uint64) {
			if err := ctx.Err(); errors.Is(err, context.Canceled) {
				panic(sys.NewExitError(sys.ExitCodeContextCanceled))
			} else if err != nil {
				panic(sys.NewExitError(sys.ExitCodeDeadlineExceeded))
			}
			if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
				panic(sys.NewExitError(sys.ExitCodeDeadlineExceeded))
			}
			stack[0] = fuelPerRefuel
		}), nil, []api.ValueType{api.ValueTypeI32}).Export(wasmbin.MeterFunc).
		Instantiate(ctx)
	if err != nil {
		return fmt.Errorf("instantiate the meter: %w", err)
	}
	return nil
}

// compile is rt.CompileModule with a panic of wazero's validator (1.12 panics on some malformed
// modules that wasmbin.Check lets through) returned as an error.
func compile(ctx context.Context, rt wazero.Runtime, wasm []byte) (cm wazero.CompiledModule, err error) {
	defer func() {
		if v := recover(); v != nil {
			cm, err = nil, fmt.Errorf("the wasm compiler failed on this module: %v", v)
		}
	}()
	return rt.CompileModule(ctx, wasm)
}

func checkExports(cm wazero.CompiledModule) error {
	exps := cm.ExportedFunctions()
	if _, ok := exps["_start"]; ok {
		if _, ok := exps[abi.ExportInitialize]; !ok {
			return fmt.Errorf("%w: a command module (_start without _initialize); build with -buildmode=c-shared", ErrInvalidModule)
		}
	}
	for _, want := range requiredExports {
		f, ok := exps[want.name]
		if !ok {
			return fmt.Errorf("%w: missing export %s", ErrInvalidModule, want.name)
		}
		if !slices.Equal(f.ParamTypes(), want.params) || !slices.Equal(f.ResultTypes(), want.results) {
			return fmt.Errorf("%w: export %s has the wrong signature", ErrInvalidModule, want.name)
		}
	}
	for _, name := range callExports {
		f, ok := exps[name]
		if !ok {
			continue
		}
		if !slices.Equal(f.ParamTypes(), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}) ||
			!slices.Equal(f.ResultTypes(), []api.ValueType{api.ValueTypeI64}) {
			return fmt.Errorf("%w: export %s has the wrong signature", ErrInvalidModule, name)
		}
	}
	return nil
}

func (v *version) probe(ctx context.Context, inst *instance) (abi.Descriptor, uint32, error) {
	cctx, cancel := context.WithTimeout(ctx, v.limits.InitTimeout)
	defer cancel()
	stack := inst.stack[:]
	if err := inst.abiVersion.CallWithStack(cctx, stack); err != nil {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: plugin_abi_version: %w", ErrInvalidModule, err)
	}
	ver := uint32(stack[0])
	if major := ver >> 16; major != abi.Major {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: ABI major version %d, host speaks %d", ErrInvalidModule, major, abi.Major)
	}
	if err := inst.describeFn.CallWithStack(cctx, stack); err != nil {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: plugin_describe: %w", ErrInvalidModule, err)
	}
	payload, err := inst.readResult(stack[0], v.limits.MaxIOBytes)
	if err == nil {
		payload, err = abi.OpenEnvelope(payload)
	}
	if err != nil {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: plugin_describe: %w", ErrInvalidModule, err)
	}
	desc, dver, err := abi.DecodeDescriptor(payload)
	if err != nil {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	if dver>>16 != abi.Major {
		return abi.Descriptor{}, 0, fmt.Errorf("%w: descriptor ABI version %#x", ErrInvalidModule, dver)
	}
	for _, k := range desc.Kinds {
		fn := abi.ExportPolicyInvoke
		if k == abi.KindValidator {
			fn = abi.ExportValidateRequest
		} else if k != abi.KindPolicy {
			continue
		}
		if inst.fns[fn] == nil {
			return abi.Descriptor{}, 0, fmt.Errorf("%w: declares kind %s but does not export %s", ErrInvalidModule, k, fn)
		}
	}
	return desc, ver & 0xffff, nil
}

// instantiateHostModule provides the "metahost" host functions.
func (v *version) instantiateHostModule(ctx context.Context) error {
	logger := v.log
	_, err := v.rt.NewHostModuleBuilder(abi.HostModule).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, m api.Module, stack []uint64) {
		level, ptr, n := int32(stack[0]), uint32(stack[1]), uint32(stack[2])
		const maxLine = 4096
		truncated := n > maxLine
		n = min(n, maxLine)
		b, ok := m.Memory().Read(ptr, n)
		if !ok {
			return
		}
		msg := string(b)
		if truncated {
			msg += "…"
		}
		switch abi.Level(level) {
		case abi.LevelTrace:
			logger.Trace(msg)
		case abi.LevelDebug:
			logger.Debug(msg)
		case abi.LevelWarn:
			logger.Warn(msg)
		case abi.LevelError:
			logger.Error(msg)
		default:
			logger.Info(msg)
		}
	}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil).Export(abi.HostFuncLog).
		NewFunctionBuilder().WithGoFunction(api.GoFunc(func(_ context.Context, stack []uint64) {
		if logger.GetLevel() <= hclog.Level(int32(stack[0])) {
			stack[0] = 1
		} else {
			stack[0] = 0
		}
	}), []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).Export(abi.HostFuncLogEnable).
		Instantiate(ctx)
	if err != nil {
		return fmt.Errorf("instantiate host module: %w", err)
	}
	return nil
}

// tail keeps the first and the last bytes written to it (the guest's stderr and stdout): a Go
// guest prints the cause of a fatal error first and goroutine dumps after it.
type tail struct {
	mu      sync.Mutex
	head    []byte
	buf     []byte
	dropped bool
}

const tailSize = 1024

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := tailSize - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
		t.dropped = true
	}
	return n, nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped {
		return string(t.head) + " … " + string(t.buf)
	}
	return string(t.head) + string(t.buf)
}

// instance is one wasm instance; it serves one call at a time.
type instance struct {
	mod        api.Module
	mem        api.Memory
	malloc     api.Function
	free       api.Function
	abiVersion api.Function
	describeFn api.Function
	fns        map[string]api.Function
	out        *tail
	calls      int
	stack      [2]uint64
	// in is a guest buffer (from plugin_malloc) reused for every request that fits: the ABI keeps
	// a buffer valid until plugin_free, so one malloc serves many calls and a call costs one
	// export invocation instead of three.
	inPtr uint32
	inCap uint32
}

// minInputBuffer is the smallest input buffer the host asks a guest for.
const minInputBuffer = 16 << 10

func (v *version) newInstance(ctx context.Context) (*instance, error) {
	cctx, cancel := context.WithTimeout(ctx, v.limits.InitTimeout)
	defer cancel()
	out := &tail{}
	mcfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithStderr(out).
		WithStdout(out).
		WithStdin(eofReader{})
	mod, err := v.rt.InstantiateModule(cctx, v.cm, mcfg)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("%w: instantiate: %w (guest stderr: %s)", ErrTrap, err, out.String())
	}
	inst := &instance{
		mod: mod, mem: mod.Memory(), out: out, fns: make(map[string]api.Function),
		malloc:     mod.ExportedFunction(abi.ExportMalloc),
		free:       mod.ExportedFunction(abi.ExportFree),
		abiVersion: mod.ExportedFunction(abi.ExportABIVersion),
		describeFn: mod.ExportedFunction(abi.ExportDescribe),
	}
	if inst.mem == nil {
		_ = mod.Close(context.Background())
		return nil, fmt.Errorf("%w: the module exports no memory", ErrInvalidModule)
	}
	for _, name := range callExports {
		if f := mod.ExportedFunction(name); f != nil {
			inst.fns[name] = f
		}
	}
	if len(v.config) > 0 {
		if inst.fns[abi.ExportConfigure] == nil {
			inst.close()
			return nil, fmt.Errorf("%w: a configuration was given but the module does not export %s", ErrInvalidModule, abi.ExportConfigure)
		}
		env, err := inst.call(cctx, abi.ExportConfigure, v.config, v.limits.MaxIOBytes)
		if err == nil {
			var ge *abi.GuestError
			if _, err = abi.OpenEnvelope(env); errors.As(err, &ge) {
				inst.close()
				return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
			}
		}
		if err != nil {
			inst.close()
			cls, _, _ := classify(err)
			return nil, fmt.Errorf("plugin_configure: %w (guest stderr: %s)", cls, out.String())
		}
	}
	return inst, nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func (in *instance) close() { _ = in.mod.Close(context.Background()) }

// readResult copies the envelope a packed result points at.
func (in *instance) readResult(packed uint64, maxOut int) ([]byte, error) {
	if packed == 0 {
		return nil, fmt.Errorf("%w: null result", ErrProtocol)
	}
	ptr, n := abi.Unpack(packed)
	if int64(n) > int64(maxOut) {
		return nil, fmt.Errorf("%w: response of %d bytes (limit %d)", ErrTooLarge, n, maxOut)
	}
	b, ok := in.mem.Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("%w: result [%d,+%d) outside the guest memory (%d bytes)", ErrProtocol, ptr, n, in.mem.Size())
	}
	return append([]byte(nil), b...), nil
}

// call runs export(in) and returns the envelope. Any error leaves the instance unusable.
func (in *instance) call(ctx context.Context, export string, req []byte, maxOut int) ([]byte, error) {
	fn := in.fns[export]
	if fn == nil {
		return nil, fmt.Errorf("%w: the module does not export %s", ErrKind, export)
	}
	in.calls++
	stack := in.stack[:]
	if uint64(len(req)) > uint64(in.inCap) {
		if in.inPtr != 0 {
			stack[0] = uint64(in.inPtr)
			in.inPtr, in.inCap = 0, 0
			if err := in.free.CallWithStack(ctx, stack); err != nil {
				return nil, err
			}
		}
		size := max(uint32(minInputBuffer), ceilPow2(uint32(len(req))))
		stack[0] = uint64(size)
		if err := in.malloc.CallWithStack(ctx, stack); err != nil {
			return nil, err
		}
		ptr := uint32(stack[0])
		if ptr == 0 {
			return nil, fmt.Errorf("%w: plugin_malloc(%d) returned 0", ErrProtocol, size)
		}
		if uint64(ptr)+uint64(size) > uint64(in.mem.Size()) {
			return nil, fmt.Errorf("%w: plugin_malloc returned [%d,+%d) outside the guest memory", ErrProtocol, ptr, size)
		}
		in.inPtr, in.inCap = ptr, size
	}
	if !in.mem.Write(in.inPtr, req) {
		return nil, fmt.Errorf("%w: input buffer [%d,+%d) outside the guest memory", ErrProtocol, in.inPtr, len(req))
	}
	stack[0], stack[1] = uint64(in.inPtr), uint64(len(req))
	if err := fn.CallWithStack(ctx, stack); err != nil {
		return nil, err
	}
	return in.readResult(stack[0], maxOut)
}

func ceilPow2(n uint32) uint32 {
	p := uint32(1)
	for p < n && p < 1<<31 {
		p <<= 1
	}
	return p
}

// get takes an idle instance or creates one, waiting while the pool is exhausted.
func (v *version) get(ctx context.Context) (*instance, error) {
	select {
	case in := <-v.idle:
		return in, nil
	default:
	}
	select {
	case in := <-v.idle:
		return in, nil
	case v.slots <- struct{}{}:
		in, err := v.newInstance(ctx)
		if err != nil {
			<-v.slots
			return nil, err
		}
		return in, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put returns a healthy instance to the pool, or recycles it.
func (v *version) put(in *instance) {
	if in.calls >= v.limits.MaxCallsPerInstance || in.mem.Size() > v.highMark {
		v.discard(in)
		return
	}
	v.idle <- in
}

// discard closes an instance and frees its slot.
func (v *version) discard(in *instance) {
	in.close()
	<-v.slots
	v.stats.addDiscarded()
}

func (v *version) liveInstances() int { return len(v.slots) }

func (v *version) acquire() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.retired {
		return false
	}
	v.refs++
	return true
}

func (v *version) release() {
	v.mu.Lock()
	v.refs--
	done := v.retired && v.refs == 0 && !v.closed
	if done {
		v.closed = true
	}
	v.mu.Unlock()
	if done {
		v.shutdown()
	}
}

// retire stops new calls; the version is closed once the calls in flight return.
func (v *version) retire() {
	v.mu.Lock()
	v.retired = true
	done := v.refs == 0 && !v.closed
	if done {
		v.closed = true
	}
	v.mu.Unlock()
	if done {
		v.shutdown()
	}
}

func (v *version) onClosed(f func()) {
	v.mu.Lock()
	v.onClose = append(v.onClose, f)
	v.mu.Unlock()
}

func (v *version) shutdown() {
	for {
		select {
		case in := <-v.idle:
			in.close()
			continue
		default:
		}
		break
	}
	_ = v.rt.Close(context.Background())
	v.mu.Lock()
	fs := v.onClose
	v.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// classify maps a failed wasm call to the runtime's errors.
func classify(err error) (out error, timeout, trap bool) {
	var ee *sys.ExitError
	switch {
	case errors.Is(err, ErrProtocol), errors.Is(err, ErrTooLarge), errors.Is(err, ErrKind):
		return err, false, false
	case errors.As(err, &ee) && errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, err), true, false
	case errors.As(err, &ee):
		return fmt.Errorf("%w: %w", ErrTrap, err), false, true
	}
	return fmt.Errorf("%w: %w", ErrTrap, err), false, true
}
