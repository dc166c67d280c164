// Package vectors holds the compaction-policy test vectors of spec doris-compaction.md §7.1
// (SIZE_BASED, S-1..S-20) and §7.2 (TIME_SERIES, T-1..T-5 plus vectors derived from §4.4) as data,
// with a checker that runs one against any policy.Policy. The same vectors run against the native
// policies (this package's tests) and through the wasm plugins (plugins/*, host/plugin), so the
// plugins are shown to execute exactly the native algorithms.
package vectors

import (
	"errors"
	"fmt"
	"slices"

	"github.com/metahost/metahost/sdk/policy"
)

// NowMs is the clock of every vector.
const NowMs = int64(1_700_000_000_000)

// Vector is one test vector: a tablet, the pick arguments and the expected results. Fields
// documented "-1: not asserted" (or nil) are skipped.
type Vector struct {
	// ID is the spec's id, e.g. "S-3 big base".
	ID string
	// Policy is policy.NameSizeBased or policy.NameTimeSeries.
	Policy string
	// Config is the BE config the policy is built with.
	Config policy.Config
	// Tablet is the input tablet (CumulativePoint -1 means "calculated by the policy").
	Tablet      policy.Tablet
	MaxScore    int64
	MinScore    int64
	AllowDelete bool

	// WantPoint is the cumulative point after CalculateCumulativePoint.
	WantPoint int64
	// WantCands is the number of cumulative candidates (-1: not asserted).
	WantCands int
	// WantPolicyScore is CalcCumulativeScore (-1: not asserted).
	WantPolicyScore int64
	// WantTotal is the tablet's total score (-1: not asserted).
	WantTotal int64
	// WantPromotion is the cached promotion size (0: not asserted).
	WantPromotion int64
	// WantN and WantScore are the number of picked rowsets and the pick score.
	WantN     int
	WantScore int64
	// WantFirst and WantLastEnd are the first input's start and the last input's end (-1: not asserted).
	WantFirst   int64
	WantLastEnd int64
	// WantInput lists the picked versions (nil: not asserted).
	WantInput []policy.Version
	// WantLastDelete is the last delete version (nil: not asserted).
	WantLastDelete *policy.Version
	// WantRule is the deciding rule (nil: not asserted).
	WantRule *policy.PickRule
	// WantTransient is PickResult.Transient (-1: not asserted).
	WantTransient int
	// SumScore asserts that the pick score is the sum of the inputs' scores (not true for the
	// TIME_SERIES quirks C4-C6).
	SumScore bool
	// Output, when set (EndVersion > 0), is merged from the input: the checker asserts
	// CompactionLevel == WantOutputLevel and NewCumulativePoint == WantNewPoint.
	Output          policy.Rowset
	WantOutputLevel int64
	WantNewPoint    int64
}

// All returns every vector, SIZE_BASED first.
func All() []Vector {
	var out []Vector
	for _, v := range sVectors() {
		out = append(out, v.vector())
	}
	return append(out, tVectors()...)
}

// For returns the vectors of one policy.
func For(policyName string) []Vector {
	var out []Vector
	for _, v := range All() {
		if v.Policy == policyName {
			out = append(out, v)
		}
	}
	return out
}

func (v sVector) vector() Vector {
	ld := v.wantLastDelete
	return Vector{
		ID: v.id, Policy: policy.NameSizeBased, Config: sFixtureConfig(),
		Tablet:   policy.Tablet{TabletID: 10001, CumulativePoint: policy.InvalidCumulativePoint, Rowsets: v.rowsets},
		MaxScore: v.max, MinScore: v.min, AllowDelete: v.allowDelete,
		WantPoint: v.wantPoint, WantCands: v.wantCands, WantPolicyScore: v.wantPolicy, WantTotal: v.wantTotal,
		WantPromotion: v.wantPromotion, WantN: v.wantN, WantScore: v.wantScore, WantFirst: v.wantFirst,
		WantLastEnd: v.wantLastEnd, WantLastDelete: &ld, WantTransient: -1, SumScore: true,
	}
}

// Check runs v against p (built by the caller from v.Config) and returns every mismatch.
func Check(p policy.Policy, v *Vector) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.Name() != v.Policy {
		fail("policy name %q, want %q", p.Name(), v.Policy)
	}
	cfg := v.Config
	tb := v.Tablet
	tb.Rowsets = slices.Clone(v.Tablet.Rowsets)

	if pt := p.CalculateCumulativePoint(&tb, NowMs); pt != policy.InvalidCumulativePoint {
		tb.CumulativePoint = pt
	}
	if tb.CumulativePoint != v.WantPoint {
		fail("point = %d, want %d", tb.CumulativePoint, v.WantPoint)
		return errors.Join(errs...)
	}
	if v.WantTotal >= 0 {
		if got := policy.TotalScore(&tb); got != v.WantTotal {
			fail("tablet total score = %d, want %d", got, v.WantTotal)
		}
	}
	if v.WantPolicyScore >= 0 {
		if got := p.CalcCumulativeScore(&tb, NowMs); got != v.WantPolicyScore {
			fail("policy score = %d, want %d", got, v.WantPolicyScore)
		}
	}
	if v.WantPromotion != 0 && tb.CumulativePromotionSize != v.WantPromotion {
		fail("promotion = %d, want %d", tb.CumulativePromotionSize, v.WantPromotion)
	}
	cands := policy.CumulativeCandidates(&tb, &cfg, NowMs)
	if v.WantCands >= 0 && len(cands) != v.WantCands {
		fail("candidates = %d, want %d", len(cands), v.WantCands)
		return errors.Join(errs...)
	}
	res := p.PickInputRowsets(&tb, cands, v.MaxScore, v.MinScore, v.AllowDelete, NowMs)
	if len(res.Input) != v.WantN || res.Score != v.WantScore {
		fail("picked %d rowsets score %d, want %d score %d (rule %v)", len(res.Input), res.Score, v.WantN, v.WantScore, res.Rule)
	}
	if v.WantLastDelete != nil && res.LastDeleteVersion != *v.WantLastDelete {
		fail("last delete = %v, want %v", res.LastDeleteVersion, *v.WantLastDelete)
	}
	if v.WantFirst >= 0 && (len(res.Input) == 0 || res.Input[0].StartVersion != v.WantFirst) {
		fail("first input start wrong: %v", versions(res.Input))
	}
	if v.WantLastEnd >= 0 && (len(res.Input) == 0 || res.Input[len(res.Input)-1].EndVersion != v.WantLastEnd) {
		fail("last input end wrong: %v", versions(res.Input))
	}
	if v.WantInput != nil && !slices.Equal(versions(res.Input), v.WantInput) {
		fail("input = %v, want %v", versions(res.Input), v.WantInput)
	}
	if v.WantRule != nil && res.Rule != *v.WantRule {
		fail("rule = %v, want %v", res.Rule, *v.WantRule)
	}
	if v.WantTransient >= 0 && res.Transient != v.WantTransient {
		fail("transient = %d, want %d", res.Transient, v.WantTransient)
	}
	if v.SumScore {
		if got := policy.SumScore(res.Input); got != res.Score {
			fail("score %d differs from the inputs' score %d", res.Score, got)
		}
	}
	if v.Output.EndVersion > 0 {
		out := v.Output
		out.CompactionLevel = p.CompactionLevel(&tb, res.Input, out)
		if out.CompactionLevel != v.WantOutputLevel {
			fail("output level = %d, want %d", out.CompactionLevel, v.WantOutputLevel)
		}
		if got := p.NewCumulativePoint(&tb, res.Input, out, res.LastDeleteVersion); got != v.WantNewPoint {
			fail("new point = %d, want %d", got, v.WantNewPoint)
		}
	}
	return errors.Join(errs...)
}

func versions(rs []policy.Rowset) []policy.Version {
	out := make([]policy.Version, 0, len(rs))
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}

func vs(pairs ...int64) []policy.Version {
	out := []policy.Version{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, policy.Version{Start: pairs[i], End: pairs[i+1]})
	}
	return out
}

func rule(r policy.PickRule) *policy.PickRule { return &r }
