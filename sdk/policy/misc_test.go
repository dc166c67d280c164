package policy

import (
	"errors"
	"math"
	"testing"
)

func TestStatus(t *testing.T) {
	if StatusOK.String() != "[OK]" || StatusOK.Err() != nil || !StatusOK.IsOK() {
		t.Errorf("OK status misbehaves: %v", StatusOK)
	}
	st := Status{Code: CodeCumulativeNoSuitableVersion, Msg: MsgInputRowsetsEmpty}
	if st.String() != "[E-2000]_input_rowsets is empty" {
		t.Errorf("got %q", st.String())
	}
	var se *StatusError
	if err := st.Err(); !errors.As(err, &se) || se.Status != st || err.Error() != st.String() {
		t.Errorf("Err() = %v", err)
	}
	if (Status{}).IsOK() {
		t.Error("the zero Status must not be OK")
	}
	for _, tc := range []struct {
		got  Status
		want string
	}{
		{StatusCumulativeLocked(7), "[E-216]The tablet is under cumulative compaction. tablet=7"},
		{StatusBaseLocked(7), "[E-216]another base compaction is running. tablet=7"},
		{StatusTabletInitFailed(), "[E-2002]_tablet init failed"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("got %q, want %q", tc.got.String(), tc.want)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"compaction_promotion_size_mbytes", c.CompactionPromotionSizeMBytes, int64(1024)},
		{"compaction_promotion_ratio", c.CompactionPromotionRatio, 0.05},
		{"compaction_promotion_min_size_mbytes", c.CompactionPromotionMinSizeMBytes, int64(128)},
		{"compaction_promotion_version_count", c.CompactionPromotionVersionCount, int64(1000)},
		{"compaction_min_size_mbytes", c.CompactionMinSizeMBytes, int64(64)},
		{"cumulative_compaction_min_deltas", c.CumulativeCompactionMinDeltas, int64(5)},
		{"cumulative_compaction_max_deltas", c.CumulativeCompactionMaxDeltas, int64(1000)},
		{"base_compaction_max_compaction_score", c.BaseCompactionMaxCompactionScore, int64(20)},
		{"mow_base_compaction_max_compaction_score", c.MowBaseCompactionMaxCompactionScore, int64(200)},
		{"pick_rowset_to_compact_interval_sec", c.PickRowsetToCompactIntervalSec, int64(86400)},
		{"compaction_keep_invisible_version_max_count", c.CompactionKeepInvisibleVersionMaxCount, int64(500)},
		{"compaction_max_rowset_count", c.CompactionMaxRowsetCount, int64(10000)},
		{"tablet_rowset_stale_sweep_time_sec", c.TabletRowsetStaleSweepTimeSec, int64(600)},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if got := c.MaxCumulativeScore(false); got != 1000 {
		t.Errorf("max score %d", got)
	}
	if got := c.MaxCumulativeScore(true); got != 100 {
		t.Errorf("max score under memory pressure %d, want max(1000/10, 5+1) = 100", got)
	}
	c.CumulativeCompactionMaxDeltas = 20
	if got := c.MaxCumulativeScore(true); got != 6 {
		t.Errorf("max score under memory pressure %d, want max(20/10, 5+1) = 6", got)
	}
	c.CumulativeCompactionMaxDeltasFactor = 0
	if got := c.MaxCumulativeScore(true); got != 20 {
		t.Errorf("zero factor must not divide: %d", got)
	}
}

func TestConfigValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"zero promotion size", func(c *Config) { c.CompactionPromotionSizeMBytes = 0 }},
		{"negative promotion min", func(c *Config) { c.CompactionPromotionMinSizeMBytes = -1 }},
		{"NaN ratio", func(c *Config) { c.CompactionPromotionRatio = math.NaN() }},
		{"negative ratio", func(c *Config) { c.CompactionPromotionRatio = -0.1 }},
		{"infinite data ratio", func(c *Config) { c.BaseCompactionMinDataRatio = math.Inf(1) }},
		{"zero max deltas", func(c *Config) { c.CumulativeCompactionMaxDeltas = 0 }},
		{"zero factor", func(c *Config) { c.CumulativeCompactionMaxDeltasFactor = 0 }},
		{"negative min deltas", func(c *Config) { c.CumulativeCompactionMinDeltas = -1 }},
		{"zero base max score", func(c *Config) { c.BaseCompactionMaxCompactionScore = 0 }},
		{"zero mow base max score", func(c *Config) { c.MowBaseCompactionMaxCompactionScore = 0 }},
		{"negative keep invisible", func(c *Config) { c.CompactionKeepInvisibleVersionMinCount = -1 }},
		{"zero max rowset count", func(c *Config) { c.CompactionMaxRowsetCount = 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("Validate() = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestScores(t *testing.T) {
	deleted := rs(3, 3, 41, 1, NonOverlapping)
	deleted.HasDeletePredicate = true
	remote := rs(2, 2, 41, 4, Overlapping)
	remote.Remote = true
	tb := Tablet{CumulativePoint: 5, Rowsets: []Rowset{rs(0, 1, 41, 3, NonOverlapping), remote, deleted,
		rs(4, 4, 41, 3, OverlapUnknown), rs(5, 5, 41, 3, Overlapping)}}
	if got := TotalScore(&tb); got != 1+4+1+3+3 {
		t.Errorf("total %d", got)
	}
	// Local rowsets starting below 5: [0-1]=1, [3-3]=1, [4-4]=3 (the remote [2-2] is skipped).
	if got := BaseScore(&tb, false); got != 5 {
		t.Errorf("base %d, want 5", got)
	}
	if got := BaseScore(&tb, true); got != 5 {
		t.Errorf("time-series base with a delete %d, want 5", got)
	}
	tb.Rowsets[2].HasDeletePredicate = false
	if got := BaseScore(&tb, true); got != 0 {
		t.Errorf("time-series base without a delete %d, want 0", got)
	}
	tb.Rowsets = tb.Rowsets[1:]
	if got := BaseScore(&tb, false); got != 0 {
		t.Errorf("no base rowset: %d, want 0", got)
	}
}
