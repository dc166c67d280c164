package policy

import "strconv"

// Policy names as CumulativeCompactionPolicy::name() returns them (lowercase, as the show JSON prints them).
const (
	NameSizeBased  = "size_based"
	NameTimeSeries = "time_series"
)

// Policy is a cumulative compaction policy, mirroring Doris' CumulativeCompactionPolicy (§9).
//
// Implementations must be deterministic and must not keep mutable state: one value serves every
// tablet. All times are unix milliseconds. Methods may write the tablet fields that Doris'
// policies write (SIZE_BASED caches t.CumulativePromotionSize); they never write t.Rowsets.
type Policy interface {
	// Name returns the policy name, e.g. "size_based".
	Name() string
	// CalculateCumulativePoint computes the initial cumulative point from t.Rowsets. It returns
	// InvalidCumulativePoint (no change) when t.CumulativePoint is already set or nothing applies.
	CalculateCumulativePoint(t *Tablet, nowMs int64) int64
	// CalcCumulativeScore is calc_cumulative_compaction_score: > 0 means the tablet is suitable
	// for cumulative compaction.
	CalcCumulativeScore(t *Tablet, nowMs int64) int64
	// PickInputRowsets selects the input rowsets among cands (the candidate run, ordered by end
	// version) given the max and min score and whether delete rowsets may be inputs.
	PickInputRowsets(t *Tablet, cands []Rowset, maxScore, minScore int64, allowDelete bool, nowMs int64) PickResult
	// NewCumulativePoint returns the cumulative point after a successful compaction of input
	// into output (update_cumulative_point, returned as a value as the cloud policies do). It
	// returns t.CumulativePoint when the point does not move.
	NewCumulativePoint(t *Tablet, input []Rowset, output Rowset, lastDelete Version) int64
	// CompactionLevel returns the compaction level of the output rowset (get_compaction_level).
	CompactionLevel(t *Tablet, input []Rowset, output Rowset) int64
}

// PickRule names the rule that decided a pick, for logging and tests. It is not part of the
// Doris interface.
type PickRule uint8

// PickRule values.
const (
	// RuleNone: nothing suitable; the input is empty.
	RuleNone PickRule = iota
	// RuleNotReady: the tablet is under schema change (TIME_SERIES picks nothing).
	RuleNotReady
	// RuleDelete: a delete rowset ended (or emptied) the input.
	RuleDelete
	// RulePromotion: SIZE_BASED, the inputs reach the promotion size.
	RulePromotion
	// RuleLevel: SIZE_BASED, rowsets of the same level passed the min checks.
	RuleLevel
	// RuleFallback: SIZE_BASED, nothing is at the same level but the score reaches the max.
	RuleFallback
	// RuleGoalSize: TIME_SERIES C1, the inputs reach the goal size.
	RuleGoalSize
	// RuleMaxRowsetCount: TIME_SERIES, the score reaches compaction_max_rowset_count.
	RuleMaxRowsetCount
	// RuleFileCount: TIME_SERIES C2, the score reaches the file count threshold.
	RuleFileCount
	// RuleTime: TIME_SERIES C3, the first input is older than the time threshold.
	RuleTime
	// RuleLevel1Size: TIME_SERIES C4, level-1 rowsets reach 10 × goal size (score not updated).
	RuleLevel1Size
	// RuleLevel1Time: TIME_SERIES C5, level-1 rowsets are older than 10 × time threshold (score not updated).
	RuleLevel1Time
	// RuleEmptyRowsets: TIME_SERIES C6, consecutive empty rowsets (score not updated, transient 0).
	RuleEmptyRowsets
)

var pickRuleNames = [...]string{
	RuleNone: "none", RuleNotReady: "not_ready", RuleDelete: "delete", RulePromotion: "promotion",
	RuleLevel: "level", RuleFallback: "fallback", RuleGoalSize: "goal_size",
	RuleMaxRowsetCount: "max_rowset_count", RuleFileCount: "file_count", RuleTime: "time",
	RuleLevel1Size: "level1_size", RuleLevel1Time: "level1_time", RuleEmptyRowsets: "empty_rowsets",
}

// String returns a short lowercase name of the rule.
func (r PickRule) String() string {
	if int(r) < len(pickRuleNames) {
		return pickRuleNames[r]
	}
	return "PickRule(" + strconv.Itoa(int(r)) + ")"
}

// PickResult is the outcome of Policy.PickInputRowsets.
type PickResult struct {
	// Input are the selected rowsets in version order. They alias the candidates whenever they
	// are adjacent there (capacity-capped); empty means nothing to compact.
	Input []Rowset
	// LastDeleteVersion is the version of the last delete rowset met, or NoVersion.
	LastDeleteVersion Version
	// Score is the compaction score Doris reports (normally the sum of Score over Input; see the
	// TIME_SERIES rules C4-C6 for the exceptions).
	Score int64
	// Transient is the int the Doris function returns (rowsets accumulated before trimming).
	Transient int
	// Rule tells which rule decided the result.
	Rule PickRule
}
