package timeseries

import (
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/internal/policytest"
)

type refResult struct {
	input      []policy.Rowset
	lastDelete policy.Version
	score      int64
	transient  int
	rule       policy.PickRule
}

// refPick is a literal transcription of the §4.4 pick_input_rowsets pseudo-code with plain
// slices, used to cross-check the implementation.
func refPick(p *Policy, t *policy.Tablet, cands []policy.Rowset, allowDelete bool, nowMs int64) (r refResult) {
	r.lastDelete = policy.NoVersion
	if t.State == policy.TabletNotReady {
		r.rule = policy.RuleNotReady
		return r
	}
	pr := t.TimeSeries.WithDefaults()
	goal := pr.GoalSizeMBytes
	if pr.LevelThreshold >= 2 {
		goal = min(goal, 2048)
	}
	goal *= policy.MB
	nowS := nowMs / 1000
	var total int64
	first := len(cands)
	for i, rs := range cands {
		if rs.StartVersion == rs.EndVersion || rs.NumSegments == 0 {
			first = i
			break
		}
	}
	for _, rs := range cands[first:] {
		if !allowDelete && rs.HasDeletePredicate {
			r.lastDelete = rs.Version()
			if len(r.input) > 0 {
				break
			}
			r.input, r.score, r.transient, total = nil, 0, 0, 0
			continue
		}
		r.score += rs.Score()
		total += rs.TotalDiskSize
		r.transient++
		r.input = append(r.input, rs)
		if total >= goal {
			if len(r.input) == 1 && !r.input[0].IsOverlapping() {
				r.input, r.score, total = nil, 0, 0
				continue
			}
			r.rule = policy.RuleGoalSize
			return r
		} else if uint64(r.score) >= uint64(p.cfg.CompactionMaxRowsetCount) {
			r.rule = policy.RuleMaxRowsetCount
			return r
		}
	}
	if r.lastDelete.Start != -1 {
		if len(r.input) == 1 && !r.input[0].IsOverlapping() {
			r.input, r.score = nil, 0
		}
		r.rule = policy.RuleDelete
		return r
	}
	if uint64(r.score) >= uint64(pr.FileCountThreshold) {
		r.rule = policy.RuleFileCount
		return r
	}
	if len(r.input) > 0 && nowS-r.input[0].CreationTime > pr.TimeThresholdSeconds {
		r.rule = policy.RuleTime
		return r
	}
	if pr.LevelThreshold >= 2 {
		var lvl1 []policy.Rowset
		var size int64
		for _, rs := range cands {
			if rs.CompactionLevel == 0 {
				break
			}
			if rs.CompactionLevel == 1 && nowS-rs.CreationTime <= 86400 {
				continue
			}
			lvl1 = append(lvl1, rs)
			size += rs.TotalDiskSize
			if len(lvl1) >= 2 && size >= goal*10 {
				r.input, r.transient, r.rule = lvl1, len(lvl1), policy.RuleLevel1Size
				return r
			}
		}
		if len(lvl1) >= 2 && nowS-lvl1[0].CreationTime > pr.TimeThresholdSeconds*10 {
			r.input, r.transient, r.rule = lvl1, len(lvl1), policy.RuleLevel1Time
			return r
		}
	}
	r.input = refEmptyRun(cands, pr.EmptyRowsetsThreshold)
	if len(r.input) > 0 {
		r.transient, r.rule = 0, policy.RuleEmptyRowsets
		return r
	}
	r.score, r.transient, r.rule = 0, 0, policy.RuleNone
	return r
}

// refEmptyRun transcribes BaseTablet::calc_consecutive_empty_rowsets.
func refEmptyRun(cands []policy.Rowset, limit int64) []policy.Rowset {
	var out []policy.Rowset
	n := len(cands)
	for i := 0; i < n-1; i++ {
		cur, next := cands[i], cands[i+1]
		if cur.NumSegments == 0 && next.NumSegments == 0 && !cur.HasDeletePredicate && !next.HasDeletePredicate &&
			cur.EndVersion == next.StartVersion-1 {
			out = append(out, cur, next)
			cur = next
			j := i + 2
			for j < n && cands[j].NumSegments == 0 && !cands[j].HasDeletePredicate && cur.EndVersion == cands[j].StartVersion-1 {
				out = append(out, cands[j])
				cur = cands[j]
				j++
			}
			if int64(len(out)) >= limit && j < n {
				return out
			}
			i = j - 1
			out = nil
		}
	}
	return nil
}

func FuzzTimeSeriesPick(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 1, 1, 1, 1, 6, 3, 0, 20, 0, 0, 8, 3, 0, 0, 0, 9, 1, 0, 0, 0, 9, 1, 0, 0})
	f.Add([]byte("time series compaction policy fuzz seed with a longer tail of bytes to make many rowsets"))
	f.Add([]byte{0x04, 0x00, 0x02, 0x01, 0x02, 0x03, 0x01, 0x05, 0x06, 0x07, 0x04, 0x14, 0x05, 0x00, 0x00, 0x40,
		0x04, 0x05, 0x00, 0x00, 0x40, 0x04, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x40, 0xc8, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := policytest.Generate(data)
		p := New(&c.Config)
		tb := c.Tablet
		if pt := p.CalculateCumulativePoint(&tb, c.NowMs); pt != policy.InvalidCumulativePoint {
			tb.CumulativePoint = pt
		}
		score := p.CalcCumulativeScore(&tb, c.NowMs)
		if score < 0 {
			t.Fatalf("negative score %d", score)
		}

		cands := policy.CumulativeCandidates(&tb, &c.Config, c.NowMs)
		if got, want := policy.ConsecutiveEmptyRun(cands, tb.TimeSeries.WithDefaults().EmptyRowsetsThreshold),
			refEmptyRun(cands, tb.TimeSeries.WithDefaults().EmptyRowsetsThreshold); !policytest.SameRowsets(got, want) {
			t.Fatalf("empty run %d rowsets, reference %d", len(got), len(want))
		}
		res := p.PickInputRowsets(&tb, cands, c.MaxScore, c.MinScore, c.AllowDelete, c.NowMs)
		ref := refPick(p, &tb, cands, c.AllowDelete, c.NowMs)
		if !policytest.SameRowsets(res.Input, ref.input) || res.LastDeleteVersion != ref.lastDelete ||
			res.Score != ref.score || res.Transient != ref.transient || res.Rule != ref.rule {
			t.Fatalf("pick %d rowsets score %d del %v transient %d rule %v; reference %d rowsets score %d del %v transient %d rule %v",
				len(res.Input), res.Score, res.LastDeleteVersion, res.Transient, res.Rule,
				len(ref.input), ref.score, ref.lastDelete, ref.transient, ref.rule)
		}
		pos, err := policytest.Positions(cands, res.Input)
		if err != nil {
			t.Fatal(err)
		}
		level1 := res.Rule == policy.RuleLevel1Size || res.Rule == policy.RuleLevel1Time
		if !level1 && !policytest.Contiguous(pos) {
			t.Fatalf("input is not a contiguous run of the candidates: %v (rule %v)", pos, res.Rule)
		}
		quirk := level1 || res.Rule == policy.RuleEmptyRowsets
		if got := policy.SumScore(res.Input); !quirk && got != res.Score {
			t.Fatalf("score %d, inputs score %d (rule %v)", res.Score, got, res.Rule)
		}
		// The level-1 selection ignores delete predicates (a non-singleton delete rowset before
		// the first singleton is never seen by the main loop), as in Doris.
		for i := range res.Input {
			if !c.AllowDelete && !level1 && res.Input[i].HasDeletePredicate {
				t.Fatalf("delete rowset %v picked", res.Input[i].Version())
			}
		}
		if len(res.Input) > 0 && cap(res.Input) != len(res.Input) {
			t.Fatalf("input capacity %d not capped at %d", cap(res.Input), len(res.Input))
		}
		if len(res.Input) > 0 {
			out := policy.Rowset{StartVersion: res.Input[0].StartVersion, EndVersion: res.Input[len(res.Input)-1].EndVersion,
				NumSegments: 1}
			out.CompactionLevel = p.CompactionLevel(&tb, res.Input, out)
			if np := p.NewCumulativePoint(&tb, res.Input, out, res.LastDeleteVersion); np != tb.CumulativePoint && np != out.EndVersion+1 {
				t.Fatalf("new point %d is neither the old point nor output end + 1", np)
			}
		}

		dt := c.Tablet
		before := dt.CumulativePoint
		outcome := policy.PickCumulative(p, &dt, &c.Config, policy.Env{NowMs: c.NowMs})
		if before != policy.InvalidCumulativePoint && dt.CumulativePoint < before {
			t.Fatalf("driver lowered the point from %d to %d", before, dt.CumulativePoint)
		}
		if outcome.Status.IsOK() != (len(outcome.Input) > 0) {
			t.Fatalf("status %v with %d inputs", outcome.Status, len(outcome.Input))
		}
		scores := policy.ScoreTablets(p, []policy.Tablet{dt}, c.NowMs, nil)
		if len(scores) != 1 || !slices.Contains([]int64{0, scores[0].Total}, scores[0].Base) && scores[0].Base > scores[0].Total {
			t.Fatalf("scores %+v", scores)
		}
	})
}
