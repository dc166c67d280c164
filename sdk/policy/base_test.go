package policy

import (
	"math"
	"slices"
	"testing"
)

const testNowMs = int64(1_700_000_000_000)
const testNowS = testNowMs / 1000

// B-1 (base_compaction_test.cpp): point 25; [0-1] 1 segment 0 B and singletons [2..29] of 1 KiB.
// The score cap 20 stops after the 21st rowset (score 21 > 20): input [0-1] … [21-21], OK since 21 > 5.
func TestPickBaseB1(t *testing.T) {
	cfg := DefaultConfig()
	rowsets := append([]Rowset{rs(0, 1, 0, 1, NonOverlapping)}, singletons(2, 29, 1024)...)
	tb := Tablet{TabletID: 15007, KeysType: DupKeys, CumulativePoint: 25, Rowsets: rowsets}
	sel := PickBase(&tb, &cfg, testNowMs)
	if !sel.Status.IsOK() {
		t.Fatalf("status %v", sel.Status)
	}
	if len(sel.Input) != 21 || sel.Input[0].Version() != (Version{0, 1}) || sel.Input[20].Version() != (Version{21, 21}) {
		t.Errorf("input %v", versions(sel.Input))
	}
	if sel.Score != 21 {
		t.Errorf("score %d, want 21", sel.Score)
	}
}

func TestPickBase(t *testing.T) {
	withCtime := func(r Rowset, ctime int64) Rowset { r.CreationTime = ctime; return r }
	remote := func(r Rowset) Rowset { r.Remote = true; return r }
	deleted := func(r Rowset) Rowset { r.HasDeletePredicate = true; return r }
	fresh := testNowS

	tests := []struct {
		name      string
		keys      KeysType
		mow       bool
		allowDel  bool
		point     int64
		rowsets   []Rowset
		wantCode  Code
		wantMsg   string
		wantInput []Version
	}{
		{
			name: "one rowset", point: 2,
			rowsets:  []Rowset{rs(0, 1, 10, 1, NonOverlapping), rs(2, 2, 10, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion, wantMsg: "_input_rowsets.size() is 1",
		},
		{
			name: "no candidates with an invalid point", point: -1,
			rowsets:  []Rowset{rs(0, 1, 10, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion, wantMsg: "_input_rowsets.size() is 1",
		},
		{
			name: "gap", point: 4,
			rowsets:  []Rowset{rs(0, 1, 10, 1, NonOverlapping), rs(3, 3, 10, 1, NonOverlapping)},
			wantCode: CodeInternalError, wantMsg: "versions are not continuity: prev=[0-1] cur=[3-3]",
		},
		{
			name: "delete predicate without the base", point: 5,
			rowsets: []Rowset{remote(rs(0, 1, 10, 1, NonOverlapping)), rs(2, 2, 10, 1, NonOverlapping),
				deleted(rs(3, 3, 10, 1, NonOverlapping)), rs(4, 4, 10, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion,
			wantMsg:  "Some rowsets cannot apply delete predicates in base compaction. tablet_id=15007",
		},
		{
			name: "delete predicate without the base, deletes allowed", point: 5, allowDel: true,
			rowsets: []Rowset{remote(rs(0, 1, 10, 1, NonOverlapping)), rs(2, 2, 10, 1, NonOverlapping),
				deleted(rs(3, 3, 10, 1, NonOverlapping)), rs(4, 4, 10, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{2, 2}, {3, 3}, {4, 4}},
		},
		{
			name: "[0-1] plus one", point: 6,
			rowsets:  []Rowset{rs(0, 1, 0, 1, NonOverlapping), rs(2, 5, 10, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion, wantMsg: MsgBaseNoDataFirstRowset,
		},
		{
			name: "policy not satisfied", point: 4,
			rowsets: []Rowset{withCtime(rs(0, 1, 1000, 1, NonOverlapping), fresh),
				rs(2, 2, 10, 1, NonOverlapping), rs(3, 3, 10, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion,
			wantMsg: "don't satisfy the base compaction policy. tablet=15007, num_cumulative_rowsets=2, " +
				"cumulative_base_ratio=0.02, interval_since_last_base_compaction=0",
		},
		{
			name: "ratio above 0.3", point: 4,
			rowsets: []Rowset{withCtime(rs(0, 1, 1000, 1, NonOverlapping), fresh),
				rs(2, 2, 10, 1, NonOverlapping), rs(3, 3, 301, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{0, 1}, {2, 2}, {3, 3}},
		},
		{
			name: "ratio exactly 0.3 is not enough", point: 4,
			rowsets: []Rowset{withCtime(rs(0, 1, 1000, 1, NonOverlapping), fresh),
				rs(2, 2, 100, 1, NonOverlapping), rs(3, 3, 200, 1, NonOverlapping)},
			wantCode: CodeBENoSuitableVersion,
			wantMsg: "don't satisfy the base compaction policy. tablet=15007, num_cumulative_rowsets=2, " +
				"cumulative_base_ratio=0.3, interval_since_last_base_compaction=0",
		},
		{
			name: "old base", point: 4,
			rowsets: []Rowset{withCtime(rs(0, 1, 1000, 1, NonOverlapping), fresh-86401),
				rs(2, 2, 10, 1, NonOverlapping), rs(3, 3, 10, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{0, 1}, {2, 2}, {3, 3}},
		},
		{
			name: "DUP skips leading big rowsets", keys: DupKeys, point: 6,
			rowsets: []Rowset{rs(0, 1, 2048*MB, 1, NonOverlapping), rs(2, 3, 1024*MB, 1, NonOverlapping),
				rs(4, 4, 1024, 1, NonOverlapping), rs(5, 5, 1024, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{4, 4}, {5, 5}},
		},
		{
			name: "UNIQUE does not skip big rowsets", keys: UniqueKeys, point: 6,
			rowsets: []Rowset{withCtime(rs(0, 1, 2048*MB, 1, NonOverlapping), fresh), rs(2, 3, 1024*MB, 1, NonOverlapping),
				rs(4, 4, 1024, 1, NonOverlapping), rs(5, 5, 1024, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{0, 1}, {2, 3}, {4, 4}, {5, 5}},
		},
		{
			name: "DUP with a delete does not skip", keys: DupKeys, point: 4,
			rowsets: []Rowset{withCtime(rs(0, 1, 2048*MB, 1, NonOverlapping), fresh-86401),
				deleted(rs(2, 2, 10, 1, NonOverlapping)), rs(3, 3, 10, 1, NonOverlapping)},
			wantCode: CodeOK, wantInput: []Version{{0, 1}, {2, 2}, {3, 3}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.EnableDeleteWhenCumuCompaction = tc.allowDel
			tb := Tablet{TabletID: 15007, KeysType: tc.keys, MergeOnWrite: tc.mow, CumulativePoint: tc.point, Rowsets: tc.rowsets}
			sel := PickBase(&tb, &cfg, testNowMs)
			if sel.Status.Code != tc.wantCode {
				t.Fatalf("status %v, want code %s", sel.Status, tc.wantCode)
			}
			if tc.wantMsg != "" && sel.Status.Msg != tc.wantMsg {
				t.Errorf("msg %q\nwant %q", sel.Status.Msg, tc.wantMsg)
			}
			if !slices.Equal(versions(sel.Input), tc.wantInput) && !(len(sel.Input) == 0 && tc.wantInput == nil) {
				t.Errorf("input %v, want %v", versions(sel.Input), tc.wantInput)
			}
		})
	}
}

func TestPickBaseMergeOnWriteCap(t *testing.T) {
	cfg := DefaultConfig()
	rowsets := append([]Rowset{rs(0, 1, 0, 1, NonOverlapping)}, singletons(2, 300, 1024)...)
	for _, tc := range []struct {
		keys KeysType
		mow  bool
		want int
	}{{UniqueKeys, true, 201}, {UniqueKeys, false, 21}, {DupKeys, true, 21}} {
		tb := Tablet{KeysType: tc.keys, MergeOnWrite: tc.mow, CumulativePoint: 301, Rowsets: rowsets}
		sel := PickBase(&tb, &cfg, testNowMs)
		if !sel.Status.IsOK() || len(sel.Input) != tc.want {
			t.Errorf("%v mow=%v: %v with %d inputs, want %d", tc.keys, tc.mow, sel.Status, len(sel.Input), tc.want)
		}
	}
}

func TestPickFull(t *testing.T) {
	remote := func(r Rowset) Rowset { r.Remote = true; return r }
	tests := []struct {
		name     string
		rowsets  []Rowset
		wantCode Code
		wantMsg  string
		wantN    int
	}{
		{"ok", []Rowset{rs(0, 1, 1, 1, NonOverlapping), rs(2, 2, 1, 1, NonOverlapping), rs(3, 3, 1, 1, NonOverlapping)}, CodeOK, "", 3},
		{"[0-1] plus one", []Rowset{rs(0, 1, 1, 1, NonOverlapping), rs(2, 5, 1, 1, NonOverlapping)},
			CodeFullNoSuitableVersion, "There is no suitable version", 0},
		{"single rowset", []Rowset{rs(0, 5, 1, 1, NonOverlapping)}, CodeFullNoSuitableVersion, "There is no suitable version", 0},
		{"no rowset", nil, CodeFullMissVersion, "There is no input rowset when do full compaction", 0},
		{"no base", []Rowset{rs(2, 3, 1, 1, NonOverlapping), rs(4, 4, 1, 1, NonOverlapping)}, CodeFullMissVersion,
			"Full compaction rowsets' versions not equal to all exist rowsets' versions. full compaction rowsets max version=4-4, " +
				"current rowsets max version=4-4, full compaction rowsets min version=2-3, current rowsets min version=0-1", 0},
		{"remote max version", []Rowset{rs(0, 1, 1, 1, NonOverlapping), rs(2, 2, 1, 1, NonOverlapping), remote(rs(3, 3, 1, 1, NonOverlapping))},
			CodeFullMissVersion,
			"Full compaction rowsets' versions not equal to all exist rowsets' versions. full compaction rowsets max version=2-2, " +
				"current rowsets max version=3-3, full compaction rowsets min version=0-1, current rowsets min version=0-1", 0},
		{"gap", []Rowset{rs(0, 1, 1, 1, NonOverlapping), rs(3, 3, 1, 1, NonOverlapping)}, CodeInternalError,
			"versions are not continuity: prev=[0-1] cur=[3-3]", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := Tablet{Rowsets: tc.rowsets}
			sel := PickFull(&tb)
			if sel.Status.Code != tc.wantCode || (tc.wantMsg != "" && sel.Status.Msg != tc.wantMsg) {
				t.Errorf("status %v\nwant [%s]%s", sel.Status, tc.wantCode, tc.wantMsg)
			}
			if len(sel.Input) != tc.wantN {
				t.Errorf("input %v, want %d rowsets", versions(sel.Input), tc.wantN)
			}
		})
	}
}

func TestFormatDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1, "1"},
		{0.02, "0.02"},
		{0.3, "0.3"},
		{0.30000000000000004, "0.30000000000000004"},
		{2.5, "2.5"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1e15, "1000000000000000"},
		{1e16, "1e+16"},
		{123456789012345.6, "123456789012345.6"},
		{1.5e300, "1.5e+300"},
		{-0.125, "-0.125"},
		{math.NaN(), "nan"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
	}
	for _, tc := range tests {
		if got := FormatDouble(tc.f); got != tc.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestFloorDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{{1999, 1000, 1}, {-1, 1000, -1}, {-1000, 1000, -1}, {-1001, 1000, -2}, {0, 1000, 0}} {
		if got := floorDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
