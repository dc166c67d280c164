package dorispb

// Transaction messages of cloud.proto.
// Field numbers, names and types are those of apache/doris gensrc/proto.

// UniqueIdPB is the wire format of a UniqueId.
// Protobuf message doris.cloud.UniqueIdPB.
type UniqueIdPB struct {
	Hi Opt[int64] // 1: hi
	Lo Opt[int64] // 2: lo

	unknown unknownFields
}

func (*UniqueIdPB) protoName() string { return "doris.cloud.UniqueIdPB" }

func (m *UniqueIdPB) walk(w walker) {
	w.field(1, "hi", &m.Hi)
	w.field(2, "lo", &m.Lo)
	w.field(0, "", &m.unknown)
}

// TxnCoordinatorPB identifies the coordinator (FE/BE) of a transaction.
// Protobuf message doris.cloud.TxnCoordinatorPB.
type TxnCoordinatorPB struct {
	SourceType Opt[TxnSourceTypePB] // 1: sourceType
	IP         Opt[string]          // 2: ip
	ID         Opt[int64]           // 3: id
	StartTime  Opt[int64]           // 4: start_time

	unknown unknownFields
}

func (*TxnCoordinatorPB) protoName() string { return "doris.cloud.TxnCoordinatorPB" }

func (m *TxnCoordinatorPB) walk(w walker) {
	w.field(1, "sourceType", enumRef(&m.SourceType))
	w.field(2, "ip", &m.IP)
	w.field(3, "id", &m.ID)
	w.field(4, "start_time", &m.StartTime)
	w.field(0, "", &m.unknown)
}

// TxnLabelPB maps a label to its txn ids.
// Protobuf message doris.cloud.TxnLabelPB.
type TxnLabelPB struct {
	TxnIDs []int64 // 1: txn_ids

	unknown unknownFields
}

func (*TxnLabelPB) protoName() string { return "doris.cloud.TxnLabelPB" }

func (m *TxnLabelPB) walk(w walker) {
	w.field(1, "txn_ids", &m.TxnIDs)
	w.field(0, "", &m.unknown)
}

// TxnIndexPB maps a txn id to its db (txn index key value).
// Protobuf message doris.cloud.TxnIndexPB.
type TxnIndexPB struct {
	TabletIndex *TabletIndexPB // 1: tablet_index
	ParentTxnID Opt[int64]     // 2: parent_txn_id

	unknown unknownFields
}

func (*TxnIndexPB) protoName() string { return "doris.cloud.TxnIndexPB" }

func (m *TxnIndexPB) walk(w walker) {
	w.field(1, "tablet_index", msgRef(&m.TabletIndex))
	w.field(2, "parent_txn_id", &m.ParentTxnID)
	w.field(0, "", &m.unknown)
}

// TxnInfoPB is the stored transaction. commit_attachment (16) is not modelled.
// Protobuf message doris.cloud.TxnInfoPB.
type TxnInfoPB struct {
	DbID               Opt[int64]               // 1: db_id
	TableIDs           []int64                  // 2: table_ids
	TxnID              Opt[int64]               // 3: txn_id
	Label              Opt[string]              // 4: label
	RequestID          *UniqueIdPB              // 5: request_id
	Coordinator        *TxnCoordinatorPB        // 6: coordinator
	LoadJobSourceType  Opt[LoadJobSourceTypePB] // 7: load_job_source_type
	TimeoutMs          Opt[int64]               // 8: timeout_ms
	PrecommitTimeoutMs Opt[int64]               // 9: precommit_timeout_ms
	PrepareTime        Opt[int64]               // 10: prepare_time
	PrecommitTime      Opt[int64]               // 11: precommit_time
	CommitTime         Opt[int64]               // 12: commit_time
	FinishTime         Opt[int64]               // 13: finish_time
	Reason             Opt[string]              // 14: reason
	Status             Opt[TxnStatusPB]         // 15: status
	ListenerID         Opt[int64]               // 17: listener_id
	SubTxnIDs          []int64                  // 18: sub_txn_ids
	VersionedWrite     Opt[bool]                // 19: versioned_write
	VersionedRead      Opt[bool]                // 20: versioned_read

	unknown unknownFields
}

func (*TxnInfoPB) protoName() string { return "doris.cloud.TxnInfoPB" }

func (m *TxnInfoPB) walk(w walker) {
	w.field(1, "db_id", &m.DbID)
	w.field(2, "table_ids", &m.TableIDs)
	w.field(3, "txn_id", &m.TxnID)
	w.field(4, "label", &m.Label)
	w.field(5, "request_id", msgRef(&m.RequestID))
	w.field(6, "coordinator", msgRef(&m.Coordinator))
	w.field(7, "load_job_source_type", enumRef(&m.LoadJobSourceType))
	w.field(8, "timeout_ms", &m.TimeoutMs)
	w.field(9, "precommit_timeout_ms", &m.PrecommitTimeoutMs)
	w.field(10, "prepare_time", &m.PrepareTime)
	w.field(11, "precommit_time", &m.PrecommitTime)
	w.field(12, "commit_time", &m.CommitTime)
	w.field(13, "finish_time", &m.FinishTime)
	w.field(14, "reason", &m.Reason)
	w.field(15, "status", enumRef(&m.Status))
	w.field(17, "listener_id", &m.ListenerID)
	w.field(18, "sub_txn_ids", &m.SubTxnIDs)
	w.field(19, "versioned_write", &m.VersionedWrite)
	w.field(20, "versioned_read", &m.VersionedRead)
	w.field(0, "", &m.unknown)
}

// TxnRunningPB is the value of the txn running key (conflict and timeout checks).
// Protobuf message doris.cloud.TxnRunningPB.
type TxnRunningPB struct {
	TableIDs    []int64    // 1: table_ids
	TimeoutTime Opt[int64] // 2: timeout_time

	unknown unknownFields
}

func (*TxnRunningPB) protoName() string { return "doris.cloud.TxnRunningPB" }

func (m *TxnRunningPB) walk(w walker) {
	w.field(1, "table_ids", &m.TableIDs)
	w.field(2, "timeout_time", &m.TimeoutTime)
	w.field(0, "", &m.unknown)
}

// VersionPB is a partition or table version.
// Protobuf message doris.cloud.VersionPB.
type VersionPB struct {
	Version       Opt[int64] // 1: version
	UpdateTimeMs  Opt[int64] // 2: update_time_ms
	PendingTxnIDs []int64    // 3: pending_txn_ids

	unknown unknownFields
}

func (*VersionPB) protoName() string { return "doris.cloud.VersionPB" }

func (m *VersionPB) walk(w walker) {
	w.field(1, "version", &m.Version)
	w.field(2, "update_time_ms", &m.UpdateTimeMs)
	w.field(3, "pending_txn_ids", &m.PendingTxnIDs)
	w.field(0, "", &m.unknown)
}

// RecycleTxnPB is the value of a txn recycle key.
// Protobuf message doris.cloud.RecycleTxnPB.
type RecycleTxnPB struct {
	CreationTime Opt[int64]  // 1: creation_time
	Label        Opt[string] // 2: label
	Immediate    Opt[bool]   // 3: immediate

	unknown unknownFields
}

func (*RecycleTxnPB) protoName() string { return "doris.cloud.RecycleTxnPB" }

func (m *RecycleTxnPB) walk(w walker) {
	w.field(1, "creation_time", &m.CreationTime)
	w.field(2, "label", &m.Label)
	w.field(3, "immediate", &m.Immediate)
	w.field(0, "", &m.unknown)
}

// BeginTxnRequest is the begin_txn request.
// Protobuf message doris.cloud.BeginTxnRequest.
type BeginTxnRequest struct {
	CloudUniqueID Opt[string] // 1: cloud_unique_id
	TxnInfo       *TxnInfoPB  // 2: txn_info
	RequestIP     Opt[string] // 3: request_ip

	unknown unknownFields
}

func (*BeginTxnRequest) protoName() string { return "doris.cloud.BeginTxnRequest" }

func (m *BeginTxnRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "txn_info", msgRef(&m.TxnInfo))
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// BeginTxnResponse is the begin_txn response.
// Protobuf message doris.cloud.BeginTxnResponse.
type BeginTxnResponse struct {
	Status    *MetaServiceResponseStatus // 1: status
	TxnID     Opt[int64]                 // 2: txn_id
	DupTxnID  Opt[int64]                 // 3: dup_txn_id
	TxnStatus Opt[TxnStatusPB]           // 4: txn_status

	unknown unknownFields
}

func (*BeginTxnResponse) protoName() string { return "doris.cloud.BeginTxnResponse" }

func (m *BeginTxnResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "txn_id", &m.TxnID)
	w.field(3, "dup_txn_id", &m.DupTxnID)
	w.field(4, "txn_status", enumRef(&m.TxnStatus))
	w.field(0, "", &m.unknown)
}

// SubTxnInfo is one sub transaction of a transaction load.
// Protobuf message doris.cloud.SubTxnInfo.
type SubTxnInfo struct {
	SubTxnID      Opt[int64] // 1: sub_txn_id
	TableID       Opt[int64] // 2: table_id
	BaseTabletIDs []int64    // 3: base_tablet_ids

	unknown unknownFields
}

func (*SubTxnInfo) protoName() string { return "doris.cloud.SubTxnInfo" }

func (m *SubTxnInfo) walk(w walker) {
	w.field(1, "sub_txn_id", &m.SubTxnID)
	w.field(2, "table_id", &m.TableID)
	w.field(3, "base_tablet_ids", &m.BaseTabletIDs)
	w.field(0, "", &m.unknown)
}

// CommitTxnRequest is the commit_txn request. commit_attachment (5) is not modelled.
// Protobuf message doris.cloud.CommitTxnRequest.
type CommitTxnRequest struct {
	CloudUniqueID       Opt[string]   // 1: cloud_unique_id
	DbID                Opt[int64]    // 2: db_id
	TxnID               Opt[int64]    // 3: txn_id
	Is2pc               Opt[bool]     // 4: is_2pc
	MowTableIDs         []int64       // 6: mow_table_ids
	BaseTabletIDs       []int64       // 7: base_tablet_ids
	IsTxnLoad           Opt[bool]     // 9: is_txn_load
	SubTxnInfos         []*SubTxnInfo // 10: sub_txn_infos
	EnableTxnLazyCommit Opt[bool]     // 11: enable_txn_lazy_commit
	RequestIP           Opt[string]   // 12: request_ip

	unknown unknownFields
}

func (*CommitTxnRequest) protoName() string { return "doris.cloud.CommitTxnRequest" }

func (m *CommitTxnRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "db_id", &m.DbID)
	w.field(3, "txn_id", &m.TxnID)
	w.field(4, "is_2pc", &m.Is2pc)
	w.field(6, "mow_table_ids", &m.MowTableIDs)
	w.field(7, "base_tablet_ids", &m.BaseTabletIDs)
	w.field(9, "is_txn_load", &m.IsTxnLoad)
	w.field(10, "sub_txn_infos", msgsRef(&m.SubTxnInfos))
	w.field(11, "enable_txn_lazy_commit", &m.EnableTxnLazyCommit)
	w.field(12, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// TableStatsPB is the per-table updated row count returned by commit_txn.
// Protobuf message doris.cloud.TableStatsPB.
type TableStatsPB struct {
	TableID         Opt[int64] // 1: table_id
	UpdatedRowCount Opt[int64] // 2: updated_row_count

	unknown unknownFields
}

func (*TableStatsPB) protoName() string { return "doris.cloud.TableStatsPB" }

func (m *TableStatsPB) walk(w walker) {
	w.field(1, "table_id", &m.TableID)
	w.field(2, "updated_row_count", &m.UpdatedRowCount)
	w.field(0, "", &m.unknown)
}

// CommitTxnResponse is the commit_txn response.
// Protobuf message doris.cloud.CommitTxnResponse.
type CommitTxnResponse struct {
	Status              *MetaServiceResponseStatus // 1: status
	TxnInfo             *TxnInfoPB                 // 2: txn_info
	TableIDs            []int64                    // 3: table_ids
	PartitionIDs        []int64                    // 4: partition_ids
	Versions            []int64                    // 5: versions
	TableStats          []*TableStatsPB            // 6: table_stats
	VersionUpdateTimeMs Opt[int64]                 // 7: version_update_time_ms

	unknown unknownFields
}

func (*CommitTxnResponse) protoName() string { return "doris.cloud.CommitTxnResponse" }

func (m *CommitTxnResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "txn_info", msgRef(&m.TxnInfo))
	w.field(3, "table_ids", &m.TableIDs)
	w.field(4, "partition_ids", &m.PartitionIDs)
	w.field(5, "versions", &m.Versions)
	w.field(6, "table_stats", msgsRef(&m.TableStats))
	w.field(7, "version_update_time_ms", &m.VersionUpdateTimeMs)
	w.field(0, "", &m.unknown)
}

// AbortTxnRequest is the abort_txn request. commit_attachment (6) is not modelled.
// Protobuf message doris.cloud.AbortTxnRequest.
type AbortTxnRequest struct {
	CloudUniqueID Opt[string] // 1: cloud_unique_id
	DbID          Opt[int64]  // 2: db_id
	TxnID         Opt[int64]  // 3: txn_id
	Label         Opt[string] // 4: label
	Reason        Opt[string] // 5: reason
	RequestIP     Opt[string] // 7: request_ip

	unknown unknownFields
}

func (*AbortTxnRequest) protoName() string { return "doris.cloud.AbortTxnRequest" }

func (m *AbortTxnRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "db_id", &m.DbID)
	w.field(3, "txn_id", &m.TxnID)
	w.field(4, "label", &m.Label)
	w.field(5, "reason", &m.Reason)
	w.field(7, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// AbortTxnResponse is the abort_txn response.
// Protobuf message doris.cloud.AbortTxnResponse.
type AbortTxnResponse struct {
	Status  *MetaServiceResponseStatus // 1: status
	TxnInfo *TxnInfoPB                 // 2: txn_info

	unknown unknownFields
}

func (*AbortTxnResponse) protoName() string { return "doris.cloud.AbortTxnResponse" }

func (m *AbortTxnResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "txn_info", msgRef(&m.TxnInfo))
	w.field(0, "", &m.unknown)
}
