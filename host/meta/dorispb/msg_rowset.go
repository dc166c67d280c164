package dorispb

// Rowset meta messages of olap_file.proto (package doris) and types.proto.
// Field numbers, names and types are those of apache/doris gensrc/proto.

// PUniqueId is a 128-bit id (types.proto); both halves are required.
// Protobuf message doris.PUniqueId.
type PUniqueId struct {
	Hi Opt[int64] // 1: hi (required)
	Lo Opt[int64] // 2: lo (required)

	unknown unknownFields
}

func (*PUniqueId) protoName() string { return "doris.PUniqueId" }

func (m *PUniqueId) walk(w walker) {
	w.field(req|1, "hi", &m.Hi)
	w.field(req|2, "lo", &m.Lo)
	w.field(0, "", &m.unknown)
}

// KeyBoundsPB is the encoded min/max key of a segment; both are required.
// Protobuf message doris.KeyBoundsPB.
type KeyBoundsPB struct {
	MinKey Opt[[]byte] // 1: min_key (required)
	MaxKey Opt[[]byte] // 2: max_key (required)

	unknown unknownFields
}

func (*KeyBoundsPB) protoName() string { return "doris.KeyBoundsPB" }

func (m *KeyBoundsPB) walk(w walker) {
	w.field(req|1, "min_key", &m.MinKey)
	w.field(req|2, "max_key", &m.MaxKey)
	w.field(0, "", &m.unknown)
}

// InPredicatePB is an IN predicate of a delete.
// Protobuf message doris.InPredicatePB.
type InPredicatePB struct {
	ColumnName     Opt[string] // 1: column_name
	IsNotIn        Opt[bool]   // 2: is_not_in
	Values         []string    // 3: values
	ColumnUniqueID Opt[int32]  // 4: column_unique_id

	unknown unknownFields
}

func (*InPredicatePB) protoName() string { return "doris.InPredicatePB" }

func (m *InPredicatePB) walk(w walker) {
	w.field(1, "column_name", &m.ColumnName)
	w.field(2, "is_not_in", &m.IsNotIn)
	w.field(3, "values", &m.Values)
	w.field(4, "column_unique_id", &m.ColumnUniqueID)
	w.field(0, "", &m.unknown)
}

// DeleteSubPredicatePB is one condition of a delete predicate (v2).
// Protobuf message doris.DeleteSubPredicatePB.
type DeleteSubPredicatePB struct {
	ColumnUniqueID Opt[int32]  // 1: column_unique_id
	ColumnName     Opt[string] // 2: column_name
	Op             Opt[string] // 3: op
	CondValue      Opt[string] // 4: cond_value

	unknown unknownFields
}

func (*DeleteSubPredicatePB) protoName() string { return "doris.DeleteSubPredicatePB" }

func (m *DeleteSubPredicatePB) walk(w walker) {
	w.field(1, "column_unique_id", &m.ColumnUniqueID)
	w.field(2, "column_name", &m.ColumnName)
	w.field(3, "op", &m.Op)
	w.field(4, "cond_value", &m.CondValue)
	w.field(0, "", &m.unknown)
}

// DeletePredicatePB is the delete condition carried by a DELETE rowset; version is required.
// Protobuf message doris.DeletePredicatePB.
type DeletePredicatePB struct {
	Version         Opt[int32]              // 1: version (required)
	SubPredicates   []string                // 2: sub_predicates
	InPredicates    []*InPredicatePB        // 3: in_predicates
	SubPredicatesV2 []*DeleteSubPredicatePB // 4: sub_predicates_v2

	unknown unknownFields
}

func (*DeletePredicatePB) protoName() string { return "doris.DeletePredicatePB" }

func (m *DeletePredicatePB) walk(w walker) {
	w.field(req|1, "version", &m.Version)
	w.field(2, "sub_predicates", &m.SubPredicates)
	w.field(3, "in_predicates", msgsRef(&m.InPredicates))
	w.field(4, "sub_predicates_v2", msgsRef(&m.SubPredicatesV2))
	w.field(0, "", &m.unknown)
}

// SchemaDictKeyList lists the schema dictionary keys used by a rowset.
// Protobuf message doris.SchemaDictKeyList.
type SchemaDictKeyList struct {
	ColumnDictKeyList       []int32 // 1: column_dict_key_list
	IndexInfoDictKeyList    []int32 // 2: index_info_dict_key_list
	SparseColumnDictKeyList []int32 // 3: sparse_column_dict_key_list

	unknown unknownFields
}

func (*SchemaDictKeyList) protoName() string { return "doris.SchemaDictKeyList" }

func (m *SchemaDictKeyList) walk(w walker) {
	w.field(1, "column_dict_key_list", &m.ColumnDictKeyList)
	w.field(2, "index_info_dict_key_list", &m.IndexInfoDictKeyList)
	w.field(3, "sparse_column_dict_key_list", &m.SparseColumnDictKeyList)
	w.field(0, "", &m.unknown)
}

// RowsetMetaCloudPB is the cloud rowset meta (olap_file.proto). Only the fields the compaction and txn logic use are modelled; zone_maps (15), tablet_schema (28), inverted_index_file_info (107), __split_schema (108) and packed_slice_locations (111) are not. rowset_id (1) is required.
// Protobuf message doris.RowsetMetaCloudPB.
type RowsetMetaCloudPB struct {
	RowsetID                    Opt[int64]             // 1: rowset_id (required)
	PartitionID                 Opt[int64]             // 2: partition_id
	TabletID                    Opt[int64]             // 3: tablet_id
	TxnID                       Opt[int64]             // 4: txn_id
	TabletSchemaHash            Opt[int32]             // 5: tablet_schema_hash
	RowsetType                  Opt[RowsetTypePB]      // 6: rowset_type
	RowsetState                 Opt[RowsetStatePB]     // 7: rowset_state
	StartVersion                Opt[int64]             // 8: start_version
	EndVersion                  Opt[int64]             // 9: end_version
	VersionHash                 Opt[int64]             // 10: version_hash
	NumRows                     Opt[int64]             // 11: num_rows
	TotalDiskSize               Opt[int64]             // 12: total_disk_size
	DataDiskSize                Opt[int64]             // 13: data_disk_size
	IndexDiskSize               Opt[int64]             // 14: index_disk_size
	DeletePredicate             *DeletePredicatePB     // 16: delete_predicate
	Empty                       Opt[bool]              // 17: empty
	LoadID                      *PUniqueId             // 18: load_id
	DeleteFlag                  Opt[bool]              // 19: delete_flag
	CreationTime                Opt[int64]             // 20: creation_time
	TabletUID                   *PUniqueId             // 21: tablet_uid
	NumSegments                 Opt[int64]             // 22: num_segments
	RowsetIDV2                  Opt[string]            // 23: rowset_id_v2
	ResourceID                  Opt[string]            // 24: resource_id
	NewestWriteTimestamp        Opt[int64]             // 26: newest_write_timestamp
	SegmentsKeyBounds           []*KeyBoundsPB         // 27: segments_key_bounds
	TxnExpiration               Opt[int64]             // 29: txn_expiration
	SegmentsOverlapPb           Opt[SegmentsOverlapPB] // 51: segments_overlap_pb
	CompactionLevel             Opt[int64]             // 52: compaction_level
	SourceTabletID              Opt[int64]             // 53: source_tablet_id
	SourceRowsetID              Opt[string]            // 54: source_rowset_id
	SegmentsKeyBoundsTruncated  Opt[bool]              // 55: segments_key_bounds_truncated
	NumSegmentRows              []int64                // 56: num_segment_rows
	SegmentsFileSize            []int64                // 100: segments_file_size
	IndexID                     Opt[int64]             // 101: index_id
	SchemaVersion               Opt[int32]             // 102: schema_version
	EnableSegmentsFileSize      Opt[bool]              // 103: enable_segments_file_size
	HasVariantTypeInSchema      Opt[bool]              // 104: has_variant_type_in_schema
	SchemaDictKeyList           *SchemaDictKeyList     // 105: schema_dict_key_list
	EnableInvertedIndexFileInfo Opt[bool]              // 106: enable_inverted_index_file_info
	VisibleTsMs                 Opt[int64]             // 109: visible_ts_ms
	ReferenceInstanceID         Opt[string]            // 110: reference_instance_id
	IsRecycled                  Opt[bool]              // 112: is_recycled
	JobID                       Opt[string]            // 113: job_id

	unknown unknownFields
}

func (*RowsetMetaCloudPB) protoName() string { return "doris.RowsetMetaCloudPB" }

func (m *RowsetMetaCloudPB) walk(w walker) {
	w.field(req|1, "rowset_id", &m.RowsetID)
	w.field(2, "partition_id", &m.PartitionID)
	w.field(3, "tablet_id", &m.TabletID)
	w.field(4, "txn_id", &m.TxnID)
	w.field(5, "tablet_schema_hash", &m.TabletSchemaHash)
	w.field(6, "rowset_type", enumRef(&m.RowsetType))
	w.field(7, "rowset_state", enumRef(&m.RowsetState))
	w.field(8, "start_version", &m.StartVersion)
	w.field(9, "end_version", &m.EndVersion)
	w.field(10, "version_hash", &m.VersionHash)
	w.field(11, "num_rows", &m.NumRows)
	w.field(12, "total_disk_size", &m.TotalDiskSize)
	w.field(13, "data_disk_size", &m.DataDiskSize)
	w.field(14, "index_disk_size", &m.IndexDiskSize)
	w.field(16, "delete_predicate", msgRef(&m.DeletePredicate))
	w.field(17, "empty", &m.Empty)
	w.field(18, "load_id", msgRef(&m.LoadID))
	w.field(19, "delete_flag", &m.DeleteFlag)
	w.field(20, "creation_time", &m.CreationTime)
	w.field(21, "tablet_uid", msgRef(&m.TabletUID))
	w.field(22, "num_segments", &m.NumSegments)
	w.field(23, "rowset_id_v2", &m.RowsetIDV2)
	w.field(24, "resource_id", &m.ResourceID)
	w.field(26, "newest_write_timestamp", &m.NewestWriteTimestamp)
	w.field(27, "segments_key_bounds", msgsRef(&m.SegmentsKeyBounds))
	w.field(29, "txn_expiration", &m.TxnExpiration)
	w.field(51, "segments_overlap_pb", enumRef(&m.SegmentsOverlapPb))
	w.field(52, "compaction_level", &m.CompactionLevel)
	w.field(53, "source_tablet_id", &m.SourceTabletID)
	w.field(54, "source_rowset_id", &m.SourceRowsetID)
	w.field(55, "segments_key_bounds_truncated", &m.SegmentsKeyBoundsTruncated)
	w.field(56, "num_segment_rows", &m.NumSegmentRows)
	w.field(100, "segments_file_size", &m.SegmentsFileSize)
	w.field(101, "index_id", &m.IndexID)
	w.field(102, "schema_version", &m.SchemaVersion)
	w.field(103, "enable_segments_file_size", &m.EnableSegmentsFileSize)
	w.field(104, "has_variant_type_in_schema", &m.HasVariantTypeInSchema)
	w.field(105, "schema_dict_key_list", msgRef(&m.SchemaDictKeyList))
	w.field(106, "enable_inverted_index_file_info", &m.EnableInvertedIndexFileInfo)
	w.field(109, "visible_ts_ms", &m.VisibleTsMs)
	w.field(110, "reference_instance_id", &m.ReferenceInstanceID)
	w.field(112, "is_recycled", &m.IsRecycled)
	w.field(113, "job_id", &m.JobID)
	w.field(0, "", &m.unknown)
}
