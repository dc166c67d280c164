package sizebased

import (
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/internal/policytest"
)

// refPick is a literal transcription of the §4.3 pick_input_rowsets pseudo-code with plain
// slices, used to cross-check the index-based implementation.
func refPick(p *Policy, t *policy.Tablet, cands []policy.Rowset, maxScore, minScore int64, allowDelete bool) (
	input []policy.Rowset, lastDelete policy.Version, score int64, transient int) {
	promo := t.CumulativePromotionSize
	maxVersion := t.MaxVersion().Start
	lastDelete = policy.NoVersion
	var total int64
	trim := func() {
		for len(input) > 1 && uint64(score) > uint64(maxScore) {
			score -= input[len(input)-1].Score()
			input = input[:len(input)-1]
		}
	}
	defer trim()
	for _, rs := range cands {
		if !allowDelete && rs.HasDeletePredicate {
			lastDelete = rs.Version()
			if len(input) > 0 {
				break
			}
			input, score, transient = nil, 0, 0
			continue
		}
		if t.State == policy.TabletNotReady && rs.EndVersion < maxVersion-10 {
			continue
		}
		score += rs.Score()
		total += rs.TotalDiskSize
		transient++
		input = append(input, rs)
	}
	if uint64(total) >= uint64(promo) {
		return
	}
	if lastDelete.Start != -1 {
		if len(input) == 1 && !input[0].IsOverlapping() {
			input, score = nil, 0
		}
		return
	}
	i, newScore := 0, score
	for i < len(input) {
		if p.Level(input[i].TotalDiskSize) <= p.Level(total-input[i].TotalDiskSize) {
			break
		}
		total -= input[i].TotalDiskSize
		newScore -= input[i].Score()
		i++
	}
	if i == len(input) && uint64(score) >= uint64(maxScore) {
		var best *policy.Rowset
		bestScore := int64(1)
		for j := range input {
			if input[j].Score() > bestScore {
				best, bestScore = &input[j], input[j].Score()
			}
		}
		if best != nil {
			input, score = []policy.Rowset{*best}, bestScore
		}
		return
	}
	input, score = input[i:], newScore
	if len(input) == 0 {
		return
	}
	if total < p.compactionMinSize && uint64(score) < uint64(minScore) {
		input, score = nil, 0
	} else if total >= p.compactionMinSize && len(input) == 1 && !input[0].IsOverlapping() {
		input, score = nil, 0
	}
	return
}

// refScore transcribes the §4.3 calc_cumulative_compaction_score pseudo-code.
func refScore(p *Policy, t *policy.Tablet) int64 {
	var cum []policy.Rowset
	var score, total int64
	var first *policy.Rowset
	baseExists := false
	for i := range t.Rowsets {
		rs := &t.Rowsets[i]
		if first == nil || rs.StartVersion < first.StartVersion {
			first = rs
		}
		baseExists = baseExists || rs.StartVersion == 0
		if rs.EndVersion >= t.CumulativePoint && !rs.Remote {
			cum = append(cum, *rs)
			score += rs.Score()
			total += rs.TotalDiskSize
		}
	}
	if first == nil {
		return 0
	}
	promo := p.Promotion(first.TotalDiskSize)
	if !baseExists && t.State == policy.TabletRunning {
		return 0
	}
	if total >= promo {
		return score
	}
	slices.SortStableFunc(cum, func(a, b policy.Rowset) int { return int(a.EndVersion - b.EndVersion) })
	for _, rs := range cum {
		if p.Level(rs.TotalDiskSize) <= p.Level(total-rs.TotalDiskSize) {
			return score
		}
		total -= rs.TotalDiskSize
		score -= rs.Score()
	}
	return score
}

func FuzzSizeBasedPick(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 1, 1, 1, 1, 1, 6, 3, 0, 20, 0, 0, 8, 3, 0, 0, 0, 9, 1, 0, 0, 0, 9, 1, 0, 0})
	f.Add([]byte("size based compaction policy fuzz seed with a longer tail of bytes to make many rowsets"))
	f.Add([]byte{0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x40, 0x80, 0x10, 0x11, 0x12, 0x13,
		0x90, 0x91, 0x92, 0x93, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xc8, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := policytest.Generate(data)
		p := New(&c.Config)
		tb := c.Tablet
		if pt := p.CalculateCumulativePoint(&tb, c.NowMs); pt != policy.InvalidCumulativePoint {
			tb.CumulativePoint = pt
		}
		want := refScore(p, &tb)
		if got := p.CalcCumulativeScore(&tb, c.NowMs); got != want {
			t.Fatalf("CalcCumulativeScore = %d, reference %d", got, want)
		}

		cands := policy.CumulativeCandidates(&tb, &c.Config, c.NowMs)
		res := p.PickInputRowsets(&tb, cands, c.MaxScore, c.MinScore, c.AllowDelete, c.NowMs)
		refIn, refDel, refScoreV, refTransient := refPick(p, &tb, cands, c.MaxScore, c.MinScore, c.AllowDelete)
		if !policytest.SameRowsets(res.Input, refIn) || res.LastDeleteVersion != refDel || res.Score != refScoreV ||
			res.Transient != refTransient {
			t.Fatalf("pick %d rowsets score %d del %v transient %d; reference %d rowsets score %d del %v transient %d",
				len(res.Input), res.Score, res.LastDeleteVersion, res.Transient, len(refIn), refScoreV, refDel, refTransient)
		}
		pos, err := policytest.Positions(cands, res.Input)
		if err != nil {
			t.Fatal(err)
		}
		if tb.State != policy.TabletNotReady && !policytest.Contiguous(pos) {
			t.Fatalf("input is not a contiguous run of the candidates: %v", pos)
		}
		if got := policy.SumScore(res.Input); got != res.Score {
			t.Fatalf("score %d, inputs score %d", res.Score, got)
		}
		if len(res.Input) > 1 && uint64(res.Score) > uint64(c.MaxScore) {
			t.Fatalf("score %d above max %d with %d inputs", res.Score, c.MaxScore, len(res.Input))
		}
		for i := range res.Input {
			if !c.AllowDelete && res.Input[i].HasDeletePredicate {
				t.Fatalf("delete rowset %v picked", res.Input[i].Version())
			}
		}
		if len(res.Input) > 0 && cap(res.Input) != len(res.Input) {
			t.Fatalf("input capacity %d not capped at %d", cap(res.Input), len(res.Input))
		}

		// The whole driver, base and full selection and the batch scoring must not panic, and
		// the driver never lowers a valid point.
		dt := c.Tablet
		before := dt.CumulativePoint
		out := policy.PickCumulative(p, &dt, &c.Config, policy.Env{NowMs: c.NowMs, MemoryPressure: len(data)%2 == 0})
		if before != policy.InvalidCumulativePoint && dt.CumulativePoint < before {
			t.Fatalf("driver lowered the point from %d to %d", before, dt.CumulativePoint)
		}
		if out.Status.IsOK() != (len(out.Input) > 0) {
			t.Fatalf("status %v with %d inputs", out.Status, len(out.Input))
		}
		policy.PickBase(&dt, &c.Config, c.NowMs)
		policy.PickFull(&dt)
		policy.ScoreTablets(p, []policy.Tablet{dt}, c.NowMs, nil)
	})
}
