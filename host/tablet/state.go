package tablet

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
)

// DefaultPolicy is the compaction policy of a tablet created without one
// (Doris's TabletMetaCloudPB.compaction_policy default).
const DefaultPolicy = "size_based"

// Ext is metahost's per-tablet compaction record: what a Doris BE keeps in
// memory and the meta service does not store. It also indexes every tablet
// of every instance for the scheduler.
type Ext struct {
	// InstanceID owns the tablet.
	InstanceID string `json:"instance_id"`
	// DbID, TableID, IndexID, PartitionID and TabletID locate the tablet.
	DbID        int64 `json:"db_id"`
	TableID     int64 `json:"table_id"`
	IndexID     int64 `json:"index_id"`
	PartitionID int64 `json:"partition_id"`
	TabletID    int64 `json:"tablet_id"`
	// SchemaHash is the tablet's schema hash.
	SchemaHash int32 `json:"schema_hash"`
	// Policy is the bound cumulative compaction policy name.
	Policy string `json:"policy"`
	// NextPathID numbers stale version paths (Doris _next_path_id).
	NextPathID int64 `json:"next_path_id"`
	// StalePaths are the input rowsets of committed compactions, oldest
	// first, kept until they expire.
	StalePaths []StalePath `json:"stale_paths,omitempty"`
	// Cumulative, Base and Full record the last events per compaction type.
	Cumulative Record `json:"cumulative"`
	Base       Record `json:"base"`
	Full       Record `json:"full"`
}

// Record holds the times (Unix milliseconds, 0 = never) and last status of
// one compaction type of a tablet.
type Record struct {
	// LastFailureMs is the last failed (or aborted) compaction.
	LastFailureMs int64 `json:"last_failure_ms,omitempty"`
	// LastSuccessMs is the last committed compaction.
	LastSuccessMs int64 `json:"last_success_ms,omitempty"`
	// LastScheduleMs is the last time a job was started.
	LastScheduleMs int64 `json:"last_schedule_ms,omitempty"`
	// LastStatus is the last status text ("[OK]", "aborted", or what the
	// scheduler recorded).
	LastStatus string `json:"last_status,omitempty"`
}

// StalePath is the set of input rowsets one compaction replaced.
type StalePath struct {
	// ID is the path id (increasing per tablet).
	ID int64 `json:"id"`
	// StaleAt is when the rowsets became stale (Unix seconds).
	StaleAt int64 `json:"stale_at"`
	// Rowsets are the replaced rowsets, sorted by start version.
	Rowsets []Rowset `json:"rowsets"`
}

// Rowset summarises a rowset meta with the fields compaction reads.
type Rowset struct {
	// RowsetID is the 48-hex v2 rowset id (rowset_id_v2).
	RowsetID string `json:"rowset_id"`
	// Start and End are the version interval [Start-End].
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	// NumSegments, NumRows and the sizes are the rowset meta's counters.
	NumSegments   int64 `json:"num_segments"`
	NumRows       int64 `json:"num_rows"`
	TotalDiskSize int64 `json:"total_disk_size"`
	IndexDiskSize int64 `json:"index_disk_size"`
	DataDiskSize  int64 `json:"data_disk_size"`
	// Delete is true for a rowset with a delete predicate.
	Delete bool `json:"delete,omitempty"`
	// Overlap is the segments_overlap_pb value (0 OVERLAP_UNKNOWN,
	// 1 OVERLAPPING, 2 NONOVERLAPPING).
	Overlap dorispb.SegmentsOverlapPB `json:"overlap"`
	// CreationTime is the rowset's creation (Unix seconds).
	CreationTime int64 `json:"creation_time"`
	// NewestWriteTimestamp is the newest write in the rowset (Unix seconds).
	NewestWriteTimestamp int64 `json:"newest_write_timestamp,omitempty"`
	// CompactionLevel is the TIME_SERIES compaction level.
	CompactionLevel int64 `json:"compaction_level,omitempty"`
	// ResourceID names the storage vault holding the segments.
	ResourceID string `json:"resource_id,omitempty"`
}

// Summarize returns the Rowset summary of a rowset meta.
func Summarize(m *dorispb.RowsetMetaCloudPB) Rowset {
	return Rowset{
		RowsetID:             m.RowsetIDV2.Get(),
		Start:                m.StartVersion.Get(),
		End:                  m.EndVersion.Get(),
		NumSegments:          m.NumSegments.Get(),
		NumRows:              m.NumRows.Get(),
		TotalDiskSize:        m.TotalDiskSize.Get(),
		IndexDiskSize:        m.IndexDiskSize.Get(),
		DataDiskSize:         m.DataDiskSize.Get(),
		Delete:               m.DeletePredicate != nil,
		Overlap:              m.SegmentsOverlapPb.Get(),
		CreationTime:         m.CreationTime.Get(),
		NewestWriteTimestamp: m.NewestWriteTimestamp.Get(),
		CompactionLevel:      m.CompactionLevel.Get(),
		ResourceID:           m.ResourceID.Get(),
	}
}

// Idx returns the tablet's index.
func (e *Ext) Idx() *dorispb.TabletIndexPB {
	idx := &dorispb.TabletIndexPB{
		TableID:     dorispb.Some(e.TableID),
		IndexID:     dorispb.Some(e.IndexID),
		PartitionID: dorispb.Some(e.PartitionID),
		TabletID:    dorispb.Some(e.TabletID),
	}
	if e.DbID > 0 {
		idx.DbID.Set(e.DbID)
	}
	return idx
}

// record returns the record of a compaction type (nil for other types).
func (e *Ext) record(typ dorispb.TabletCompactionJobPB_CompactionType) *Record {
	switch typ {
	case dorispb.TabletCompactionJobPB_CUMULATIVE, dorispb.TabletCompactionJobPB_EMPTY_CUMULATIVE:
		return &e.Cumulative
	case dorispb.TabletCompactionJobPB_BASE:
		return &e.Base
	case dorispb.TabletCompactionJobPB_FULL:
		return &e.Full
	}
	return nil
}

// metahostKey is 0x01 "metahost" name: a key of metahost's own.
func metahostKey(name string) []byte {
	return keys.AppendBytes(keys.AppendBytes([]byte{keys.SpaceUser}, "metahost"), name)
}

// extPrefix is 0x01 "metahost" "tablet": the prefix of every Ext key.
func extPrefix() []byte { return metahostKey("tablet") }

// ExtKey is 0x01 "metahost" "tablet" instanceID tabletID (value Ext as JSON).
func ExtKey(instanceID string, tabletID int64) []byte {
	return keys.AppendInt64(keys.AppendBytes(extPrefix(), instanceID), tabletID)
}

// txnSeqKey is 0x01 "metahost" "txn_seq": the last txn id handed out.
func txnSeqKey() []byte { return metahostKey("txn_seq") }

func (t *tx) ext(instanceID string, tabletID int64) (*Ext, bool) {
	v := t.b.Get(ExtKey(instanceID, tabletID))
	if v == nil {
		return nil, false
	}
	e := &Ext{}
	if err := json.Unmarshal(v, e); err != nil {
		t.fail(err)
		return nil, false
	}
	return e, true
}

func (t *tx) putExt(e *Ext) {
	v, err := json.Marshal(e)
	if err != nil {
		t.fail(err)
		return
	}
	t.putRaw(ExtKey(e.InstanceID, e.TabletID), v)
}

// tabletIdx loads the tablet index of tabletID.
func (t *tx) tabletIdx(instanceID string, tabletID int64) (*dorispb.TabletIndexPB, bool) {
	idx := &dorispb.TabletIndexPB{}
	return idx, t.get(keys.MetaTabletIdxKey(instanceID, tabletID), idx)
}

// copyIdx returns a copy of in (an empty index for nil) that fillIdx may
// complete without changing the request.
func copyIdx(in *dorispb.TabletIndexPB) *dorispb.TabletIndexPB {
	if in == nil {
		return &dorispb.TabletIndexPB{}
	}
	c := *in
	return &c
}

// fillIdx completes idx (table/index/partition ids) from the tablet index
// key when any of them is missing, as Doris does. It returns the Doris
// TABLET_NOT_FOUND message when the tablet index does not exist.
func (t *tx) fillIdx(instanceID string, idx *dorispb.TabletIndexPB) (string, bool) {
	tabletID := idx.TabletID.Get()
	if idx.TableID.Has() && idx.IndexID.Has() && idx.PartitionID.Has() && idx.TabletID.Has() {
		return "", true
	}
	stored, ok := t.tabletIdx(instanceID, tabletID)
	if !ok {
		return idxNotFound(instanceID, tabletID), false
	}
	idx.TableID.Set(stored.TableID.Get())
	idx.IndexID.Set(stored.IndexID.Get())
	idx.PartitionID.Set(stored.PartitionID.Get())
	if stored.DbID.Has() && !idx.DbID.Has() {
		idx.DbID.Set(stored.DbID.Get())
	}
	return "", true
}

func idxNotFound(instanceID string, tabletID int64) string {
	return "failed to get tablet_idx, err=KeyNotFound tablet_id=" + itoa(tabletID) + " key=" + keys.Hex(keys.MetaTabletIdxKey(instanceID, tabletID))
}

// statsNotFound is the TABLET_NOT_FOUND status of a tablet without stats.
func statsNotFound(tabletID int64) *dorispb.MetaServiceResponseStatus {
	return status(dorispb.MetaServiceCode_TABLET_NOT_FOUND, "tablet stats not found, tablet_id="+itoa(tabletID))
}

func statsKey(instanceID string, idx *dorispb.TabletIndexPB) []byte {
	return keys.StatsTabletKey(instanceID, idx.TableID.Get(), idx.IndexID.Get(), idx.PartitionID.Get(), idx.TabletID.Get())
}

func jobKey(instanceID string, idx *dorispb.TabletIndexPB) []byte {
	return keys.JobTabletKey(instanceID, idx.TableID.Get(), idx.IndexID.Get(), idx.PartitionID.Get(), idx.TabletID.Get())
}

// stats loads the tablet stats (base value; metahost writes no detached
// counters, but merges any that exist, as Doris does).
func (t *tx) stats(instanceID string, idx *dorispb.TabletIndexPB) (*dorispb.TabletStatsPB, bool) {
	st := &dorispb.TabletStatsPB{}
	base := statsKey(instanceID, idx)
	if !t.get(base, st) {
		return nil, false
	}
	for _, d := range [...]struct {
		suffix string
		f      *dorispb.Opt[int64]
	}{
		{keys.StatsSuffixDataSize, &st.DataSize},
		{keys.StatsSuffixNumRows, &st.NumRows},
		{keys.StatsSuffixNumRowsets, &st.NumRowsets},
		{keys.StatsSuffixNumSegs, &st.NumSegments},
		{keys.StatsSuffixIndexSize, &st.IndexSize},
		{keys.StatsSuffixSegmentSize, &st.SegmentSize},
	} {
		if v := t.b.Get(keys.StatsTabletDetachedKey(instanceID, idx.TableID.Get(), idx.IndexID.Get(), idx.PartitionID.Get(), idx.TabletID.Get(), d.suffix)); len(v) == 8 {
			d.f.Set(d.f.Get() + int64(binary.LittleEndian.Uint64(v)))
		}
	}
	return st, true
}

func (t *tx) putStats(instanceID string, st *dorispb.TabletStatsPB) {
	t.put(statsKey(instanceID, st.Idx), st)
}

// rowsets returns the visible rowsets of a tablet whose end version lies in
// [start, end], in version order.
func (t *tx) rowsets(instanceID string, tabletID, start, end int64) []*dorispb.RowsetMetaCloudPB {
	var out []*dorispb.RowsetMetaCloudPB
	from := keys.MetaRowsetKey(instanceID, tabletID, max(start, 0))
	prefix := keys.MetaRowsetKeyPrefix(instanceID, tabletID)
	c := t.b.Cursor()
	for k, v := c.Seek(from); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		rs := &dorispb.RowsetMetaCloudPB{}
		if err := dorispb.Unmarshal(v, rs); err != nil {
			t.fail(err)
			return out
		}
		if rs.EndVersion.Get() > end {
			break
		}
		out = append(out, rs)
	}
	return out
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
