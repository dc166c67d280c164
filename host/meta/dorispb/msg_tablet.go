package dorispb

// Tablet, rowset and txn RPC messages of cloud.proto and olap_file.proto used
// by the compute-node write path (create_tablets, get_tablet, get_txn,
// prepare_rowset, commit_rowset, get_rowset).
// Field numbers, names and types are those of apache/doris gensrc/proto.

// TabletMetaCloudPB is the cloud tablet meta (olap_file.proto). Only the
// fields metahost keeps are modelled; schema (9), alter_task (12),
// tablet_state (8) and tablet_type (17) are not (lenient parsing drops them).
// Protobuf message doris.TabletMetaCloudPB.
type TabletMetaCloudPB struct {
	TableID                                   Opt[int64]           // 1: table_id
	PartitionID                               Opt[int64]           // 2: partition_id
	TabletID                                  Opt[int64]           // 3: tablet_id
	SchemaHash                                Opt[int32]           // 4: schema_hash
	ShardID                                   Opt[int32]           // 5: shard_id
	CreationTime                              Opt[int64]           // 6: creation_time
	CumulativeLayerPoint                      Opt[int64]           // 7: cumulative_layer_point
	RsMetas                                   []*RowsetMetaCloudPB // 10: rs_metas
	InRestoreMode                             Opt[bool]            // 13: in_restore_mode
	TabletUID                                 *PUniqueId           // 14: tablet_uid
	EndRowsetID                               Opt[int64]           // 15: end_rowset_id
	ReplicaID                                 Opt[int64]           // 19: replica_id
	CompactionPolicy                          Opt[string]          // 20: compaction_policy
	TimeSeriesCompactionGoalSizeMbytes        Opt[int64]           // 21: time_series_compaction_goal_size_mbytes
	TimeSeriesCompactionFileCountThreshold    Opt[int64]           // 22: time_series_compaction_file_count_threshold
	TimeSeriesCompactionTimeThresholdSeconds  Opt[int64]           // 23: time_series_compaction_time_threshold_seconds
	TimeSeriesCompactionEmptyRowsetsThreshold Opt[int64]           // 24: time_series_compaction_empty_rowsets_threshold
	IndexID                                   Opt[int64]           // 25: index_id
	EnableUniqueKeyMergeOnWrite               Opt[bool]            // 26: enable_unique_key_merge_on_write
	SchemaVersion                             Opt[int32]           // 30: schema_version
	TimeSeriesCompactionLevelThreshold        Opt[int64]           // 31: time_series_compaction_level_threshold

	unknown unknownFields
}

func (*TabletMetaCloudPB) protoName() string { return "doris.TabletMetaCloudPB" }

func (m *TabletMetaCloudPB) walk(w walker) {
	w.field(1, "table_id", &m.TableID)
	w.field(2, "partition_id", &m.PartitionID)
	w.field(3, "tablet_id", &m.TabletID)
	w.field(4, "schema_hash", &m.SchemaHash)
	w.field(5, "shard_id", &m.ShardID)
	w.field(6, "creation_time", &m.CreationTime)
	w.field(7, "cumulative_layer_point", &m.CumulativeLayerPoint)
	w.field(10, "rs_metas", msgsRef(&m.RsMetas))
	w.field(13, "in_restore_mode", &m.InRestoreMode)
	w.field(14, "tablet_uid", msgRef(&m.TabletUID))
	w.field(15, "end_rowset_id", &m.EndRowsetID)
	w.field(19, "replica_id", &m.ReplicaID)
	w.field(20, "compaction_policy", &m.CompactionPolicy)
	w.field(21, "time_series_compaction_goal_size_mbytes", &m.TimeSeriesCompactionGoalSizeMbytes)
	w.field(22, "time_series_compaction_file_count_threshold", &m.TimeSeriesCompactionFileCountThreshold)
	w.field(23, "time_series_compaction_time_threshold_seconds", &m.TimeSeriesCompactionTimeThresholdSeconds)
	w.field(24, "time_series_compaction_empty_rowsets_threshold", &m.TimeSeriesCompactionEmptyRowsetsThreshold)
	w.field(25, "index_id", &m.IndexID)
	w.field(26, "enable_unique_key_merge_on_write", &m.EnableUniqueKeyMergeOnWrite)
	w.field(30, "schema_version", &m.SchemaVersion)
	w.field(31, "time_series_compaction_level_threshold", &m.TimeSeriesCompactionLevelThreshold)
	w.field(0, "", &m.unknown)
}

// CreateTabletsRequest is the create_tablets request.
// Protobuf message doris.cloud.CreateTabletsRequest.
type CreateTabletsRequest struct {
	CloudUniqueID    Opt[string]          // 1: cloud_unique_id
	TabletMetas      []*TabletMetaCloudPB // 2: tablet_metas
	StorageVaultName Opt[string]          // 3: storage_vault_name
	DbID             Opt[int64]           // 4: db_id
	RequestIP        Opt[string]          // 5: request_ip

	unknown unknownFields
}

func (*CreateTabletsRequest) protoName() string { return "doris.cloud.CreateTabletsRequest" }

func (m *CreateTabletsRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "tablet_metas", msgsRef(&m.TabletMetas))
	w.field(3, "storage_vault_name", &m.StorageVaultName)
	w.field(4, "db_id", &m.DbID)
	w.field(5, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// CreateTabletsResponse is the create_tablets response.
// Protobuf message doris.cloud.CreateTabletsResponse.
type CreateTabletsResponse struct {
	Status           *MetaServiceResponseStatus // 1: status
	StorageVaultID   Opt[string]                // 2: storage_vault_id
	StorageVaultName Opt[string]                // 3: storage_vault_name

	unknown unknownFields
}

func (*CreateTabletsResponse) protoName() string { return "doris.cloud.CreateTabletsResponse" }

func (m *CreateTabletsResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "storage_vault_id", &m.StorageVaultID)
	w.field(3, "storage_vault_name", &m.StorageVaultName)
	w.field(0, "", &m.unknown)
}

// GetTabletRequest is the get_tablet request.
// Protobuf message doris.cloud.GetTabletRequest.
type GetTabletRequest struct {
	CloudUniqueID Opt[string] // 1: cloud_unique_id
	TabletID      Opt[int64]  // 2: tablet_id
	RequestIP     Opt[string] // 3: request_ip

	unknown unknownFields
}

func (*GetTabletRequest) protoName() string { return "doris.cloud.GetTabletRequest" }

func (m *GetTabletRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "tablet_id", &m.TabletID)
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetTabletResponse is the get_tablet response.
// Protobuf message doris.cloud.GetTabletResponse.
type GetTabletResponse struct {
	Status     *MetaServiceResponseStatus // 1: status
	TabletMeta *TabletMetaCloudPB         // 2: tablet_meta

	unknown unknownFields
}

func (*GetTabletResponse) protoName() string { return "doris.cloud.GetTabletResponse" }

func (m *GetTabletResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "tablet_meta", msgRef(&m.TabletMeta))
	w.field(0, "", &m.unknown)
}

// GetTxnRequest is the get_txn request.
// Protobuf message doris.cloud.GetTxnRequest.
type GetTxnRequest struct {
	CloudUniqueID Opt[string] // 1: cloud_unique_id
	DbID          Opt[int64]  // 2: db_id
	TxnID         Opt[int64]  // 3: txn_id
	RequestIP     Opt[string] // 4: request_ip
	Label         Opt[string] // 5: label

	unknown unknownFields
}

func (*GetTxnRequest) protoName() string { return "doris.cloud.GetTxnRequest" }

func (m *GetTxnRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "db_id", &m.DbID)
	w.field(3, "txn_id", &m.TxnID)
	w.field(4, "request_ip", &m.RequestIP)
	w.field(5, "label", &m.Label)
	w.field(0, "", &m.unknown)
}

// GetTxnResponse is the get_txn response.
// Protobuf message doris.cloud.GetTxnResponse.
type GetTxnResponse struct {
	Status  *MetaServiceResponseStatus // 1: status
	TxnInfo *TxnInfoPB                 // 2: txn_info

	unknown unknownFields
}

func (*GetTxnResponse) protoName() string { return "doris.cloud.GetTxnResponse" }

func (m *GetTxnResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "txn_info", msgRef(&m.TxnInfo))
	w.field(0, "", &m.unknown)
}

// CreateRowsetRequest is the prepare_rowset / commit_rowset request.
// Protobuf message doris.cloud.CreateRowsetRequest.
type CreateRowsetRequest struct {
	CloudUniqueID Opt[string]        // 1: cloud_unique_id
	RowsetMeta    *RowsetMetaCloudPB // 2: rowset_meta
	Temporary     Opt[bool]          // 3: temporary
	TxnID         Opt[int64]         // 4: txn_id
	TabletJobID   Opt[string]        // 5: tablet_job_id
	RequestIP     Opt[string]        // 6: request_ip

	unknown unknownFields
}

func (*CreateRowsetRequest) protoName() string { return "doris.cloud.CreateRowsetRequest" }

func (m *CreateRowsetRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "rowset_meta", msgRef(&m.RowsetMeta))
	w.field(3, "temporary", &m.Temporary)
	w.field(4, "txn_id", &m.TxnID)
	w.field(5, "tablet_job_id", &m.TabletJobID)
	w.field(6, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// CreateRowsetResponse is the prepare_rowset / commit_rowset response.
// Protobuf message doris.cloud.CreateRowsetResponse.
type CreateRowsetResponse struct {
	Status            *MetaServiceResponseStatus // 1: status
	ExistedRowsetMeta *RowsetMetaCloudPB         // 2: existed_rowset_meta

	unknown unknownFields
}

func (*CreateRowsetResponse) protoName() string { return "doris.cloud.CreateRowsetResponse" }

func (m *CreateRowsetResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "existed_rowset_meta", msgRef(&m.ExistedRowsetMeta))
	w.field(0, "", &m.unknown)
}

// GetRowsetRequest is the get_rowset request. schema_op (8) is not modelled.
// Protobuf message doris.cloud.GetRowsetRequest.
type GetRowsetRequest struct {
	CloudUniqueID           Opt[string]    // 1: cloud_unique_id
	Idx                     *TabletIndexPB // 2: idx
	StartVersion            Opt[int64]     // 3: start_version
	EndVersion              Opt[int64]     // 4: end_version
	BaseCompactionCnt       Opt[int64]     // 5: base_compaction_cnt
	CumulativeCompactionCnt Opt[int64]     // 6: cumulative_compaction_cnt
	CumulativePoint         Opt[int64]     // 7: cumulative_point
	RequestIP               Opt[string]    // 9: request_ip

	unknown unknownFields
}

func (*GetRowsetRequest) protoName() string { return "doris.cloud.GetRowsetRequest" }

func (m *GetRowsetRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "idx", msgRef(&m.Idx))
	w.field(3, "start_version", &m.StartVersion)
	w.field(4, "end_version", &m.EndVersion)
	w.field(5, "base_compaction_cnt", &m.BaseCompactionCnt)
	w.field(6, "cumulative_compaction_cnt", &m.CumulativeCompactionCnt)
	w.field(7, "cumulative_point", &m.CumulativePoint)
	w.field(9, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetRowsetResponse is the get_rowset response. schema_dict (4) is not modelled.
// Protobuf message doris.cloud.GetRowsetResponse.
type GetRowsetResponse struct {
	Status     *MetaServiceResponseStatus // 1: status
	RowsetMeta []*RowsetMetaCloudPB       // 2: rowset_meta
	Stats      *TabletStatsPB             // 3: stats

	unknown unknownFields
}

func (*GetRowsetResponse) protoName() string { return "doris.cloud.GetRowsetResponse" }

func (m *GetRowsetResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "rowset_meta", msgsRef(&m.RowsetMeta))
	w.field(3, "stats", msgRef(&m.Stats))
	w.field(0, "", &m.unknown)
}
