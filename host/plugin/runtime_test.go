package plugin_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/metahost/metahost/internal/testing/testclock"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/validator"
)

func validate(ctx context.Context, rt *plugin.Runtime, name, op string) (validator.Response, error) {
	return rt.Validator(name).Validate(ctx, &validator.Request{Surface: "test", Operation: op})
}

func TestLoadRefusesChecksumMismatch(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	other := plugintest.SHA256(m.sizeBased)
	tests := []struct {
		name, sha string
	}{
		{"empty", ""},
		{"another module's", other},
		{"not hex", strings.Repeat("z", 64)},
		{"truncated", plugintest.SHA256(m.hostile)[:62]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rt.Load(context.Background(), plugin.Spec{Name: "h", Version: "1", Wasm: m.hostile, SHA256: tc.sha})
			if !errors.Is(err, plugin.ErrChecksum) {
				t.Fatalf("err = %v, want ErrChecksum", err)
			}
		})
	}
	if names := rt.Names(); len(names) != 0 {
		t.Errorf("a refused module was loaded: %v", names)
	}
	// Upper-case hex is the same digest.
	load(t, rt, "h", "1", m.hostile, "", plugin.Limits{})
	if _, err := rt.Load(context.Background(), plugin.Spec{Name: "h", Version: "2", Wasm: m.hostile,
		SHA256: strings.ToUpper(plugintest.SHA256(m.hostile))}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRefusesInvalidModules(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	tests := []struct {
		name string
		wasm []byte
		lim  plugin.Limits
		cfg  string
		want string
	}{
		{"not wasm", []byte("\x00asm garbage"), plugin.Limits{}, "", "not a WebAssembly 1.0 binary module"},
		// 16 bytes declaring 2^32-1 data segments: wazero 1.12 would allocate them and die.
		{"data section of 2^32-1 segments", []byte("\x00asm\x01\x00\x00\x00\x0b\x07\xff\xff\xff\xff\x0f00"), plugin.Limits{}, "", "unreadable wasm module"},
		{"data section of 2^32-1 segments, trusted", []byte("\x00asm\x01\x00\x00\x00\x0b\x07\xff\xff\xff\xff\x0f00"), plugin.Limits{Trusted: true}, "", "unreadable wasm module"},
		// A call to a function whose type index is out of range: wazero 1.12's validator panics.
		{"validator panic", []byte("\x00asm\x01\x00\x00\x00\x01\r\x03`\x00\x00`\x01\x7f\x01\x7f`\x00\x01\x7f\x03\t\b\x00\x01000000\nx\b\a\x00\x03@\f\x00\v\v\x1c\x00A0A0x\x04@A0\x0f\vA0A0xA0A0A0x\x10\x02X\v\a\x00A0000\v\t\x00000000X\v\b\x00A0000X\v\x04\x00A0\v\r\x0000\xd20000000X\v#\x010\x7f\x020000000000000000000A0A00A00\vA0\v"),
			plugin.Limits{}, "", "the wasm compiler failed on this module"},
		{"ABI major 2", abiModule(2<<16, 0), plugin.Limits{}, "", "ABI major version 2"},
		{"null describe", abiModule(1<<16, 0), plugin.Limits{}, "", "null result"},
		{"describe outside memory", abiModule(1<<16, 0x7fff0000_00000010), plugin.Limits{}, "", "outside the guest memory"},
		{"missing export", wasmModule(wasmFunc{name: "_initialize"}), plugin.Limits{}, "", "missing export plugin_abi_version"},
		{"wrong signature", abiModule(1<<16, 0, wasmFunc{name: "policy_invoke", params: []byte{i32}, results: []byte{i64}, body: i64Const(0)}),
			plugin.Limits{}, "", "export policy_invoke has the wrong signature"},
		{"command module", wasmModule(wasmFunc{name: "_start"}), plugin.Limits{}, "", "command module"},
		{"memory below a Go guest's need", m.hostile, plugin.Limits{MemoryPages: 64}, "", "below the 256 pages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rt.Load(context.Background(), plugin.Spec{Name: "bad", Version: "1", Wasm: tc.wasm,
				SHA256: plugintest.SHA256(tc.wasm), Limits: tc.lim, Config: []byte(tc.cfg)})
			if !errors.Is(err, plugin.ErrInvalidModule) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidModule mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := rt.Info("bad"); !errors.Is(err, plugin.ErrNotFound) {
		t.Errorf("a refused module is visible: %v", err)
	}
	// A configuration the plugin rejects.
	_, err := rt.Load(context.Background(), plugin.Spec{Name: "bad", Version: "1", Wasm: m.sizeBased,
		SHA256: plugintest.SHA256(m.sizeBased), Config: []byte("x")})
	if !errors.Is(err, plugin.ErrInvalidConfig) || !strings.Contains(err.Error(), "takes no configuration") {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
}

// TestHostileGuests: each misbehaviour fails its call with a clear error within the deadline,
// the broken instance is discarded, and the next call works.
func TestHostileGuests(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{BreakerThreshold: 1000})
	const deadline = 2 * time.Second
	info := load(t, rt, "h", "1", m.hostile, "cfg-1", plugin.Limits{CallTimeout: deadline, PoolSize: 1})
	if info.ModuleName != "hostile" || info.Kinds[0] != abi.KindValidator {
		t.Fatalf("info %+v", info)
	}
	tests := []struct {
		op      string
		want    error
		message string
		discard bool
	}{
		{"spin", plugin.ErrTimeout, "deadline", true},
		// grow traps with "out of memory" once it reaches the cap, or hits the deadline first on a
		// slow machine (-race): both are clear, bounded failures.
		{"grow", nil, "", true},
		{"trap", plugin.ErrTrap, "nil map", true},
		{"exit", plugin.ErrTrap, "exit_code(3)", true},
		{"null", plugin.ErrProtocol, "null result", true},
		{"oob", plugin.ErrProtocol, "outside the guest memory", true},
		{"huge", plugin.ErrTooLarge, "response of 3221225472 bytes", true},
		{"garbage", plugin.ErrProtocol, "status byte 7", true},
		{"bad_payload", plugin.ErrProtocol, "bad boolean 9", true},
		{"guest_error", nil, "no_such_thing: the guest says no", false},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			before, _ := rt.Stats("h")
			start := time.Now()
			_, err := validate(context.Background(), rt, "h", tc.op)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("hostile call succeeded")
			}
			var ce *plugin.CallError
			if !errors.As(err, &ce) || ce.Plugin != "h" || ce.Export != abi.ExportValidateRequest {
				t.Errorf("error %v is not a CallError naming the plugin and export", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			var ge *abi.GuestError
			if tc.op == "guest_error" && !errors.As(err, &ge) {
				t.Errorf("err = %v, want a guest error", err)
			}
			if tc.op == "grow" && !(errors.Is(err, plugin.ErrTrap) && strings.Contains(err.Error(), "out of memory")) &&
				!errors.Is(err, plugin.ErrTimeout) {
				t.Errorf("err = %v, want an out-of-memory trap or a timeout", err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("err = %q, want it to mention %q", err, tc.message)
			}
			// Generous bound: the deadline interrupts the guest (without close-on-done a spinning
			// guest never returns).
			if elapsed > deadline+30*time.Second {
				t.Errorf("call took %v with a %v deadline", elapsed, deadline)
			}
			after, _ := rt.Stats("h")
			if got := after.Discarded - before.Discarded; (got == 1) != tc.discard {
				t.Errorf("discarded %d instances, want discard=%v", got, tc.discard)
			}
			// The host is fine and the plugin answers again on a fresh instance.
			resp, err := validate(context.Background(), rt, "h", "ok")
			if err != nil || !resp.Allow || resp.Message != "cfg-1" {
				t.Fatalf("call after %s: %+v %v", tc.op, resp, err)
			}
		})
	}
	st, _ := rt.Stats("h")
	if st.Timeouts+st.Traps != 4 || st.Faults != 9 || st.Instances > 1 {
		t.Errorf("stats %+v", st)
	}
	if st.P50 <= 0 || st.P99 < st.P50 {
		t.Errorf("latency percentiles %v %v", st.P50, st.P99)
	}
}

func TestGuestOutputAndLogs(t *testing.T) {
	m := mods(t)
	rt, logs := newRuntime(t, plugin.Config{})
	load(t, rt, "h", "1", m.hostile, "", plugin.Limits{})
	for _, op := range []string{"stdout", "log"} {
		if resp, err := validate(context.Background(), rt, "h", op); err != nil || !resp.Allow {
			t.Fatalf("%s: %+v %v", op, resp, err)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "hello from the guest log") || !strings.Contains(out, "plugin.h") || !strings.Contains(out, "[WARN]") {
		t.Errorf("guest log line missing or not named after the plugin:\n%s", out)
	}
}

// TestSandbox: the guest sees no filesystem, no environment, no arguments and a fixed clock.
func TestSandbox(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "h", "1", m.hostile, "", plugin.Limits{})
	resp, err := validate(context.Background(), rt, "h", "sandbox")
	if err != nil {
		t.Fatal(err)
	}
	var now int64
	var fs string
	var env, args int
	if _, err := fmt.Sscanf(resp.Message, "now=%d fs=%s env=%d args=%d", &now, &fs, &env, &args); err != nil {
		t.Fatalf("%q: %v", resp.Message, err)
	}
	if fs != "denied" || env != 0 || args > 1 {
		t.Errorf("guest sees the host: %s", resp.Message)
	}
	// wazero's fake wall clock starts at 2022-01-01; the real time is later than the tests.
	if now > time.Now().Add(-365*24*time.Hour).Unix() {
		t.Errorf("guest sees the real clock: %s", resp.Message)
	}
}

func TestCircuitBreaker(t *testing.T) {
	m := mods(t)
	clk := testclock.New(time.Unix(1_700_000_000, 0))
	rt, _ := newRuntime(t, plugin.Config{BreakerThreshold: 3, BreakerCooldown: time.Minute, Now: clk.Now})
	load(t, rt, "h", "1", m.hostile, "", plugin.Limits{CallTimeout: 200 * time.Millisecond})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := validate(ctx, rt, "h", "trap"); !errors.Is(err, plugin.ErrTrap) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	st, _ := rt.Stats("h")
	if st.Breaker != "open" || !st.Disabled {
		t.Fatalf("breaker %s after 3 traps", st.Breaker)
	}
	// Open: even a good call is refused without reaching the guest.
	if _, err := validate(ctx, rt, "h", "ok"); !errors.Is(err, plugin.ErrCircuitOpen) {
		t.Fatalf("open breaker let a call through: %v", err)
	}
	// Half-open after the cooldown: a failing trial reopens it.
	clk.Advance(time.Minute)
	if _, err := validate(ctx, rt, "h", "spin"); !errors.Is(err, plugin.ErrTimeout) {
		t.Fatalf("trial call: %v", err)
	}
	if _, err := validate(ctx, rt, "h", "ok"); !errors.Is(err, plugin.ErrCircuitOpen) {
		t.Fatalf("a failed trial did not reopen the breaker: %v", err)
	}
	// A successful trial closes it.
	clk.Advance(time.Minute)
	if _, err := validate(ctx, rt, "h", "ok"); err != nil {
		t.Fatalf("trial call: %v", err)
	}
	st, _ = rt.Stats("h")
	if st.Breaker != "closed" || st.Disabled {
		t.Fatalf("breaker %s after a good trial", st.Breaker)
	}
	// Guest errors and denials do not trip it.
	for i := 0; i < 5; i++ {
		if _, err := validate(ctx, rt, "h", "guest_error"); err == nil {
			t.Fatal("guest error lost")
		}
		if resp, err := validate(ctx, rt, "h", "deny"); err != nil || resp.Allow || resp.Code != "INVALID_ARGUMENT" {
			t.Fatalf("deny: %+v %v", resp, err)
		}
	}
	if st, _ = rt.Stats("h"); st.Breaker != "closed" {
		t.Fatalf("guest errors tripped the breaker")
	}
	// A caller giving up is not the plugin's fault.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	for i := 0; i < 5; i++ {
		if _, err := validate(cctx, rt, "h", "ok"); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled call: %v", err)
		}
	}
	if st, _ = rt.Stats("h"); st.Breaker != "closed" {
		t.Fatalf("cancelled calls tripped the breaker")
	}
	// Tripping again, then an operator reset.
	for i := 0; i < 3; i++ {
		_, _ = validate(ctx, rt, "h", "trap")
	}
	if err := rt.ResetBreaker("h"); err != nil {
		t.Fatal(err)
	}
	if _, err := validate(ctx, rt, "h", "ok"); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}

// TestHotSwapUnderLoad replaces a plugin several times under a stream of concurrent calls: no
// call fails, and once a swap returns every new call sees the new version.
func TestHotSwapUnderLoad(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "h", "1", m.hostile, "v1", plugin.Limits{PoolSize: 2})
	var (
		stop    atomic.Bool
		calls   atomic.Int64
		wg      sync.WaitGroup
		failMu  sync.Mutex
		failure error
	)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				resp, err := validate(context.Background(), rt, "h", "ok")
				if err == nil && !strings.HasPrefix(resp.Message, "v") {
					err = fmt.Errorf("unexpected answer %+v", resp)
				}
				if err != nil {
					failMu.Lock()
					failure = err
					failMu.Unlock()
					return
				}
				calls.Add(1)
			}
		}()
	}
	waitCalls := func(n int64) {
		deadline := time.Now().Add(time.Minute)
		for calls.Load() < n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	for v := 2; v <= 4; v++ {
		waitCalls(calls.Load() + 20)
		ver := fmt.Sprintf("v%d", v)
		load(t, rt, "h", ver, m.hostile, ver, plugin.Limits{PoolSize: 2})
		resp, err := validate(context.Background(), rt, "h", "ok")
		if err != nil || resp.Message != ver {
			t.Fatalf("after swapping to %s a new call answered %+v %v", ver, resp, err)
		}
	}
	waitCalls(calls.Load() + 20)
	stop.Store(true)
	wg.Wait()
	if failure != nil {
		t.Fatalf("a call failed during hot swap: %v", failure)
	}
	st, _ := rt.Stats("h")
	if st.Errors != 0 || st.Loads != 4 || st.Version != "v4" {
		t.Errorf("stats %+v", st)
	}
}

// TestSwapWhileCallInFlight: a call running on the old version finishes there.
func TestSwapWhileCallInFlight(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{BreakerThreshold: 100})
	load(t, rt, "h", "1", m.hostile, "v1", plugin.Limits{CallTimeout: 2 * time.Second})
	done := make(chan error, 1)
	go func() {
		// spin runs until its deadline on the old version; the swap must not disturb it.
		_, err := validate(context.Background(), rt, "h", "spin")
		done <- err
	}()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if st, _ := rt.Stats("h"); st.InFlight == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	load(t, rt, "h", "2", m.hostile, "v2", plugin.Limits{CallTimeout: 2 * time.Second})
	if resp, err := validate(context.Background(), rt, "h", "ok"); err != nil || resp.Message != "v2" {
		t.Fatalf("new call: %+v %v", resp, err)
	}
	if err := <-done; !errors.Is(err, plugin.ErrTimeout) {
		t.Fatalf("in-flight call: %v", err)
	}
}

func TestConcurrentCallsBoundedPool(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "h", "1", m.hostile, "c", plugin.Limits{PoolSize: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if _, err := validate(context.Background(), rt, "h", "ok"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, _ := rt.Stats("h")
	if st.Calls != 200 || st.Instances > 2 || st.Instances < 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestUnloadAndClose(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "h", "1", m.hostile, "", plugin.Limits{})
	if _, err := validate(context.Background(), rt, "h", "ok"); err != nil {
		t.Fatal(err)
	}
	if err := rt.Unload("h"); err != nil {
		t.Fatal(err)
	}
	if _, err := validate(context.Background(), rt, "h", "ok"); !errors.Is(err, plugin.ErrNotFound) {
		t.Fatalf("after unload: %v", err)
	}
	if err := rt.Unload("h"); !errors.Is(err, plugin.ErrNotFound) {
		t.Fatalf("second unload: %v", err)
	}
	if err := rt.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Load(context.Background(), plugin.Spec{Name: "h", Wasm: m.hostile, SHA256: plugintest.SHA256(m.hostile)}); !errors.Is(err, plugin.ErrClosed) {
		t.Fatalf("load after close: %v", err)
	}
}

func TestWrongKind(t *testing.T) {
	m := mods(t)
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "sb", "1", m.sizeBased, "", plugin.Limits{})
	if _, err := validate(context.Background(), rt, "sb", "ok"); err == nil {
		t.Fatal("a policy answered validate_request")
	}
	st, _ := rt.Stats("sb")
	if st.Faults != 0 {
		t.Errorf("a wrong-kind call counted as a fault: %+v", st)
	}
}

// TestAllocatingGuestStaysBounded: a guest that allocates 64 KiB on every call keeps its memory
// below the recycling mark over 12,000 calls, because the SDK's exports yield to the Go
// scheduler and the guest's garbage collector runs. Without the yields its instance crossed the
// mark (3/4 of 32 MiB) about every 6,000 calls.
func TestAllocatingGuestStaysBounded(t *testing.T) {
	wasm := plugintest.Build(t, "./testdata/allocating")
	rt, _ := newRuntime(t, plugin.Config{})
	load(t, rt, "allocating", "1", wasm, "", plugin.Limits{PoolSize: 1})
	v := rt.Validator("allocating")
	req := &validator.Request{Surface: "kv", Operation: "put", InstanceID: "i"}
	for range 12_000 {
		resp, err := v.Validate(context.Background(), req)
		if err != nil || !resp.Allow {
			t.Fatalf("%+v %v", resp, err)
		}
	}
	s, err := rt.Stats("allocating")
	if err != nil {
		t.Fatal(err)
	}
	if s.Discarded != 0 || s.Calls < 12_000 {
		t.Errorf("calls %d, instances recycled %d: the guest's memory grew past the mark", s.Calls, s.Discarded)
	}
}
