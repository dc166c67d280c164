package policy

import (
	"errors"
	"math"
	"strconv"
)

// MB is one mebibyte, the unit of every *_mbytes setting.
const MB int64 = 1024 * 1024

// Config holds the BE configuration items of spec §3, named after the Doris keys (shown in each
// comment) with their BE defaults in DefaultConfig. Only some of them are read by this package
// and its policies; the rest are carried so that one struct describes the whole compaction
// configuration of a metahost BE.
type Config struct {
	// CompactionPromotionSizeMBytes is compaction_promotion_size_mbytes (1024): upper clamp of the
	// SIZE_BASED promotion size; also sets the max level.
	CompactionPromotionSizeMBytes int64
	// CompactionPromotionRatio is compaction_promotion_ratio (0.05): promotion = base size × ratio.
	CompactionPromotionRatio float64
	// CompactionPromotionMinSizeMBytes is compaction_promotion_min_size_mbytes (128): lower clamp.
	CompactionPromotionMinSizeMBytes int64
	// CompactionPromotionVersionCount is compaction_promotion_version_count (1000): MoW only,
	// promote an output whose end-start exceeds it.
	CompactionPromotionVersionCount int64
	// CompactionMinSizeMBytes is compaction_min_size_mbytes (64): SIZE_BASED lower bound.
	CompactionMinSizeMBytes int64
	// CumulativeCompactionMinDeltas is cumulative_compaction_min_deltas (5): min score.
	CumulativeCompactionMinDeltas int64
	// CumulativeCompactionMaxDeltas is cumulative_compaction_max_deltas (1000): max score.
	CumulativeCompactionMaxDeltas int64
	// CumulativeCompactionMaxDeltasFactor is cumulative_compaction_max_deltas_factor (10): under
	// memory pressure the max score is max(max/factor, min+1).
	CumulativeCompactionMaxDeltasFactor int64
	// BaseCompactionMinRowsetNum is base_compaction_min_rowset_num (5).
	BaseCompactionMinRowsetNum int64
	// BaseCompactionMinDataRatio is base_compaction_min_data_ratio (0.3).
	BaseCompactionMinDataRatio float64
	// BaseCompactionMaxCompactionScore is base_compaction_max_compaction_score (20), non-MoW.
	BaseCompactionMaxCompactionScore int64
	// MowBaseCompactionMaxCompactionScore is mow_base_compaction_max_compaction_score (200).
	MowBaseCompactionMaxCompactionScore int64
	// BaseCompactionIntervalSecondsSinceLastOperation is
	// base_compaction_interval_seconds_since_last_operation (86400).
	BaseCompactionIntervalSecondsSinceLastOperation int64
	// BaseCompactionDupKeyMaxFileSizeMBytes is base_compaction_dup_key_max_file_size_mbytes (1024):
	// DUP_KEYS base compaction skips leading rowsets at least this big.
	BaseCompactionDupKeyMaxFileSizeMBytes int64
	// PickRowsetToCompactIntervalSec is pick_rowset_to_compact_interval_sec (86400): stall breaker.
	PickRowsetToCompactIntervalSec int64
	// EnableDeleteWhenCumuCompaction is enable_delete_when_cumu_compaction (false).
	EnableDeleteWhenCumuCompaction bool
	// TabletSchedDelayTimeMs is tablet_sched_delay_time_ms (5000): failure back-off.
	TabletSchedDelayTimeMs int64
	// SkipTabletCompactionSecond is skip_tablet_compaction_second (10).
	SkipTabletCompactionSecond int64
	// EnableSkipTabletCompaction is enable_skip_tablet_compaction (true).
	EnableSkipTabletCompaction bool
	// CheckScoreRoundsNum is check_score_rounds_num (1000).
	CheckScoreRoundsNum int64
	// TabletRowsetStaleSweepTimeSec is tablet_rowset_stale_sweep_time_sec (600).
	TabletRowsetStaleSweepTimeSec int64
	// TabletRowsetStaleSweepBySize is tablet_rowset_stale_sweep_by_size (false).
	TabletRowsetStaleSweepBySize bool
	// TabletRowsetStaleSweepThresholdSize is tablet_rowset_stale_sweep_threshold_size (100).
	TabletRowsetStaleSweepThresholdSize int64
	// MinGarbageSweepInterval is min_garbage_sweep_interval (180 s).
	MinGarbageSweepInterval int64
	// MaxGarbageSweepInterval is max_garbage_sweep_interval (3600 s).
	MaxGarbageSweepInterval int64
	// CompactionKeepInvisibleVersionTimeoutSec is compaction_keep_invisible_version_timeout_sec (1800).
	CompactionKeepInvisibleVersionTimeoutSec int64
	// CompactionKeepInvisibleVersionMinCount is compaction_keep_invisible_version_min_count (50).
	CompactionKeepInvisibleVersionMinCount int64
	// CompactionKeepInvisibleVersionMaxCount is compaction_keep_invisible_version_max_count (500).
	CompactionKeepInvisibleVersionMaxCount int64
	// CumulativeCompactionRoundsForEachBaseCompactionRound is
	// cumulative_compaction_rounds_for_each_base_compaction_round (9).
	CumulativeCompactionRoundsForEachBaseCompactionRound int64
	// GenerateCompactionTasksIntervalMs is generate_compaction_tasks_interval_ms (100).
	GenerateCompactionTasksIntervalMs int64
	// CompactionTaskNumPerDisk is compaction_task_num_per_disk (4).
	CompactionTaskNumPerDisk int64
	// CompactionTaskNumPerFastDisk is compaction_task_num_per_fast_disk (8).
	CompactionTaskNumPerFastDisk int64
	// LowPriorityCompactionTaskNumPerDisk is low_priority_compaction_task_num_per_disk (2).
	LowPriorityCompactionTaskNumPerDisk int64
	// LowPriorityCompactionScoreThreshold is low_priority_compaction_score_threshold (200).
	LowPriorityCompactionScoreThreshold int64
	// MaxBaseCompactionThreads is max_base_compaction_threads (4).
	MaxBaseCompactionThreads int64
	// MaxCumuCompactionThreads is max_cumu_compaction_threads (-1).
	MaxCumuCompactionThreads int64
	// TotalPermitsForCompactionScore is total_permits_for_compaction_score (1000000).
	TotalPermitsForCompactionScore int64
	// DisableAutoCompaction is disable_auto_compaction (false).
	DisableAutoCompaction bool
	// CompactionMaxRowsetCount is compaction_max_rowset_count (10000, cloud config, also read by
	// the TIME_SERIES policy).
	CompactionMaxRowsetCount int64
	// MinCompactionFailureIntervalMs is the cloud min_compaction_failure_interval_ms (5000).
	MinCompactionFailureIntervalMs int64
	// CompactionTimeoutSeconds is the cloud compaction_timeout_seconds (86400).
	CompactionTimeoutSeconds int64
	// LeaseCompactionIntervalSeconds is the cloud lease_compaction_interval_seconds (20).
	LeaseCompactionIntervalSeconds int64
	// EnableParallelCumuCompaction is the cloud enable_parallel_cumu_compaction (false).
	EnableParallelCumuCompaction bool
	// BaseCompactionFreezeIntervalS is the cloud base_compaction_freeze_interval_s (1800).
	BaseCompactionFreezeIntervalS int64
	// CumuCompactionIntervalS is the cloud cumu_compaction_interval_s (1800).
	CumuCompactionIntervalS int64
	// CompactionLoadMaxFreezeIntervalS is the cloud compaction_load_max_freeze_interval_s (1200).
	CompactionLoadMaxFreezeIntervalS int64
	// EnableEmptyRowsetCompaction is the cloud enable_empty_rowset_compaction (true).
	EnableEmptyRowsetCompaction bool
	// EmptyRowsetCompactionMinCount is the cloud empty_rowset_compaction_min_count (5).
	EmptyRowsetCompactionMinCount int64
	// EmptyRowsetCompactionMinRatio is the cloud empty_rowset_compaction_min_ratio (0.3).
	EmptyRowsetCompactionMinRatio float64
	// PrioritizeQueryPerfInCompaction is the cloud prioritize_query_perf_in_compaction (false).
	PrioritizeQueryPerfInCompaction bool
}

// DefaultConfig returns the BE defaults of spec §3.
func DefaultConfig() Config {
	return Config{
		CompactionPromotionSizeMBytes:                        1024,
		CompactionPromotionRatio:                             0.05,
		CompactionPromotionMinSizeMBytes:                     128,
		CompactionPromotionVersionCount:                      1000,
		CompactionMinSizeMBytes:                              64,
		CumulativeCompactionMinDeltas:                        5,
		CumulativeCompactionMaxDeltas:                        1000,
		CumulativeCompactionMaxDeltasFactor:                  10,
		BaseCompactionMinRowsetNum:                           5,
		BaseCompactionMinDataRatio:                           0.3,
		BaseCompactionMaxCompactionScore:                     20,
		MowBaseCompactionMaxCompactionScore:                  200,
		BaseCompactionIntervalSecondsSinceLastOperation:      86400,
		BaseCompactionDupKeyMaxFileSizeMBytes:                1024,
		PickRowsetToCompactIntervalSec:                       86400,
		EnableDeleteWhenCumuCompaction:                       false,
		TabletSchedDelayTimeMs:                               5000,
		SkipTabletCompactionSecond:                           10,
		EnableSkipTabletCompaction:                           true,
		CheckScoreRoundsNum:                                  1000,
		TabletRowsetStaleSweepTimeSec:                        600,
		TabletRowsetStaleSweepBySize:                         false,
		TabletRowsetStaleSweepThresholdSize:                  100,
		MinGarbageSweepInterval:                              180,
		MaxGarbageSweepInterval:                              3600,
		CompactionKeepInvisibleVersionTimeoutSec:             1800,
		CompactionKeepInvisibleVersionMinCount:               50,
		CompactionKeepInvisibleVersionMaxCount:               500,
		CumulativeCompactionRoundsForEachBaseCompactionRound: 9,
		GenerateCompactionTasksIntervalMs:                    100,
		CompactionTaskNumPerDisk:                             4,
		CompactionTaskNumPerFastDisk:                         8,
		LowPriorityCompactionTaskNumPerDisk:                  2,
		LowPriorityCompactionScoreThreshold:                  200,
		MaxBaseCompactionThreads:                             4,
		MaxCumuCompactionThreads:                             -1,
		TotalPermitsForCompactionScore:                       1000000,
		DisableAutoCompaction:                                false,
		CompactionMaxRowsetCount:                             10000,
		MinCompactionFailureIntervalMs:                       5000,
		CompactionTimeoutSeconds:                             86400,
		LeaseCompactionIntervalSeconds:                       20,
		EnableParallelCumuCompaction:                         false,
		BaseCompactionFreezeIntervalS:                        1800,
		CumuCompactionIntervalS:                              1800,
		CompactionLoadMaxFreezeIntervalS:                     1200,
		EnableEmptyRowsetCompaction:                          true,
		EmptyRowsetCompactionMinCount:                        5,
		EmptyRowsetCompactionMinRatio:                        0.3,
		PrioritizeQueryPerfInCompaction:                      false,
	}
}

// ErrInvalidConfig is wrapped by every error Validate returns.
var ErrInvalidConfig = errors.New("invalid compaction config")

// Validate checks the settings the selection algorithms depend on. The algorithms never panic on
// a config that fails validation, but their results are then meaningless.
func (c *Config) Validate() error {
	checks := []struct {
		ok   bool
		name string
		val  any
	}{
		{c.CompactionPromotionSizeMBytes >= 1, "compaction_promotion_size_mbytes", c.CompactionPromotionSizeMBytes},
		{c.CompactionPromotionMinSizeMBytes >= 0, "compaction_promotion_min_size_mbytes", c.CompactionPromotionMinSizeMBytes},
		{isFiniteNonNegative(c.CompactionPromotionRatio), "compaction_promotion_ratio", c.CompactionPromotionRatio},
		{c.CompactionMinSizeMBytes >= 0, "compaction_min_size_mbytes", c.CompactionMinSizeMBytes},
		{c.CumulativeCompactionMinDeltas >= 0, "cumulative_compaction_min_deltas", c.CumulativeCompactionMinDeltas},
		{c.CumulativeCompactionMaxDeltas >= 1, "cumulative_compaction_max_deltas", c.CumulativeCompactionMaxDeltas},
		{c.CumulativeCompactionMaxDeltasFactor >= 1, "cumulative_compaction_max_deltas_factor", c.CumulativeCompactionMaxDeltasFactor},
		{c.BaseCompactionMinRowsetNum >= 0, "base_compaction_min_rowset_num", c.BaseCompactionMinRowsetNum},
		{isFiniteNonNegative(c.BaseCompactionMinDataRatio), "base_compaction_min_data_ratio", c.BaseCompactionMinDataRatio},
		{c.BaseCompactionMaxCompactionScore >= 1, "base_compaction_max_compaction_score", c.BaseCompactionMaxCompactionScore},
		{c.MowBaseCompactionMaxCompactionScore >= 1, "mow_base_compaction_max_compaction_score", c.MowBaseCompactionMaxCompactionScore},
		{c.CompactionKeepInvisibleVersionMinCount >= 0, "compaction_keep_invisible_version_min_count", c.CompactionKeepInvisibleVersionMinCount},
		{c.CompactionKeepInvisibleVersionMaxCount >= 0, "compaction_keep_invisible_version_max_count", c.CompactionKeepInvisibleVersionMaxCount},
		{c.CompactionMaxRowsetCount >= 1, "compaction_max_rowset_count", c.CompactionMaxRowsetCount},
	}
	for _, ch := range checks {
		if !ch.ok {
			return &configError{name: ch.name, val: ch.val}
		}
	}
	return nil
}

// configError is what Validate returns; it is built without fmt so that wasm guests linking this
// package stay free of reflection.
type configError struct {
	name string
	val  any
}

func (e *configError) Error() string {
	v := "?"
	switch x := e.val.(type) {
	case int64:
		v = strconv.FormatInt(x, 10)
	case float64:
		v = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return ErrInvalidConfig.Error() + ": " + e.name + " = " + v
}

func (e *configError) Unwrap() error { return ErrInvalidConfig }

func isFiniteNonNegative(f float64) bool { return f >= 0 && !math.IsInf(f, 0) && !math.IsNaN(f) }

// MaxCumulativeScore returns the max score the cumulative driver passes to the policy:
// cumulative_compaction_max_deltas, or under memory pressure (last status MEM_LIMIT_EXCEEDED or
// process memory above 80% of the soft limit) max(max_deltas/factor, min_deltas+1) (§4.2).
// A non-positive factor leaves the max unchanged instead of dividing by zero.
func (c *Config) MaxCumulativeScore(memoryPressure bool) int64 {
	m := c.CumulativeCompactionMaxDeltas
	if memoryPressure && c.CumulativeCompactionMaxDeltasFactor > 0 {
		m = max(m/c.CumulativeCompactionMaxDeltasFactor, c.CumulativeCompactionMinDeltas+1)
	}
	return m
}
