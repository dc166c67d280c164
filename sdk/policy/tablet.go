package policy

import "strconv"

// InvalidCumulativePoint is K_INVALID_CUMULATIVE_POINT: the point has not been calculated yet.
const InvalidCumulativePoint int64 = -1

// KeysType is the table key model, numbered as in KeysTypePB.
type KeysType uint8

// KeysType values.
const (
	DupKeys    KeysType = 0
	UniqueKeys KeysType = 1
	AggKeys    KeysType = 2
)

// String returns the Doris enum name.
func (k KeysType) String() string {
	switch k {
	case DupKeys:
		return "DUP_KEYS"
	case UniqueKeys:
		return "UNIQUE_KEYS"
	case AggKeys:
		return "AGG_KEYS"
	}
	return "KeysType(" + strconv.Itoa(int(k)) + ")"
}

// TabletState is the tablet state. The zero value is TabletRunning. The policies distinguish
// only RUNNING and NOTREADY (schema change in progress); the other states behave like "not RUNNING".
type TabletState uint8

// TabletState values.
const (
	TabletRunning    TabletState = 0
	TabletNotReady   TabletState = 1
	TabletTombstoned TabletState = 2
	TabletStopped    TabletState = 3
	TabletShutdown   TabletState = 4
)

// String returns the Doris enum name.
func (s TabletState) String() string {
	switch s {
	case TabletRunning:
		return "TABLET_RUNNING"
	case TabletNotReady:
		return "TABLET_NOTREADY"
	case TabletTombstoned:
		return "TABLET_TOMBSTONED"
	case TabletStopped:
		return "TABLET_STOPPED"
	case TabletShutdown:
		return "TABLET_SHUTDOWN"
	}
	return "TabletState(" + strconv.Itoa(int(s)) + ")"
}

// Default TIME_SERIES table properties (§3).
const (
	DefaultTimeSeriesGoalSizeMBytes        int64 = 1024
	DefaultTimeSeriesFileCountThreshold    int64 = 2000
	DefaultTimeSeriesTimeThresholdSeconds  int64 = 3600
	DefaultTimeSeriesEmptyRowsetsThreshold int64 = 5
	DefaultTimeSeriesLevelThreshold        int64 = 1
)

// TimeSeriesProperties are the per-table time_series_compaction_* properties read by the
// TIME_SERIES policy. A zero field means "use the default": FE validation rejects zero for
// every one of them, so zero never is a real setting.
type TimeSeriesProperties struct {
	// GoalSizeMBytes is time_series_compaction_goal_size_mbytes (default 1024, FE requires >= 10).
	GoalSizeMBytes int64
	// FileCountThreshold is time_series_compaction_file_count_threshold (default 2000, >= 10).
	FileCountThreshold int64
	// TimeThresholdSeconds is time_series_compaction_time_threshold_seconds (default 3600, >= 60).
	TimeThresholdSeconds int64
	// EmptyRowsetsThreshold is time_series_compaction_empty_rowsets_threshold (default 5, >= 2).
	EmptyRowsetsThreshold int64
	// LevelThreshold is time_series_compaction_level_threshold (default 1, 1..2).
	LevelThreshold int64
}

// DefaultTimeSeriesProperties returns the table-property defaults.
func DefaultTimeSeriesProperties() TimeSeriesProperties {
	return TimeSeriesProperties{
		GoalSizeMBytes:        DefaultTimeSeriesGoalSizeMBytes,
		FileCountThreshold:    DefaultTimeSeriesFileCountThreshold,
		TimeThresholdSeconds:  DefaultTimeSeriesTimeThresholdSeconds,
		EmptyRowsetsThreshold: DefaultTimeSeriesEmptyRowsetsThreshold,
		LevelThreshold:        DefaultTimeSeriesLevelThreshold,
	}
}

// WithDefaults returns p with every zero field replaced by its default.
func (p TimeSeriesProperties) WithDefaults() TimeSeriesProperties {
	if p.GoalSizeMBytes == 0 {
		p.GoalSizeMBytes = DefaultTimeSeriesGoalSizeMBytes
	}
	if p.FileCountThreshold == 0 {
		p.FileCountThreshold = DefaultTimeSeriesFileCountThreshold
	}
	if p.TimeThresholdSeconds == 0 {
		p.TimeThresholdSeconds = DefaultTimeSeriesTimeThresholdSeconds
	}
	if p.EmptyRowsetsThreshold == 0 {
		p.EmptyRowsetsThreshold = DefaultTimeSeriesEmptyRowsetsThreshold
	}
	if p.LevelThreshold == 0 {
		p.LevelThreshold = DefaultTimeSeriesLevelThreshold
	}
	return p
}

// Tablet is the tablet state the compaction algorithms read, together with its rowsets.
//
// Methods that take a *Tablet may update the fields Doris updates as a side effect: the
// cumulative point (driver), CumulativePromotionSize (SIZE_BASED cache, §4.3) and the last
// success times (driver initialisation, §4.2). Each function documents what it writes.
type Tablet struct {
	// TabletID identifies the tablet.
	TabletID int64
	// KeysType is the key model of the table.
	KeysType KeysType
	// MergeOnWrite is enable_unique_key_merge_on_write (meaningful for UNIQUE_KEYS).
	MergeOnWrite bool
	// State is the tablet state.
	State TabletState
	// CumulativePoint is the cumulative layer point; InvalidCumulativePoint (-1) until calculated.
	// Note that the zero value is a valid point 0: set -1 explicitly for a fresh tablet.
	CumulativePoint int64
	// CumulativePromotionSize is the SIZE_BASED promotion size cached on the tablet
	// (set by calculate_cumulative_point and calc_cumulative_compaction_score, read by
	// pick_input_rowsets and update_cumulative_point). 0 until computed.
	CumulativePromotionSize int64
	// VisibleVersionKnown tells whether VisibleVersion and VisibleUpdateTimeMs are known. When
	// false (unknown, or partition id 0) every version counts as visible.
	VisibleVersionKnown bool
	// VisibleVersion is the partition's visible version.
	VisibleVersion int64
	// VisibleUpdateTimeMs is when VisibleVersion last changed, in unix milliseconds.
	VisibleUpdateTimeMs int64
	// LastCumuSuccessMs and LastBaseSuccessMs are the last successful cumulative and base
	// compaction times in unix milliseconds (0 = never). The stall breaker (§4.7) reads them.
	LastCumuSuccessMs int64
	LastBaseSuccessMs int64
	// TimeSeries holds the time_series_compaction_* table properties.
	TimeSeries TimeSeriesProperties
	// Rowsets are all visible rowsets of the tablet (rs_version_map), local and remote.
	// Keeping them ordered by EndVersion avoids a sorted copy in the scoring paths.
	Rowsets []Rowset
}

// MaxVersion returns Tablet::max_version(): the version of the rowset with the greatest end
// version, or (-1,0) if there is none.
func (t *Tablet) MaxVersion() Version {
	mv := Version{Start: -1, End: 0}
	for i := range t.Rowsets {
		if t.Rowsets[i].EndVersion > mv.End {
			mv = t.Rowsets[i].Version()
		}
	}
	return mv
}

// IsUniqueMergeOnWrite reports whether the tablet is a UNIQUE_KEYS merge-on-write tablet.
func (t *Tablet) IsUniqueMergeOnWrite() bool { return t.KeysType == UniqueKeys && t.MergeOnWrite }
