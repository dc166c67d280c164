package policy

// Env is the per-call environment of the cumulative driver.
type Env struct {
	// NowMs is the current wall-clock time in unix milliseconds.
	NowMs int64
	// MemoryPressure is set when the tablet's last compaction failed with MEM_LIMIT_EXCEEDED or
	// the process uses more than 80% of its soft memory limit; it lowers the max score (§4.2).
	MemoryPressure bool
}

// CumulativeResult is the outcome of PickCumulative.
type CumulativeResult struct {
	// Status is OK when Input should be compacted; otherwise the Doris error (E-2000, E-2010).
	Status Status
	// Input are the rowsets to compact (empty unless Status is OK). They may alias t.Rowsets.
	Input []Rowset
	// Score is the compaction score of Input as the policy reported it (for the stall breaker's
	// "compact everything" branch: the sum of Score over Input).
	Score int64
	// LastDeleteVersion is the last delete version the policy met, or NoVersion; pass it to
	// Policy.NewCumulativePoint after the compaction succeeds.
	LastDeleteVersion Version
	// Transient is the value PickInputRowsets returned.
	Transient int
	// Rule is the rule that decided the policy's pick.
	Rule PickRule
	// Candidates is the candidate run the policy was given (the longest consecutive run).
	Candidates []Rowset
	// Missing lists the version breaks found among the candidates (logged by Doris).
	Missing []VersionPair
	// MaxScore and MinScore are the limits passed to the policy.
	MaxScore, MinScore int64
	// CumulativePoint is the tablet's cumulative point after the driver ran (also written to t).
	CumulativePoint int64
	// StallBreaker is set when the stall breaker (§4.7) fired: it either selected every
	// candidate (Status OK) or pushed the cumulative point.
	StallBreaker bool
}

// SetCumulativePoint is Tablet::set_cumulative_layer_point: it sets the point when the new value
// is -1, the current value is -1, or the point does not decrease. A decrease is ignored (the
// cloud behaviour; the local BE would abort on a CHECK). It reports whether the point was set.
func SetCumulativePoint(t *Tablet, point int64) bool {
	if point == InvalidCumulativePoint || t.CumulativePoint == InvalidCumulativePoint || point >= t.CumulativePoint {
		t.CumulativePoint = point
		return true
	}
	return false
}

// PickCumulative runs the local cumulative compaction selection of §4.2
// (CumulativeCompaction::prepare_compact after the init and lock checks, which belong to the
// caller, followed by pick_rowsets_to_compact):
//
//  1. the policy calculates the cumulative point when it is -1;
//  2. the candidates (§4.1) are cut to their longest consecutive run;
//  3. the policy picks the inputs with max score cfg.MaxCumulativeScore(env.MemoryPressure) and
//     min score cumulative_compaction_min_deltas;
//  4. with no input: a delete version moves the point past it (E-2010); otherwise the stall
//     breaker may select every candidate or push the point; else E-2000 "_input_rowsets is empty".
//
// It writes to t what Doris writes: CumulativePoint, the last success times (initialised to
// env.NowMs when both are 0) and whatever the policy caches (CumulativePromotionSize).
func PickCumulative(p Policy, t *Tablet, cfg *Config, env Env) CumulativeResult {
	res := pickCumulative(p, t, cfg, env)
	res.CumulativePoint = t.CumulativePoint
	return res
}

func pickCumulative(p Policy, t *Tablet, cfg *Config, env Env) CumulativeResult {
	res := CumulativeResult{LastDeleteVersion: NoVersion}
	if pt := p.CalculateCumulativePoint(t, env.NowMs); pt != InvalidCumulativePoint {
		SetCumulativePoint(t, pt)
	}

	cands := CumulativeCandidates(t, cfg, env.NowMs)
	if len(cands) == 0 {
		res.Status = Status{Code: CodeCumulativeNoSuitableVersion, Msg: MsgCandidateRowsetsEmpty}
		return res
	}
	cands, res.Missing = LongestConsecutiveRun(cands)
	res.Candidates = cands
	res.MaxScore = cfg.MaxCumulativeScore(env.MemoryPressure)
	res.MinScore = cfg.CumulativeCompactionMinDeltas

	pick := p.PickInputRowsets(t, cands, res.MaxScore, res.MinScore, cfg.EnableDeleteWhenCumuCompaction, env.NowMs)
	res.Input, res.Score, res.LastDeleteVersion = pick.Input, pick.Score, pick.LastDeleteVersion
	res.Transient, res.Rule = pick.Transient, pick.Rule
	if len(pick.Input) > 0 {
		res.Status = StatusOK
		return res
	}
	res.Input = nil

	if pick.LastDeleteVersion.Start != -1 {
		SetCumulativePoint(t, pick.LastDeleteVersion.Start+1)
		res.Status = Status{Code: CodeCumulativeMeetDeleteVersion, Msg: MsgMeetDeleteVersion}
		return res
	}

	lastCumu, lastBase := t.LastCumuSuccessMs, t.LastBaseSuccessMs
	if lastCumu != 0 || lastBase != 0 {
		threshold := cfg.PickRowsetToCompactIntervalSec * 1000
		if env.NowMs-lastCumu > threshold && env.NowMs-lastBase > threshold {
			res.StallBreaker = true
			for i := range cands {
				if cands[i].IsOverlapping() {
					res.Input, res.Score = cands, SumScore(cands)
					res.Status = StatusOK
					return res
				}
			}
			SetCumulativePoint(t, cands[len(cands)-1].StartVersion+1)
		}
	} else {
		if lastCumu == 0 {
			t.LastCumuSuccessMs = env.NowMs
		}
		if lastBase == 0 {
			t.LastBaseSuccessMs = env.NowMs
		}
	}
	res.Status = Status{Code: CodeCumulativeNoSuitableVersion, Msg: MsgInputRowsetsEmpty}
	return res
}
