package plugin_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/policywire"
	"github.com/metahost/metahost/sdk/policy/sizebased"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// medianTimer records per-iteration durations and reports their median as "p50-ns".
type medianTimer struct {
	d     []time.Duration
	start time.Time
}

func (m *medianTimer) begin() { m.start = time.Now() }
func (m *medianTimer) end()   { m.d = append(m.d, time.Since(m.start)) }

func (m *medianTimer) report(b *testing.B) {
	if len(m.d) == 0 {
		return
	}
	slices.Sort(m.d)
	b.ReportMetric(float64(m.d[len(m.d)/2].Nanoseconds()), "p50-ns")
}

// pickSetup returns the 100-rowset tablet with its cumulative point and candidates.
func pickSetup(cfg *policy.Config) (policy.Tablet, []policy.Rowset) {
	tb := plugintest.Tablet100(1_700_000_000_000)
	p := sizebased.New(cfg)
	tb.CumulativePoint = p.CalculateCumulativePoint(&tb, 0)
	return tb, policy.CumulativeCandidates(&tb, cfg, 1_700_000_000_000)
}

// BenchmarkPolicyPick100 is a SIZE_BASED pick_input_rowsets on a 100-rowset tablet: natively, and
// through the wasm plugin (metered, the default, and in trusted mode).
func BenchmarkPolicyPick100(b *testing.B) {
	cfg := policy.DefaultConfig()
	tb, cands := pickSetup(&cfg)
	maxS, minS := cfg.CumulativeCompactionMaxDeltas, cfg.CumulativeCompactionMinDeltas
	b.Run("native", func(b *testing.B) {
		p := sizebased.New(&cfg)
		var mt medianTimer
		b.ReportAllocs()
		for b.Loop() {
			mt.begin()
			res := p.PickInputRowsets(&tb, cands, maxS, minS, false, 0)
			mt.end()
			if len(res.Input) == 0 {
				b.Fatal("nothing picked")
			}
		}
		mt.report(b)
	})
	// native-abi is the whole plugin path compiled natively: encode the request, run the guest
	// SDK's dispatcher (decode, policy, encode) and decode the response, without wasm.
	b.Run("native-abi", func(b *testing.B) {
		g := guest.NewInstance()
		g.RegisterPolicy(guest.Info{Name: "sb", Version: "1"}, func(c *policy.Config) policy.Policy { return sizebased.New(c) })
		var e wire.Encoder
		var mt medianTimer
		b.ReportAllocs()
		for b.Loop() {
			mt.begin()
			req := policywire.Request{Op: policywire.OpPickInputRowsets, Config: cfg, Tablet: tb, Cands: cands,
				MaxScore: maxS, MinScore: minS}
			e.Reset()
			policywire.EncodeRequest(&e, &req)
			env, err := abi.OpenEnvelope(g.InvokePolicy(e.Bytes()))
			var resp policywire.Response
			if err == nil {
				err = policywire.DecodeResponse(env, req.Op, cands, &resp)
			}
			mt.end()
			if err != nil || len(resp.Pick.Input) == 0 {
				b.Fatalf("nothing picked: %v", err)
			}
		}
		mt.report(b)
	})
	for _, trusted := range []bool{false, true} {
		name := "wasm"
		if trusted {
			name = "wasm-trusted"
		}
		b.Run(name, func(b *testing.B) {
			m := mods(b)
			rt, _ := newRuntime(b, plugin.Config{})
			load(b, rt, "sb", "1", m.sizeBased, "", plugin.Limits{Trusted: trusted})
			bound := rt.Policy("sb").Bind(context.Background(), &cfg)
			var mt medianTimer
			b.ReportAllocs()
			for b.Loop() {
				mt.begin()
				res := bound.PickInputRowsets(&tb, cands, maxS, minS, false, 0)
				mt.end()
				if len(res.Input) == 0 {
					b.Fatalf("nothing picked: %v", bound.Err())
				}
			}
			mt.report(b)
		})
	}
}

// BenchmarkCallOverhead is the smallest policy call (CompactionLevel on a tablet without
// rowsets): the fixed cost of a round trip, with and without metering.
func BenchmarkCallOverhead(b *testing.B) {
	m := mods(b)
	cfg := policy.DefaultConfig()
	for _, trusted := range []bool{false, true} {
		b.Run(map[bool]string{false: "default", true: "trusted"}[trusted], func(b *testing.B) {
			rt, _ := newRuntime(b, plugin.Config{})
			load(b, rt, "sb", "1", m.sizeBased, "", plugin.Limits{Trusted: trusted})
			bound := rt.Policy("sb").Bind(context.Background(), &cfg)
			tb := policy.Tablet{CumulativePoint: 2}
			var mt medianTimer
			b.ReportAllocs()
			for b.Loop() {
				mt.begin()
				bound.CompactionLevel(&tb, nil, policy.Rowset{})
				mt.end()
			}
			mt.report(b)
			if err := bound.Err(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkValidator is one validate_request call of the instance-naming example.
func BenchmarkValidator(b *testing.B) {
	m := mods(b)
	rt, _ := newRuntime(b, plugin.Config{})
	load(b, rt, "naming", "1", m.naming, "analytics,payments", plugin.Limits{})
	v := rt.Validator("naming")
	req := &validator.Request{Surface: "meta_service", Operation: "create_instance", InstanceID: "payments-eu",
		Body: []byte(`{"instance_id":"payments-eu","obj_info":[{"bucket":"b","prefix":"payments/eu"}]}`)}
	var mt medianTimer
	b.ReportAllocs()
	for b.Loop() {
		mt.begin()
		resp, err := v.Validate(context.Background(), req)
		mt.end()
		if err != nil || !resp.Allow {
			b.Fatalf("%+v %v", resp, err)
		}
	}
	mt.report(b)
}

// BenchmarkColdLoadWarmCache is a new runtime loading the SIZE_BASED module (sha256 check,
// compile from a warm on-disk compilation cache, first instance, probe), as after a restart.
func BenchmarkColdLoadWarmCache(b *testing.B) {
	m := mods(b)
	dir := b.TempDir()
	warm, _ := newRuntime(b, plugin.Config{CacheDir: dir})
	load(b, warm, "sb", "1", m.sizeBased, "", plugin.Limits{})
	sum := plugintest.SHA256(m.sizeBased) // the catalog's pin: known before the load
	var mt medianTimer
	var compile []time.Duration
	cpu0 := cpuTime()
	for b.Loop() {
		mt.begin()
		rt, err := plugin.New(plugin.Config{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		info, err := rt.Load(context.Background(), plugin.Spec{Name: "sb", Version: "1", Wasm: m.sizeBased,
			SHA256: sum})
		if err != nil {
			b.Fatal(err)
		}
		mt.end()
		compile = append(compile, info.CompileTime)
		if err := rt.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	mt.report(b)
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(len(compile)), "cpu-ns/op")
	slices.Sort(compile)
	b.ReportMetric(float64(compile[len(compile)/2].Nanoseconds()), "p50-compile-ns")
}

// BenchmarkReloadCompiled is loading a new version of a module this runtime has already compiled
// (a reload, a config change, a swap back): the in-memory compilation cache, no disk.
func BenchmarkReloadCompiled(b *testing.B) {
	m := mods(b)
	rt, _ := newRuntime(b, plugin.Config{})
	load(b, rt, "sb", "0", m.sizeBased, "", plugin.Limits{})
	sum := plugintest.SHA256(m.sizeBased)
	var mt medianTimer
	i := 0
	for b.Loop() {
		i++
		mt.begin()
		if _, err := rt.Load(context.Background(), plugin.Spec{Name: "sb", Version: strconv.Itoa(i), Wasm: m.sizeBased,
			SHA256: sum}); err != nil {
			b.Fatal(err)
		}
		mt.end()
	}
	mt.report(b)
}
