package main

import (
	"context"
	"slices"
	"testing"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/policy"
)

func singletons(from, to, size int64) []policy.Rowset {
	var out []policy.Rowset
	for v := from; v <= to; v++ {
		out = append(out, policy.Rowset{StartVersion: v, EndVersion: v, NumSegments: 1,
			SegmentsOverlap: policy.NonOverlapping, TotalDiskSize: size, DataDiskSize: size})
	}
	return out
}

func base() policy.Rowset {
	return policy.Rowset{StartVersion: 0, EndVersion: 1, NumSegments: 1, SegmentsOverlap: policy.NonOverlapping,
		TotalDiskSize: 1024 * policy.MB}
}

type pickCase struct {
	name     string
	rowsets  []policy.Rowset
	max, min int64
	want     []policy.Version
	wantDel  policy.Version
}

func pickCases() []pickCase {
	del := singletons(2, 8, policy.MB)
	del[3].HasDeletePredicate = true
	return []pickCase{
		{"score cap", append([]policy.Rowset{base()}, singletons(2, 30, policy.MB)...), 10, 5,
			[]policy.Version{v(2, 2), v(3, 3), v(4, 4), v(5, 5), v(6, 6), v(7, 7), v(8, 8), v(9, 9), v(10, 10), v(11, 11)}, policy.NoVersion},
		{"size cap", append([]policy.Rowset{base()}, singletons(2, 30, 100*policy.MB)...), 100, 2,
			[]policy.Version{v(2, 2), v(3, 3)}, policy.NoVersion},
		{"below min", append([]policy.Rowset{base()}, singletons(2, 4, policy.MB)...), 100, 5, nil, policy.NoVersion},
		{"stops at delete", append([]policy.Rowset{base()}, del...), 100, 2,
			[]policy.Version{v(2, 2), v(3, 3), v(4, 4)}, policy.Version{Start: 5, End: 5}},
	}
}

func v(start, end int64) policy.Version { return policy.Version{Start: start, End: end} }

func versions(rs []policy.Rowset) []policy.Version {
	var out []policy.Version
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}

func checkPicks(t *testing.T, p policy.Policy) {
	t.Helper()
	cfg := policy.DefaultConfig()
	for _, c := range pickCases() {
		tb := policy.Tablet{TabletID: 1, CumulativePoint: 2, Rowsets: c.rowsets}
		cands := policy.CumulativeCandidates(&tb, &cfg, 0)
		res := p.PickInputRowsets(&tb, cands, c.max, c.min, false, 0)
		if got := versions(res.Input); !slices.Equal(got, c.want) || res.LastDeleteVersion != c.wantDel {
			t.Errorf("%s: picked %v last delete %v, want %v %v", c.name, got, res.LastDeleteVersion, c.want, c.wantDel)
		}
	}
}

func TestNative(t *testing.T) {
	cfg := policy.DefaultConfig()
	checkPicks(t, newPolicy(&cfg))
}

// TestWasmPlugin runs the same picks through the wasm build and the plugin contract.
func TestWasmPlugin(t *testing.T) {
	wasm := plugintest.Build(t, ".")
	rt := plugintest.NewRuntime(t, "")
	info := plugintest.Load(t, rt, Name, wasm, plugin.Limits{})
	if info.PolicyName != Name || info.ModuleVersion != Version {
		t.Fatalf("describe: %+v", info)
	}
	cfg := policy.DefaultConfig()
	bound := rt.Policy(Name).Bind(context.Background(), &cfg)
	checkPicks(t, bound)
	if err := bound.Err(); err != nil {
		t.Fatal(err)
	}
	var cases []plugintest.PolicyCase
	for _, c := range pickCases() {
		cases = append(cases, plugintest.PolicyCase{Name: c.name, Config: cfg, NowMs: 0, MaxScore: c.max, MinScore: c.min,
			Tablet: policy.Tablet{TabletID: 1, CumulativePoint: policy.InvalidCumulativePoint, Rowsets: c.rowsets}})
	}
	cases = append(cases, plugintest.VectorCases(policy.NameSizeBased)...)
	plugintest.PolicyContract(t, wasm, newPolicy, cases)
}
