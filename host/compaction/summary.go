package compaction

import (
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/tablet"
	"github.com/metahost/metahost/sdk/policy"
)

// Kind is a compaction type as the scheduler and the BE API name it.
type Kind uint8

// Kind values; they are bits so a tablet's running compactions fit a mask.
const (
	Cumulative Kind = 1 << iota
	Base
	Full
)

// String returns the compact_type name ("cumulative", "base", "full").
func (k Kind) String() string {
	switch k {
	case Cumulative:
		return "cumulative"
	case Base:
		return "base"
	case Full:
		return "full"
	}
	return ""
}

// ParseKind parses a compact_type value.
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "cumulative":
		return Cumulative, true
	case "base":
		return Base, true
	case "full":
		return Full, true
	}
	return 0, false
}

// jobType is the TabletCompactionJobPB type of a kind.
func (k Kind) jobType() dorispb.TabletCompactionJobPB_CompactionType {
	switch k {
	case Base:
		return dorispb.TabletCompactionJobPB_BASE
	case Full:
		return dorispb.TabletCompactionJobPB_FULL
	}
	return dorispb.TabletCompactionJobPB_CUMULATIVE
}

func (k Kind) index() int {
	switch k {
	case Base:
		return 1
	case Full:
		return 2
	}
	return 0
}

// Entry is the in-memory summary of one tablet that a scoring round reads:
// a few integers, so a round over a million tablets touches no storage.
type Entry struct {
	// Instance and TabletID identify the tablet; TableID selects its policy.
	Instance string
	TabletID int64
	TableID  int64
	// Total is the ranking score: Σ score over all rowsets (§6).
	Total int64
	// Cumu approximates the cumulative score: Σ score over the rowsets
	// with end ≥ cumulative point (the cloud scheduler's
	// _approximate_cumu_num_deltas, §8.5).
	Cumu int64
	// Base is the base score: Σ score over rowsets starting below the
	// point, 0 without a base rowset (§5).
	Base int64
	// FailMs holds the last failure time per kind (cumulative, base, full)
	// in Unix ms; SkipUntilMs is the in-memory should_skip_compaction.
	FailMs      [3]int64
	SkipUntilMs int64
	// StaleAt is the oldest stale path's time (Unix s; 0: none).
	StaleAt int64
	// Busy is the mask of kinds with a running job (here or recorded by a
	// compute node).
	Busy Kind
}

// Summarize builds a tablet's summary entry from its state.
func Summarize(st *tablet.State) Entry {
	e := Entry{Instance: st.Ext.InstanceID, TabletID: st.Ext.TabletID, TableID: st.Ext.TableID}
	point := st.CumulativePoint()
	baseExists := false
	for _, rs := range st.Rowsets {
		r := rowsetOf(rs)
		sc := r.Score()
		e.Total += sc
		if r.EndVersion >= point {
			e.Cumu += sc
		}
		if r.StartVersion == 0 {
			baseExists = true
		}
		if r.StartVersion < point {
			e.Base += sc
		}
	}
	if !baseExists {
		e.Base = 0
	}
	e.FailMs = [3]int64{st.Ext.Cumulative.LastFailureMs, st.Ext.Base.LastFailureMs, st.Ext.Full.LastFailureMs}
	for _, p := range st.Ext.StalePaths {
		if e.StaleAt == 0 || p.StaleAt < e.StaleAt {
			e.StaleAt = p.StaleAt
		}
	}
	if st.Jobs != nil {
		for _, j := range st.Jobs.Compaction {
			switch j.Type.Get() {
			case dorispb.TabletCompactionJobPB_CUMULATIVE, dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE:
				e.Busy |= Cumulative
			case dorispb.TabletCompactionJobPB_BASE:
				e.Busy |= Base
			case dorispb.TabletCompactionJobPB_FULL:
				e.Busy |= Full
			}
		}
	}
	return e
}

// Summary is the scheduler's in-memory view of every tablet.
type Summary struct {
	entries []Entry
	byID    map[int64]int
}

// NewSummary indexes entries (which it keeps).
func NewSummary(entries []Entry) *Summary {
	s := &Summary{entries: entries, byID: make(map[int64]int, len(entries))}
	for i := range entries {
		s.byID[entries[i].TabletID] = i
	}
	return s
}

// Len returns the number of tablets.
func (s *Summary) Len() int { return len(s.entries) }

// Get returns the entry of a tablet.
func (s *Summary) Get(tabletID int64) (*Entry, bool) {
	i, ok := s.byID[tabletID]
	if !ok {
		return nil, false
	}
	return &s.entries[i], true
}

// Put replaces (or adds) a tablet's entry, keeping its SkipUntilMs.
func (s *Summary) Put(e Entry) {
	if i, ok := s.byID[e.TabletID]; ok {
		old := &s.entries[i]
		e.SkipUntilMs = old.SkipUntilMs
		*old = e
		return
	}
	s.byID[e.TabletID] = len(s.entries)
	s.entries = append(s.entries, e)
}

// Candidate is a tablet a round selected.
type Candidate struct {
	// Entry is a copy of the tablet's summary.
	Entry Entry
	// Kind is the compaction to run.
	Kind Kind
}

// Round is one scoring round's parameters.
type Round struct {
	// Kind is the compaction type of the round (cumulative or base).
	Kind Kind
	// NowMs is the leader's time.
	NowMs int64
	// BackoffMs is tablet_sched_delay_time_ms.
	BackoffMs int64
	// Slots is how many candidates to return at most.
	Slots int
}

// Score runs one scoring round: among the tablets that are not busy with
// r.Kind, not backing off and whose score for r.Kind shows work (≥ 2: a
// single non-overlapping rowset is never picked), it returns up to r.Slots
// with the highest total score (§6), best first. It allocates only the
// result.
func (s *Summary) Score(r Round, dst []Candidate) []Candidate {
	dst = dst[:0]
	if r.Slots <= 0 {
		return dst
	}
	ki := r.Kind.index()
	for i := range s.entries {
		e := &s.entries[i]
		sc := e.Cumu
		if r.Kind == Base {
			sc = e.Base
		}
		if sc < 2 || e.Busy&(r.Kind|Full) != 0 || r.NowMs < e.SkipUntilMs || r.NowMs-e.FailMs[ki] <= r.BackoffMs {
			continue
		}
		if len(dst) == r.Slots && e.Total <= dst[len(dst)-1].Entry.Total {
			continue
		}
		// insert keeping dst sorted by total, descending (slots are few)
		if len(dst) < r.Slots {
			dst = append(dst, Candidate{})
		}
		j := len(dst) - 1
		for j > 0 && dst[j-1].Entry.Total < e.Total {
			dst[j] = dst[j-1]
			j--
		}
		dst[j] = Candidate{Entry: *e, Kind: r.Kind}
	}
	return dst
}

// DueStale returns the tablets whose oldest stale path is older than
// sweepS seconds at nowS.
func (s *Summary) DueStale(nowS, sweepS int64, dst []Entry) []Entry {
	dst = dst[:0]
	for i := range s.entries {
		if e := &s.entries[i]; e.StaleAt > 0 && e.StaleAt+sweepS <= nowS {
			dst = append(dst, *e)
		}
	}
	return dst
}

// rowsetOf converts a rowset meta into the policy's rowset.
func rowsetOf(m *dorispb.RowsetMetaCloudPB) policy.Rowset {
	return policy.Rowset{
		StartVersion:       m.StartVersion.Get(),
		EndVersion:         m.EndVersion.Get(),
		NumSegments:        m.NumSegments.Get(),
		SegmentsOverlap:    policy.SegmentsOverlap(m.SegmentsOverlapPb.Get()),
		TotalDiskSize:      m.TotalDiskSize.Get(),
		DataDiskSize:       m.DataDiskSize.Get(),
		NumRows:            m.NumRows.Get(),
		HasDeletePredicate: m.DeletePredicate != nil,
		CreationTime:       m.CreationTime.Get(),
		CompactionLevel:    m.CompactionLevel.Get(),
	}
}

// policyTablet converts a tablet's state into the policy's tablet.
func policyTablet(st *tablet.State) policy.Tablet {
	t := policy.Tablet{
		TabletID:          st.Ext.TabletID,
		CumulativePoint:   st.CumulativePoint(),
		LastCumuSuccessMs: st.Ext.Cumulative.LastSuccessMs,
		LastBaseSuccessMs: st.Ext.Base.LastSuccessMs,
		Rowsets:           make([]policy.Rowset, len(st.Rowsets)),
	}
	for i, rs := range st.Rowsets {
		t.Rowsets[i] = rowsetOf(rs)
	}
	if m := st.Meta; m != nil {
		t.MergeOnWrite = m.EnableUniqueKeyMergeOnWrite.Get()
		t.TimeSeries = policy.TimeSeriesProperties{
			GoalSizeMBytes:        m.TimeSeriesCompactionGoalSizeMbytes.Get(),
			FileCountThreshold:    m.TimeSeriesCompactionFileCountThreshold.Get(),
			TimeThresholdSeconds:  m.TimeSeriesCompactionTimeThresholdSeconds.Get(),
			EmptyRowsetsThreshold: m.TimeSeriesCompactionEmptyRowsetsThreshold.Get(),
			LevelThreshold:        m.TimeSeriesCompactionLevelThreshold.Get(),
		}.WithDefaults()
	}
	return t
}
