package policy

import (
	"math"
	"strconv"
)

// Selection is the outcome of PickBase and PickFull.
type Selection struct {
	// Status is OK when Input should be compacted, otherwise the Doris error.
	Status Status
	// Input are the selected rowsets ordered by version (empty unless Status is OK). They may
	// alias t.Rowsets.
	Input []Rowset
	// Score is the sum of Score over Input (the permits the compaction takes).
	Score int64
}

func anyDelete(rs []Rowset) bool {
	for i := range rs {
		if rs[i].HasDeletePredicate {
			return true
		}
	}
	return false
}

// BaseMaxScore is the base-compaction score cap: mow_base_compaction_max_compaction_score for
// UNIQUE_KEYS merge-on-write tablets, base_compaction_max_compaction_score otherwise.
func BaseMaxScore(t *Tablet, cfg *Config) int64 {
	if t.IsUniqueMergeOnWrite() {
		return cfg.MowBaseCompactionMaxCompactionScore
	}
	return cfg.BaseCompactionMaxCompactionScore
}

// PickBase is BaseCompaction::pick_rowsets_to_compact of the local BE (§5), after the init and
// lock checks (the caller's): continuity, the DUP_KEYS big-file skip, the E-808 refusals, the
// score cap (which keeps the rowset that crosses it) and the three trigger rules (rowset count,
// data ratio, base age). The tablet state check (RUNNING only) is the caller's too.
func PickBase(t *Tablet, cfg *Config, nowMs int64) Selection {
	input := BaseCandidates(t, cfg, nowMs)
	if st := CheckVersionContinuity(input); !st.IsOK() {
		return Selection{Status: st}
	}
	if t.KeysType == DupKeys && !anyDelete(input) {
		maxSize := cfg.BaseCompactionDupKeyMaxFileSizeMBytes * MB
		for len(input) > 0 && input[0].TotalDiskSize >= maxSize {
			input = input[1:]
		}
	}
	if len(input) <= 1 {
		return Selection{Status: Status{Code: CodeBENoSuitableVersion, Msg: MsgBaseInputSizeIsOne}}
	}
	if !cfg.EnableDeleteWhenCumuCompaction && input[0].StartVersion > 0 && anyDelete(input) {
		return Selection{Status: Status{Code: CodeBENoSuitableVersion,
			Msg: msgBaseDeleteNotApplied + strconv.FormatInt(t.TabletID, 10)}}
	}
	if len(input) == 2 && input[0].EndVersion == 1 {
		return Selection{Status: Status{Code: CodeBENoSuitableVersion, Msg: MsgBaseNoDataFirstRowset}}
	}

	maxScore := BaseMaxScore(t, cfg)
	k, score := 0, int64(0)
	for k < len(input) {
		score += input[k].Score()
		k++
		if score > maxScore {
			break
		}
	}
	input = input[:k:k]
	ok := Selection{Status: StatusOK, Input: input, Score: score}

	if int64(len(input)) > cfg.BaseCompactionMinRowsetNum {
		return ok
	}
	baseSize := input[0].DataDiskSize
	if baseSize == 0 {
		baseSize = 1
	}
	var cumulativeSize int64
	for i := 1; i < len(input); i++ {
		cumulativeSize += input[i].DataDiskSize
	}
	ratio := float64(cumulativeSize) / float64(baseSize)
	if ratio > cfg.BaseCompactionMinDataRatio {
		return ok
	}
	interval := floorDiv(nowMs, 1000) - input[0].CreationTime
	if interval > cfg.BaseCompactionIntervalSecondsSinceLastOperation {
		return ok
	}
	msg := msgBasePolicyNotSatisfied + strconv.FormatInt(t.TabletID, 10) +
		", num_cumulative_rowsets=" + strconv.Itoa(len(input)-1) +
		", cumulative_base_ratio=" + FormatDouble(ratio) +
		", interval_since_last_base_compaction=" + strconv.FormatInt(interval, 10)
	return Selection{Status: Status{Code: CodeBENoSuitableVersion, Msg: msg}}
}

// PickFull is FullCompaction::pick_rowsets_to_compact (§5): every local rowset, which must be
// continuous (INTERNAL_ERROR), start at version 0 and end at the tablet's max version (E-2009),
// and be more than one rowset and not just [0-1] plus one (E-2008).
func PickFull(t *Tablet) Selection {
	input := FullCandidates(t)
	if st := CheckVersionContinuity(input); !st.IsOK() {
		return Selection{Status: st}
	}
	if len(input) == 0 {
		return Selection{Status: Status{Code: CodeFullMissVersion, Msg: MsgFullNoInputRowset}}
	}
	first, last, maxV := input[0].Version(), input[len(input)-1].Version(), t.MaxVersion()
	if last != maxV || first.Start != 0 {
		msg := "Full compaction rowsets' versions not equal to all exist rowsets' versions. " +
			"full compaction rowsets max version=" + dashed(last) +
			", current rowsets max version=" + dashed(maxV) +
			", full compaction rowsets min version=" + dashed(first) +
			", current rowsets min version=0-1"
		return Selection{Status: Status{Code: CodeFullMissVersion, Msg: msg}}
	}
	if len(input) <= 1 || (len(input) == 2 && input[0].EndVersion == 1) {
		return Selection{Status: Status{Code: CodeFullNoSuitableVersion, Msg: MsgFullNoSuitableVersion}}
	}
	return Selection{Status: StatusOK, Input: input, Score: SumScore(input)}
}

// FullCompactionPoint is the cumulative point after a full compaction of input into output:
// full compaction calls update_cumulative_point with the last input version as the delete
// version, so SIZE_BASED always moves the point to output.end+1.
func FullCompactionPoint(p Policy, t *Tablet, input []Rowset, output Rowset) int64 {
	last := NoVersion
	if len(input) > 0 {
		last = input[len(input)-1].Version()
	}
	return p.NewCumulativePoint(t, input, output, last)
}

func dashed(v Version) string {
	return strconv.FormatInt(v.Start, 10) + "-" + strconv.FormatInt(v.End, 10)
}

// floorDiv divides rounding toward negative infinity (time(NULL) from unix milliseconds).
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// FormatDouble formats f as {fmt}'s "{}" does (the shortest representation that round-trips;
// fixed notation for decimal exponents in [-4, 16), otherwise exponent notation with at least two
// exponent digits; "nan", "inf"), so that messages match Doris byte for byte.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	// e looks like "-1.2345e+06": find the decimal exponent.
	exp := 0
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == 'e' {
			exp, _ = strconv.Atoi(e[i+1:])
			break
		}
	}
	if exp < -4 || exp >= 16 {
		return e
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
