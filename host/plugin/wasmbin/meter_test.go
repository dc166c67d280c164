package wasmbin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/metahost/metahost/host/plugin/wasmbin"
	"github.com/metahost/metahost/internal/testing/wasmgen"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// Types used below.
var (
	typeVoid   = []byte{0x60, 0x00, 0x00}             // [] -> []
	typeI32I32 = []byte{0x60, 0x01, 0x7f, 0x01, 0x7f} // [i32] -> [i32]
	typeI32    = []byte{0x60, 0x00, 0x01, 0x7f}       // [] -> [i32]
)

// testModule has an imported function env.twice ([i32] -> [i32]) at index 0
// and defined functions:
//
//	1 spin      [] -> []         loops forever
//	2 fib       [i32] -> [i32]   doubly recursive, no loop: 2^n calls
//	3 add1      [i32] -> [i32]   n + 1
//	4 viaTable  [i32] -> [i32]   call_indirect of table[0] (add1)
//	5 viaImport [i32] -> [i32]   env.twice(add1(n))
//	6 counter   [] -> [i32]      the global the start function set
//	7 init      [] -> []         start: global0 = 41 + ref.is_null(ref.func add1) + 1
//	8 sum       [i32] -> [i32]   0+1+...+n-1 with a loop
//	9 recurse   [] -> []         block; loop; call recurse: the loop is its first check
func testModule() []byte {
	types := wasmgen.Section(1, wasmgen.Vec(typeVoid, typeI32I32, typeI32))
	imports := wasmgen.Section(2, wasmgen.Vec(wasmgen.Cat(wasmgen.Name("env"), wasmgen.Name("twice"), []byte{0x00, 0x01})))
	funcs := wasmgen.Section(3, wasmgen.Vec([]byte{0}, []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{2}, []byte{0}, []byte{1}, []byte{0}))
	table := wasmgen.Section(4, wasmgen.Vec([]byte{0x70, 0x00, 0x01}))
	globals := wasmgen.Section(6, wasmgen.Vec([]byte{0x7f, 0x01, 0x41, 0x00, 0x0b}))
	exports := wasmgen.Section(7, wasmgen.Vec(
		wasmgen.Cat(wasmgen.Name("spin"), []byte{0x00, 1}),
		wasmgen.Cat(wasmgen.Name("fib"), []byte{0x00, 2}),
		wasmgen.Cat(wasmgen.Name("add1"), []byte{0x00, 3}),
		wasmgen.Cat(wasmgen.Name("viaTable"), []byte{0x00, 4}),
		wasmgen.Cat(wasmgen.Name("viaImport"), []byte{0x00, 5}),
		wasmgen.Cat(wasmgen.Name("counter"), []byte{0x00, 6}),
		wasmgen.Cat(wasmgen.Name("sum"), []byte{0x00, 8}),
		wasmgen.Cat(wasmgen.Name("recurse"), []byte{0x00, 9}),
	))
	start := wasmgen.Section(8, wasmgen.ULEB(7))
	elems := wasmgen.Section(9, wasmgen.Vec(wasmgen.Cat([]byte{0x00, 0x41, 0x00, 0x0b}, wasmgen.Vec([]byte{3}))))
	code := wasmgen.Section(10, wasmgen.Vec(
		wasmgen.Body(wasmgen.Vec(), 0x03, 0x40, 0x0c, 0x00, 0x0b), // loop br 0 end
		// if n < 2 { return n }; return fib(n-1) + fib(n-2)
		wasmgen.Body(wasmgen.Vec(), 0x20, 0x00, 0x41, 0x02, 0x48, 0x04, 0x40, 0x20, 0x00, 0x0f, 0x0b,
			0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x02,
			0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x02, 0x6a),
		wasmgen.Body(wasmgen.Vec(), 0x20, 0x00, 0x41, 0x01, 0x6a),
		wasmgen.Body(wasmgen.Vec(), 0x20, 0x00, 0x41, 0x00, 0x11, 0x01, 0x00),
		wasmgen.Body(wasmgen.Vec(), 0x20, 0x00, 0x10, 0x03, 0x10, 0x00),
		wasmgen.Body(wasmgen.Vec(), 0x23, 0x00),
		wasmgen.Body(wasmgen.Vec(), 0x41, 0x29, 0xd2, 0x03, 0xd1, 0x6a, 0x41, 0x01, 0x6a, 0x24, 0x00),
		// acc, i locals; loop { if i >= n break; acc += i; i++ }
		wasmgen.Body(wasmgen.Vec([]byte{0x02, 0x7f}),
			0x02, 0x40, 0x03, 0x40,
			0x20, 0x02, 0x20, 0x00, 0x4e, 0x0d, 0x01,
			0x20, 0x01, 0x20, 0x02, 0x6a, 0x21, 0x01,
			0x20, 0x02, 0x41, 0x01, 0x6a, 0x21, 0x02,
			0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01),
		wasmgen.Body(wasmgen.Vec(), 0x02, 0x40, 0x03, 0x40, 0x10, 0x09, 0x0c, 0x00, 0x0b, 0x0b),
	))
	names := wasmgen.Section(0, wasmgen.Cat(wasmgen.Name("name"), wasmgen.Section(1, wasmgen.Vec(wasmgen.Cat(wasmgen.ULEB(0), wasmgen.Name("twice")), wasmgen.Cat(wasmgen.ULEB(3), wasmgen.Name("add1")))),
		wasmgen.Section(2, wasmgen.Vec(wasmgen.Cat(wasmgen.ULEB(8), wasmgen.Vec(wasmgen.Cat(wasmgen.ULEB(1), wasmgen.Name("acc")), wasmgen.Cat(wasmgen.ULEB(2), wasmgen.Name("i"))))))))
	return wasmgen.Cat([]byte(wasmgen.Header), types, imports, funcs, table, globals, exports, start, elems, code, names)
}

// runtime instantiates env.twice and a refuel that hands out fuel until
// budget refuels were made, then aborts the call as a deadline would.
type harness struct {
	rt      wazero.Runtime
	refuels int
	budget  int
	fuel    uint32
}

func newHarness(t *testing.T, fuel uint32, budget int) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{rt: wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler()), budget: budget, fuel: fuel}
	t.Cleanup(func() { h.rt.Close(ctx) })
	_, err := h.rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(_ context.Context, s []uint64) { s[0] = uint64(uint32(s[0]) * 2) }),
			[]api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).Export("twice").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.rt.NewHostModuleBuilder(wasmbin.MeterModule).NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(_ context.Context, s []uint64) {
			h.refuels++
			if h.refuels > h.budget {
				panic(sys.NewExitError(sys.ExitCodeDeadlineExceeded))
			}
			s[0] = uint64(h.fuel)
		}), nil, []api.ValueType{api.ValueTypeI32}).Export(wasmbin.MeterFunc).Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) instantiate(t *testing.T, wasm []byte, name string) api.Module {
	t.Helper()
	ctx := context.Background()
	m, err := h.rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(name))
	if err != nil {
		t.Fatalf("instantiate %s: %v", name, err)
	}
	return m
}

func call(t *testing.T, m api.Module, fn string, args ...uint64) ([]uint64, error) {
	t.Helper()
	f := m.ExportedFunction(fn)
	if f == nil {
		t.Fatalf("no export %s", fn)
	}
	return f.Call(context.Background(), args...)
}

// TestMeteredModuleComputesTheSame runs every export of the test module
// before and after instrumentation.
func TestMeteredModuleComputesTheSame(t *testing.T) {
	orig := testModule()
	metered, err := wasmbin.Meter(orig, 1000)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 1000, 1<<30)
	plain := h.instantiate(t, orig, "plain")
	met := h.instantiate(t, metered, "metered")
	for _, tc := range []struct {
		fn   string
		args []uint64
	}{
		{"fib", []uint64{15}},
		{"add1", []uint64{41}},
		{"viaTable", []uint64{9}},
		{"viaImport", []uint64{20}},
		{"counter", nil},
		{"sum", []uint64{1000}},
	} {
		want, err := call(t, plain, tc.fn, tc.args...)
		if err != nil {
			t.Fatalf("%s plain: %v", tc.fn, err)
		}
		got, err := call(t, met, tc.fn, tc.args...)
		if err != nil {
			t.Fatalf("%s metered: %v", tc.fn, err)
		}
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("%s(%v) = %v metered, %v plain", tc.fn, tc.args, got, want)
		}
	}
	if h.refuels == 0 {
		t.Error("fib(15) and sum(1000) spent 1000 fuel without a refuel")
	}
	// The start function ran: counter = 41 + 0 + 1.
	if got, _ := call(t, met, "counter"); got[0] != 42 {
		t.Errorf("counter = %d, want 42", got[0])
	}
}

// TestMeteredCallsAreInterrupted: a loop without end and an exponential
// recursion without any loop both reach refuel and stop when it aborts.
func TestMeteredCallsAreInterrupted(t *testing.T) {
	metered, err := wasmbin.Meter(testModule(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fn   string
		args []uint64
	}{
		{"spin", nil},
		{"fib", []uint64{60}},
		{"recurse", nil}, // no entry check: the loop header's comes first
	} {
		t.Run(tc.fn, func(t *testing.T) {
			h := newHarness(t, 1000, 5)
			m := h.instantiate(t, metered, "m")
			_, err := call(t, m, tc.fn, tc.args...)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the deadline", err)
			}
			if h.refuels != 6 {
				t.Errorf("refuels = %d, want 6", h.refuels)
			}
		})
	}
}

// TestNameSectionRemapped: the names of defined functions follow them.
func TestNameSectionRemapped(t *testing.T) {
	metered, err := wasmbin.Meter(testModule(), 10)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 10, 1<<30)
	cm, err := h.rt.CompileModule(context.Background(), metered)
	if err != nil {
		t.Fatal(err)
	}
	if got := cm.ExportedFunctions()["add1"].DebugName(); got != ".add1" {
		t.Errorf("add1's debug name = %q", got)
	}
	imps := cm.ImportedFunctions()
	if len(imps) != 2 {
		t.Fatalf("imports: %d", len(imps))
	}
	if mod, name, _ := imps[1].Import(); mod != wasmbin.MeterModule || name != wasmbin.MeterFunc {
		t.Errorf("second import is %s.%s", mod, name)
	}
}

// TestMinimalModules: modules without type, import or global sections get
// them, in order.
func TestMinimalModules(t *testing.T) {
	for _, tc := range []struct {
		name string
		wasm []byte
	}{
		{"empty", []byte(wasmgen.Header)},
		{"one function, no imports or globals", wasmgen.Cat([]byte(wasmgen.Header),
			wasmgen.Section(1, wasmgen.Vec(typeI32)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(7, wasmgen.Vec(wasmgen.Cat(wasmgen.Name("f"), []byte{0x00, 0x00}))),
			wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(), 0x03, 0x7f, 0x41, 0x07, 0x0b))))},
		{"custom sections only", wasmgen.Cat([]byte(wasmgen.Header), wasmgen.Section(0, wasmgen.Cat(wasmgen.Name("producers"), []byte{0})))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			metered, err := wasmbin.Meter(tc.wasm, 3)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, 3, 1<<30)
			m := h.instantiate(t, metered, "m")
			if f := m.ExportedFunction("f"); f != nil {
				got, err := f.Call(context.Background())
				if err != nil || got[0] != 7 {
					t.Errorf("f() = %v, %v", got, err)
				}
			}
		})
	}
}

// TestRefusals is the table of modules Instrument must refuse (and not
// panic on).
func TestRefusals(t *testing.T) {
	hdr := []byte(wasmgen.Header)
	for _, tc := range []struct {
		name string
		wasm []byte
	}{
		{"empty input", nil},
		{"text format", []byte("(module)")},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00")},
		{"section length past the end", wasmgen.Cat(hdr, []byte{0x01, 0x10, 0x00})},
		{"unknown section", wasmgen.Cat(hdr, wasmgen.Section(14, []byte{0}))},
		{"sections out of order", wasmgen.Cat(hdr, wasmgen.Section(3, wasmgen.Vec()), wasmgen.Section(1, wasmgen.Vec()))},
		{"already imports the meter", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeI32)), wasmgen.Section(2, wasmgen.Vec(wasmgen.Cat(wasmgen.Name(wasmbin.MeterModule), wasmgen.Name("x"), []byte{0x00, 0x00}))))},
		{"unknown opcode", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(), 0xc5))))},
		{"function-references call_ref", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(), 0x14, 0x00))))},
		{"truncated body", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec([]byte{0x02, 0x00, 0x03})))},
		{"body without end", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec([]byte{0x02, 0x00, 0x01})))},
		{"bytes after the final end", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec([]byte{0x03, 0x00, 0x0b, 0x01})))},
		{"overlong LEB", wasmgen.Cat(hdr, wasmgen.Section(1, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}))},
		{"gc rec type", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec([]byte{0x4e, 0x00})))},
		{"element flags 8", wasmgen.Cat(hdr, wasmgen.Section(9, wasmgen.Vec([]byte{0x08})))},
		{"empty start section", wasmgen.Cat([]byte(wasmgen.Header), wasmgen.Section(8, nil))},
		{"empty type section", wasmgen.Cat([]byte(wasmgen.Header), wasmgen.Section(1, nil))},
		{"bad import kind", wasmgen.Cat(hdr, wasmgen.Section(2, wasmgen.Vec(wasmgen.Cat(wasmgen.Name("a"), wasmgen.Name("b"), []byte{0x05}))))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := wasmbin.Meter(tc.wasm, 10)
			if !errors.Is(err, wasmbin.ErrUnreadable) {
				t.Errorf("Instrument = %d bytes, %v; want ErrUnsupported", len(out), err)
			}
		})
	}
}

// TestMalformedNameSectionDropped: names that cannot be read are dropped,
// and the module still instruments.
func TestMalformedNameSectionDropped(t *testing.T) {
	wasm := wasmgen.Cat([]byte(wasmgen.Header), wasmgen.Section(0, wasmgen.Cat(wasmgen.Name("name"), []byte{0x01, 0x05, 0x01})))
	out, err := wasmbin.Meter(wasm, 10)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("name")) {
		t.Error("the malformed name section was kept")
	}
}

// FuzzMeter: any input is refused or read. Check never accepts what wazero
// would die on (the fuzzer itself would die of it), and when wazero accepts
// a module Check accepted, it accepts the metered copy too.
func FuzzMeter(f *testing.F) {
	f.Add(testModule())
	f.Add([]byte(wasmgen.Header))
	f.Add(wasmgen.Cat([]byte(wasmgen.Header), wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(), 0x03, 0x40, 0x0c, 0x00, 0x0b)))))
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	f.Cleanup(func() { rt.Close(ctx) })
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, merr := wasmbin.Meter(wasm, 100)
		if merr != nil && !errors.Is(merr, wasmbin.ErrUnreadable) {
			t.Fatalf("error without ErrUnreadable: %v", merr)
		}
		if err := wasmbin.Check(wasm); err != nil {
			if !errors.Is(err, wasmbin.ErrUnreadable) {
				t.Fatalf("error without ErrUnreadable: %v", err)
			}
			return
		}
		if merr != nil {
			t.Fatalf("Check accepts what Meter refuses: %v", merr)
		}
		if err := compile(ctx, rt, wasm); err != nil {
			return
		}
		if err := compile(ctx, rt, out); err != nil {
			t.Fatalf("wazero accepts the input but not the metered output: %v", err)
		}
	})
}

// TestCheckRefusals: modules that wazero 1.12 would allocate gigabytes for.
func TestCheckRefusals(t *testing.T) {
	hdr := []byte(wasmgen.Header)
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0x0f}
	for _, tc := range []struct {
		name string
		wasm []byte
	}{
		{"data section of 2^32-1 segments", wasmgen.Cat(hdr, wasmgen.Section(11, wasmgen.Cat(huge, []byte("00"))))},
		{"import section of 2^32-1 imports", wasmgen.Cat(hdr, wasmgen.Section(2, huge))},
		{"function section of 2^32-1 functions", wasmgen.Cat(hdr, wasmgen.Section(3, huge))},
		{"4 billion locals", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(wasmgen.Cat(huge, []byte{0x7f}))))))},
		{"50,001 locals", wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(wasmgen.Cat(wasmgen.ULEB(50_001), []byte{0x7f}))))))},
		{"name map of 2^32-1 names", wasmgen.Cat(hdr, wasmgen.Section(0, wasmgen.Cat(wasmgen.Name("name"), wasmgen.Section(1, huge))))},
		{"data segment of 4 GiB", wasmgen.Cat(hdr, wasmgen.Section(11, wasmgen.Vec(wasmgen.Cat([]byte{0x01}, huge))))},
		{"custom section name of 4 GiB", wasmgen.Cat(hdr, wasmgen.Section(0, []byte{0xdf, 0xdf, 0xdf, 0xdf, 0x0f, '0'}))},
		{"name longer than the module", wasmgen.Cat(hdr, wasmgen.Section(7, wasmgen.Vec(wasmgen.Cat(huge, []byte("f"), []byte{0, 0}))))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := wasmbin.Check(tc.wasm); !errors.Is(err, wasmbin.ErrUnreadable) {
				t.Errorf("Check = %v, want ErrUnreadable", err)
			}
		})
	}
	// 50,000 locals are fine.
	ok := wasmgen.Cat(hdr, wasmgen.Section(1, wasmgen.Vec(typeVoid)), wasmgen.Section(3, wasmgen.Vec([]byte{0})), wasmgen.Section(10, wasmgen.Vec(wasmgen.Body(wasmgen.Vec(wasmgen.Cat(wasmgen.ULEB(50_000), []byte{0x7f}))))))
	if err := wasmbin.Check(ok); err != nil {
		t.Errorf("50,000 locals: %v", err)
	}
}

// compile is rt.CompileModule with its panics (wazero 1.12's validator
// panics on some malformed modules) returned as errors.
func compile(ctx context.Context, rt wazero.Runtime, wasm []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("compiler panic: %v", v)
		}
	}()
	cm, err := rt.CompileModule(ctx, wasm)
	if err == nil {
		cm.Close(ctx)
	}
	return err
}

// TestGoModule meters a Go-built guest (the SIZE_BASED policy), checks it,
// and checks wazero compiles both.
func TestGoModule(t *testing.T) {
	wasm := plugintest.Build(t, "github.com/metahost/metahost/plugins/size_based")
	if err := wasmbin.Check(wasm); err != nil {
		t.Fatal(err)
	}
	metered, err := wasmbin.Meter(wasm, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := wasmbin.Check(metered); err != nil {
		t.Fatalf("Check refuses the metered module: %v", err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	if err := compile(ctx, rt, metered); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGoModule is Check and Meter on a Go-built guest (2 MB), as every
// cold load runs one of them.
func BenchmarkGoModule(b *testing.B) {
	wasm := plugintest.Build(b, "github.com/metahost/metahost/plugins/size_based")
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(wasm)))
		b.ReportAllocs()
		for b.Loop() {
			if err := wasmbin.Check(wasm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("meter", func(b *testing.B) {
		b.SetBytes(int64(len(wasm)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := wasmbin.Meter(wasm, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
}
