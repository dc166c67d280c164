package dorispb

// Tablet index, stats and tablet job (compaction / schema change) messages of cloud.proto.
// Field numbers, names and types are those of apache/doris gensrc/proto.

// TabletIndexPB locates a tablet (db, table, index, partition, tablet ids).
// Protobuf message doris.cloud.TabletIndexPB.
type TabletIndexPB struct {
	DbID        Opt[int64] // 1: db_id
	TableID     Opt[int64] // 2: table_id
	IndexID     Opt[int64] // 3: index_id
	PartitionID Opt[int64] // 4: partition_id
	TabletID    Opt[int64] // 5: tablet_id

	unknown unknownFields
}

func (*TabletIndexPB) protoName() string { return "doris.cloud.TabletIndexPB" }

func (m *TabletIndexPB) walk(w walker) {
	w.field(1, "db_id", &m.DbID)
	w.field(2, "table_id", &m.TableID)
	w.field(3, "index_id", &m.IndexID)
	w.field(4, "partition_id", &m.PartitionID)
	w.field(5, "tablet_id", &m.TabletID)
	w.field(0, "", &m.unknown)
}

// TabletCompactionJobPB is one compaction job of a tablet.
// Protobuf message doris.cloud.TabletCompactionJobPB.
type TabletCompactionJobPB struct {
	Initiator                 Opt[string]                               // 1: initiator
	Ctime                     Opt[int64]                                // 2: ctime
	Mtime                     Opt[int64]                                // 3: mtime
	Type                      Opt[TabletCompactionJobPB_CompactionType] // 4: type
	InputCumulativePoint      Opt[int64]                                // 5: input_cumulative_point
	OutputCumulativePoint     Opt[int64]                                // 6: output_cumulative_point
	NumInputRowsets           Opt[int64]                                // 7: num_input_rowsets
	NumInputSegments          Opt[int64]                                // 8: num_input_segments
	NumOutputRowsets          Opt[int64]                                // 9: num_output_rowsets
	NumOutputSegments         Opt[int64]                                // 10: num_output_segments
	SizeInputRowsets          Opt[int64]                                // 11: size_input_rowsets
	SizeOutputRowsets         Opt[int64]                                // 12: size_output_rowsets
	NumInputRows              Opt[int64]                                // 13: num_input_rows
	NumOutputRows             Opt[int64]                                // 14: num_output_rows
	InputVersions             []int64                                   // 15: input_versions
	OutputVersions            []int64                                   // 16: output_versions
	OutputRowsetIDs           []string                                  // 17: output_rowset_ids
	TxnID                     []int64                                   // 18: txn_id
	BaseCompactionCnt         Opt[int64]                                // 19: base_compaction_cnt
	CumulativeCompactionCnt   Opt[int64]                                // 20: cumulative_compaction_cnt
	ID                        Opt[string]                               // 21: id
	Expiration                Opt[int64]                                // 22: expiration
	Lease                     Opt[int64]                                // 23: lease
	DeleteBitmapLockInitiator Opt[int64]                                // 24: delete_bitmap_lock_initiator
	FullCompactionCnt         Opt[int64]                                // 25: full_compaction_cnt
	CheckInputVersionsRange   Opt[bool]                                 // 26: check_input_versions_range
	IndexSizeInputRowsets     Opt[int64]                                // 27: index_size_input_rowsets
	SegmentSizeInputRowsets   Opt[int64]                                // 28: segment_size_input_rowsets
	IndexSizeOutputRowsets    Opt[int64]                                // 29: index_size_output_rowsets
	SegmentSizeOutputRowsets  Opt[int64]                                // 30: segment_size_output_rowsets

	unknown unknownFields
}

func (*TabletCompactionJobPB) protoName() string { return "doris.cloud.TabletCompactionJobPB" }

func (m *TabletCompactionJobPB) walk(w walker) {
	w.field(1, "initiator", &m.Initiator)
	w.field(2, "ctime", &m.Ctime)
	w.field(3, "mtime", &m.Mtime)
	w.field(4, "type", enumRef(&m.Type))
	w.field(5, "input_cumulative_point", &m.InputCumulativePoint)
	w.field(6, "output_cumulative_point", &m.OutputCumulativePoint)
	w.field(7, "num_input_rowsets", &m.NumInputRowsets)
	w.field(8, "num_input_segments", &m.NumInputSegments)
	w.field(9, "num_output_rowsets", &m.NumOutputRowsets)
	w.field(10, "num_output_segments", &m.NumOutputSegments)
	w.field(11, "size_input_rowsets", &m.SizeInputRowsets)
	w.field(12, "size_output_rowsets", &m.SizeOutputRowsets)
	w.field(13, "num_input_rows", &m.NumInputRows)
	w.field(14, "num_output_rows", &m.NumOutputRows)
	w.field(15, "input_versions", &m.InputVersions)
	w.field(16, "output_versions", &m.OutputVersions)
	w.field(17, "output_rowset_ids", &m.OutputRowsetIDs)
	w.field(18, "txn_id", &m.TxnID)
	w.field(19, "base_compaction_cnt", &m.BaseCompactionCnt)
	w.field(20, "cumulative_compaction_cnt", &m.CumulativeCompactionCnt)
	w.field(21, "id", &m.ID)
	w.field(22, "expiration", &m.Expiration)
	w.field(23, "lease", &m.Lease)
	w.field(24, "delete_bitmap_lock_initiator", &m.DeleteBitmapLockInitiator)
	w.field(25, "full_compaction_cnt", &m.FullCompactionCnt)
	w.field(26, "check_input_versions_range", &m.CheckInputVersionsRange)
	w.field(27, "index_size_input_rowsets", &m.IndexSizeInputRowsets)
	w.field(28, "segment_size_input_rowsets", &m.SegmentSizeInputRowsets)
	w.field(29, "index_size_output_rowsets", &m.IndexSizeOutputRowsets)
	w.field(30, "segment_size_output_rowsets", &m.SegmentSizeOutputRowsets)
	w.field(0, "", &m.unknown)
}

// TabletSchemaChangeJobPB is the schema change job of a tablet.
// Protobuf message doris.cloud.TabletSchemaChangeJobPB.
type TabletSchemaChangeJobPB struct {
	Initiator                 Opt[string]    // 1: initiator
	ID                        Opt[string]    // 2: id
	Expiration                Opt[int64]     // 3: expiration
	NewTabletIdx              *TabletIndexPB // 4: new_tablet_idx
	TxnIDs                    []int64        // 5: txn_ids
	AlterVersion              Opt[int64]     // 6: alter_version
	NumOutputRowsets          Opt[int64]     // 7: num_output_rowsets
	NumOutputSegments         Opt[int64]     // 8: num_output_segments
	SizeOutputRowsets         Opt[int64]     // 9: size_output_rowsets
	NumOutputRows             Opt[int64]     // 10: num_output_rows
	OutputVersions            []int64        // 11: output_versions
	OutputCumulativePoint     Opt[int64]     // 12: output_cumulative_point
	IsInvertedIndexChange     Opt[bool]      // 13: is_inverted_index_change
	DeleteBitmapLockInitiator Opt[int64]     // 14: delete_bitmap_lock_initiator
	IndexSizeOutputRowsets    Opt[int64]     // 15: index_size_output_rowsets
	SegmentSizeOutputRowsets  Opt[int64]     // 16: segment_size_output_rowsets

	unknown unknownFields
}

func (*TabletSchemaChangeJobPB) protoName() string { return "doris.cloud.TabletSchemaChangeJobPB" }

func (m *TabletSchemaChangeJobPB) walk(w walker) {
	w.field(1, "initiator", &m.Initiator)
	w.field(2, "id", &m.ID)
	w.field(3, "expiration", &m.Expiration)
	w.field(4, "new_tablet_idx", msgRef(&m.NewTabletIdx))
	w.field(5, "txn_ids", &m.TxnIDs)
	w.field(6, "alter_version", &m.AlterVersion)
	w.field(7, "num_output_rowsets", &m.NumOutputRowsets)
	w.field(8, "num_output_segments", &m.NumOutputSegments)
	w.field(9, "size_output_rowsets", &m.SizeOutputRowsets)
	w.field(10, "num_output_rows", &m.NumOutputRows)
	w.field(11, "output_versions", &m.OutputVersions)
	w.field(12, "output_cumulative_point", &m.OutputCumulativePoint)
	w.field(13, "is_inverted_index_change", &m.IsInvertedIndexChange)
	w.field(14, "delete_bitmap_lock_initiator", &m.DeleteBitmapLockInitiator)
	w.field(15, "index_size_output_rowsets", &m.IndexSizeOutputRowsets)
	w.field(16, "segment_size_output_rowsets", &m.SegmentSizeOutputRowsets)
	w.field(0, "", &m.unknown)
}

// TabletJobInfoPB is the value of a tablet job key: all running jobs of one tablet.
// Protobuf message doris.cloud.TabletJobInfoPB.
type TabletJobInfoPB struct {
	Idx          *TabletIndexPB           // 1: idx
	Compaction   []*TabletCompactionJobPB // 4: compaction
	SchemaChange *TabletSchemaChangeJobPB // 5: schema_change

	unknown unknownFields
}

func (*TabletJobInfoPB) protoName() string { return "doris.cloud.TabletJobInfoPB" }

func (m *TabletJobInfoPB) walk(w walker) {
	w.field(1, "idx", msgRef(&m.Idx))
	w.field(4, "compaction", msgsRef(&m.Compaction))
	w.field(5, "schema_change", msgRef(&m.SchemaChange))
	w.field(0, "", &m.unknown)
}

// TabletStatsPB is the stats of a tablet (value of the stats key).
// Protobuf message doris.cloud.TabletStatsPB.
type TabletStatsPB struct {
	Idx                      *TabletIndexPB // 1: idx
	DataSize                 Opt[int64]     // 2: data_size
	NumRows                  Opt[int64]     // 3: num_rows
	NumRowsets               Opt[int64]     // 4: num_rowsets
	NumSegments              Opt[int64]     // 5: num_segments
	BaseCompactionCnt        Opt[int64]     // 7: base_compaction_cnt
	CumulativeCompactionCnt  Opt[int64]     // 8: cumulative_compaction_cnt
	CumulativePoint          Opt[int64]     // 9: cumulative_point
	LastBaseCompactionTimeMs Opt[int64]     // 10: last_base_compaction_time_ms
	LastCumuCompactionTimeMs Opt[int64]     // 11: last_cumu_compaction_time_ms
	FullCompactionCnt        Opt[int64]     // 12: full_compaction_cnt
	LastFullCompactionTimeMs Opt[int64]     // 13: last_full_compaction_time_ms
	IndexSize                Opt[int64]     // 14: index_size
	SegmentSize              Opt[int64]     // 15: segment_size

	unknown unknownFields
}

func (*TabletStatsPB) protoName() string { return "doris.cloud.TabletStatsPB" }

func (m *TabletStatsPB) walk(w walker) {
	w.field(1, "idx", msgRef(&m.Idx))
	w.field(2, "data_size", &m.DataSize)
	w.field(3, "num_rows", &m.NumRows)
	w.field(4, "num_rowsets", &m.NumRowsets)
	w.field(5, "num_segments", &m.NumSegments)
	w.field(7, "base_compaction_cnt", &m.BaseCompactionCnt)
	w.field(8, "cumulative_compaction_cnt", &m.CumulativeCompactionCnt)
	w.field(9, "cumulative_point", &m.CumulativePoint)
	w.field(10, "last_base_compaction_time_ms", &m.LastBaseCompactionTimeMs)
	w.field(11, "last_cumu_compaction_time_ms", &m.LastCumuCompactionTimeMs)
	w.field(12, "full_compaction_cnt", &m.FullCompactionCnt)
	w.field(13, "last_full_compaction_time_ms", &m.LastFullCompactionTimeMs)
	w.field(14, "index_size", &m.IndexSize)
	w.field(15, "segment_size", &m.SegmentSize)
	w.field(0, "", &m.unknown)
}

// RecycleRowsetPB is the value of a rowset recycle key.
// Protobuf message doris.cloud.RecycleRowsetPB.
type RecycleRowsetPB struct {
	TabletID     Opt[int64]                // 1: tablet_id
	ResourceID   Opt[string]               // 2: resource_id
	CreationTime Opt[int64]                // 3: creation_time
	Expiration   Opt[int64]                // 4: expiration
	Type         Opt[RecycleRowsetPB_Type] // 5: type
	RowsetMeta   *RowsetMetaCloudPB        // 6: rowset_meta

	unknown unknownFields
}

func (*RecycleRowsetPB) protoName() string { return "doris.cloud.RecycleRowsetPB" }

func (m *RecycleRowsetPB) walk(w walker) {
	w.field(1, "tablet_id", &m.TabletID)
	w.field(2, "resource_id", &m.ResourceID)
	w.field(3, "creation_time", &m.CreationTime)
	w.field(4, "expiration", &m.Expiration)
	w.field(5, "type", enumRef(&m.Type))
	w.field(6, "rowset_meta", msgRef(&m.RowsetMeta))
	w.field(0, "", &m.unknown)
}

// GetTabletStatsRequest is the get_tablet_stats request.
// Protobuf message doris.cloud.GetTabletStatsRequest.
type GetTabletStatsRequest struct {
	CloudUniqueID Opt[string]      // 1: cloud_unique_id
	TabletIdx     []*TabletIndexPB // 2: tablet_idx
	RequestIP     Opt[string]      // 3: request_ip

	unknown unknownFields
}

func (*GetTabletStatsRequest) protoName() string { return "doris.cloud.GetTabletStatsRequest" }

func (m *GetTabletStatsRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "tablet_idx", msgsRef(&m.TabletIdx))
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetTabletStatsResponse is the get_tablet_stats response.
// Protobuf message doris.cloud.GetTabletStatsResponse.
type GetTabletStatsResponse struct {
	Status      *MetaServiceResponseStatus // 1: status
	TabletStats []*TabletStatsPB           // 2: tablet_stats

	unknown unknownFields
}

func (*GetTabletStatsResponse) protoName() string { return "doris.cloud.GetTabletStatsResponse" }

func (m *GetTabletStatsResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "tablet_stats", msgsRef(&m.TabletStats))
	w.field(0, "", &m.unknown)
}

// StartTabletJobRequest is the start_tablet_job request.
// Protobuf message doris.cloud.StartTabletJobRequest.
type StartTabletJobRequest struct {
	CloudUniqueID Opt[string]      // 1: cloud_unique_id
	Job           *TabletJobInfoPB // 2: job
	RequestIP     Opt[string]      // 3: request_ip

	unknown unknownFields
}

func (*StartTabletJobRequest) protoName() string { return "doris.cloud.StartTabletJobRequest" }

func (m *StartTabletJobRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "job", msgRef(&m.Job))
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// StartTabletJobResponse is the start_tablet_job response.
// Protobuf message doris.cloud.StartTabletJobResponse.
type StartTabletJobResponse struct {
	Status              *MetaServiceResponseStatus // 1: status
	VersionInCompaction []int64                    // 2: version_in_compaction
	AlterVersion        Opt[int64]                 // 3: alter_version

	unknown unknownFields
}

func (*StartTabletJobResponse) protoName() string { return "doris.cloud.StartTabletJobResponse" }

func (m *StartTabletJobResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "version_in_compaction", &m.VersionInCompaction)
	w.field(3, "alter_version", &m.AlterVersion)
	w.field(0, "", &m.unknown)
}

// FinishTabletJobRequest is the finish_tablet_job (and abort_tablet_job) request.
// Protobuf message doris.cloud.FinishTabletJobRequest.
type FinishTabletJobRequest struct {
	CloudUniqueID Opt[string]                        // 1: cloud_unique_id
	Action        Opt[FinishTabletJobRequest_Action] // 2: action
	Job           *TabletJobInfoPB                   // 3: job
	RequestIP     Opt[string]                        // 4: request_ip

	unknown unknownFields
}

func (*FinishTabletJobRequest) protoName() string { return "doris.cloud.FinishTabletJobRequest" }

func (m *FinishTabletJobRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "action", enumRef(&m.Action))
	w.field(3, "job", msgRef(&m.Job))
	w.field(4, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// FinishTabletJobResponse is the finish_tablet_job response.
// Protobuf message doris.cloud.FinishTabletJobResponse.
type FinishTabletJobResponse struct {
	Status       *MetaServiceResponseStatus // 1: status
	Stats        *TabletStatsPB             // 2: stats
	AlterVersion Opt[int64]                 // 3: alter_version

	unknown unknownFields
}

func (*FinishTabletJobResponse) protoName() string { return "doris.cloud.FinishTabletJobResponse" }

func (m *FinishTabletJobResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "stats", msgRef(&m.Stats))
	w.field(3, "alter_version", &m.AlterVersion)
	w.field(0, "", &m.unknown)
}
