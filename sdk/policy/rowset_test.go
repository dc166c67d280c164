package policy

import (
	"slices"
	"testing"
)

func TestScoreAndOverlapping(t *testing.T) {
	tests := []struct {
		name        string
		r           Rowset
		overlapping bool
		score       int64
	}{
		{"unknown overlap counts as overlapping", rs(4, 4, 41, 3, OverlapUnknown), true, 3},
		{"overlapping singleton", rs(4, 4, 41, 5, Overlapping), true, 5},
		{"nonoverlapping singleton", rs(4, 4, 41, 5, NonOverlapping), false, 1},
		{"not a singleton", rs(4, 5, 41, 5, Overlapping), false, 1},
		{"one segment overlapping scores 1", rs(4, 4, 41, 1, Overlapping), false, 1},
		{"empty rowset scores 1", rs(4, 4, 0, 0, OverlapUnknown), false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.IsOverlapping(); got != tc.overlapping {
				t.Errorf("IsOverlapping = %v, want %v", got, tc.overlapping)
			}
			if got := tc.r.Score(); got != tc.score {
				t.Errorf("Score = %d, want %d", got, tc.score)
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	if got := (Version{0, 17444}).String(); got != "[0-17444]" {
		t.Errorf("got %q", got)
	}
	if got := NoVersion.String(); got != "[-1--1]" {
		t.Errorf("got %q", got)
	}
}

func TestEnumStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{OverlapUnknown.String(), "OVERLAP_UNKNOWN"},
		{Overlapping.String(), "OVERLAPPING"},
		{NonOverlapping.String(), "NONOVERLAPPING"},
		{SegmentsOverlap(9).String(), "SegmentsOverlap(9)"},
		{DupKeys.String(), "DUP_KEYS"},
		{UniqueKeys.String(), "UNIQUE_KEYS"},
		{AggKeys.String(), "AGG_KEYS"},
		{KeysType(7).String(), "KeysType(7)"},
		{TabletRunning.String(), "TABLET_RUNNING"},
		{TabletNotReady.String(), "TABLET_NOTREADY"},
		{TabletShutdown.String(), "TABLET_SHUTDOWN"},
		{TabletState(9).String(), "TabletState(9)"},
		{RuleEmptyRowsets.String(), "empty_rowsets"},
		{PickRule(200).String(), "PickRule(200)"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestOrderedByEnd(t *testing.T) {
	sorted := singletons(2, 5, 1)
	if got := OrderedByEnd(sorted); &got[0] != &sorted[0] {
		t.Error("an ordered slice must be returned without copying")
	}
	unsorted := []Rowset{rs(4, 4, 1, 1, NonOverlapping), rs(0, 1, 1, 1, NonOverlapping), rs(2, 3, 1, 1, NonOverlapping)}
	got := OrderedByEnd(unsorted)
	want := []Version{{0, 1}, {2, 3}, {4, 4}}
	if !slices.Equal(versions(got), want) {
		t.Errorf("got %v, want %v", versions(got), want)
	}
	if unsorted[0].StartVersion != 4 {
		t.Error("the input must not be modified")
	}
	byStart := OrderedByStart(unsorted)
	if !slices.Equal(versions(byStart), want) {
		t.Errorf("OrderedByStart got %v", versions(byStart))
	}
}

func TestMaxVersion(t *testing.T) {
	tb := Tablet{}
	if got := tb.MaxVersion(); got != (Version{-1, 0}) {
		t.Errorf("empty: got %v", got)
	}
	tb.Rowsets = []Rowset{rs(0, 5, 1, 1, NonOverlapping), rs(8, 9, 1, 1, NonOverlapping), rs(6, 7, 1, 1, NonOverlapping)}
	if got := tb.MaxVersion(); got != (Version{8, 9}) {
		t.Errorf("got %v", got)
	}
}

func TestTimeSeriesDefaults(t *testing.T) {
	got := TimeSeriesProperties{GoalSizeMBytes: 100, LevelThreshold: 2}.WithDefaults()
	want := TimeSeriesProperties{GoalSizeMBytes: 100, FileCountThreshold: 2000, TimeThresholdSeconds: 3600,
		EmptyRowsetsThreshold: 5, LevelThreshold: 2}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if DefaultTimeSeriesProperties() != (TimeSeriesProperties{}).WithDefaults() {
		t.Error("defaults disagree")
	}
}
