package plugintest

import (
	"context"
	"fmt"
	"testing"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/vectors"
)

// RunVectors loads the policy module wasm and runs every test vector of spec §7 for policyName
// through it (vectors.Check against the plugin-backed policy).
func RunVectors(t *testing.T, wasm []byte, policyName string) {
	t.Helper()
	rt := NewRuntime(t, "")
	Load(t, rt, policyName, wasm, plugin.Limits{})
	vs := vectors.For(policyName)
	if len(vs) == 0 {
		t.Fatalf("no vectors for %q", policyName)
	}
	for i := range vs {
		v := &vs[i]
		t.Run(v.ID, func(t *testing.T) {
			bound := rt.Policy(policyName).Bind(context.Background(), &v.Config)
			if err := vectors.Check(bound, v); err != nil {
				t.Error(err)
			}
			if err := bound.Err(); err != nil {
				t.Fatalf("plugin call failed: %v", err)
			}
		})
	}
}

// VectorCases turns the spec vectors of policyName into contract cases, plus a 100-rowset tablet.
func VectorCases(policyName string) []PolicyCase {
	var out []PolicyCase
	for _, v := range vectors.For(policyName) {
		out = append(out, PolicyCase{Name: v.ID, Config: v.Config, Tablet: v.Tablet, NowMs: vectors.NowMs,
			MaxScore: v.MaxScore, MinScore: v.MinScore, AllowDelete: v.AllowDelete})
	}
	cfg := policy.DefaultConfig()
	out = append(out, PolicyCase{Name: "100 rowsets", Config: cfg, Tablet: Tablet100(vectors.NowMs),
		NowMs: vectors.NowMs, MaxScore: cfg.CumulativeCompactionMaxDeltas, MinScore: cfg.CumulativeCompactionMinDeltas})
	return out
}

// Tablet100 is a tablet with a 1 GiB base rowset and 99 load rowsets of mixed sizes and overlap,
// the benchmark shape of issue 4 ("a policy call on a 100-rowset tablet").
func Tablet100(nowMs int64) policy.Tablet {
	t := policy.Tablet{TabletID: 42, CumulativePoint: policy.InvalidCumulativePoint,
		TimeSeries: policy.DefaultTimeSeriesProperties()}
	t.Rowsets = append(t.Rowsets, policy.Rowset{StartVersion: 0, EndVersion: 1, NumSegments: 4,
		SegmentsOverlap: policy.NonOverlapping, TotalDiskSize: 1024 * policy.MB, DataDiskSize: 1000 * policy.MB,
		NumRows: 50_000_000, CreationTime: nowMs/1000 - 86400, RowsetID: rowsetID(1)})
	for v := int64(2); v <= 100; v++ {
		ov := policy.NonOverlapping
		segs := int64(1)
		if v%3 == 0 {
			ov, segs = policy.Overlapping, 2
		}
		t.Rowsets = append(t.Rowsets, policy.Rowset{StartVersion: v, EndVersion: v, NumSegments: segs,
			SegmentsOverlap: ov, TotalDiskSize: (v%7 + 1) * policy.MB, DataDiskSize: (v%7 + 1) * policy.MB,
			NumRows: 10_000 * v, CreationTime: nowMs/1000 - 100 + v, RowsetID: rowsetID(v)})
	}
	return t
}

func rowsetID(v int64) string { return fmt.Sprintf("0200000000000%03d%032x", v, v*7919) }
