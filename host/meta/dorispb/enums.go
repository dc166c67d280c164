// Code below mirrors the enum declarations of apache/doris gensrc/proto/cloud.proto
// (commit 00667bd3) and olap_file.proto; names and numbers are the real ones.

package dorispb

// MultiVersionStatus is the protobuf enum doris.cloud.MultiVersionStatus.
type MultiVersionStatus int32

// Enumerators of doris.cloud.MultiVersionStatus.
const (
	MultiVersionStatus_MULTI_VERSION_DISABLED   MultiVersionStatus = 0
	MultiVersionStatus_MULTI_VERSION_WRITE_ONLY MultiVersionStatus = 1
	MultiVersionStatus_MULTI_VERSION_READ_WRITE MultiVersionStatus = 2
	MultiVersionStatus_MULTI_VERSION_ENABLED    MultiVersionStatus = 3
)

var multiVersionStatusDesc = enumDesc{values: []enumVal{
	{"MULTI_VERSION_DISABLED", 0},
	{"MULTI_VERSION_WRITE_ONLY", 1},
	{"MULTI_VERSION_READ_WRITE", 2},
	{"MULTI_VERSION_ENABLED", 3},
}}

func (MultiVersionStatus) desc() *enumDesc { return &multiVersionStatusDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e MultiVersionStatus) String() string { return multiVersionStatusDesc.str(int32(e)) }

// SnapshotSwitchStatus is the protobuf enum doris.cloud.SnapshotSwitchStatus.
type SnapshotSwitchStatus int32

// Enumerators of doris.cloud.SnapshotSwitchStatus.
const (
	SnapshotSwitchStatus_SNAPSHOT_SWITCH_DISABLED SnapshotSwitchStatus = 0
	SnapshotSwitchStatus_SNAPSHOT_SWITCH_OFF      SnapshotSwitchStatus = 1
	SnapshotSwitchStatus_SNAPSHOT_SWITCH_ON       SnapshotSwitchStatus = 2
)

var snapshotSwitchStatusDesc = enumDesc{values: []enumVal{
	{"SNAPSHOT_SWITCH_DISABLED", 0},
	{"SNAPSHOT_SWITCH_OFF", 1},
	{"SNAPSHOT_SWITCH_ON", 2},
}}

func (SnapshotSwitchStatus) desc() *enumDesc { return &snapshotSwitchStatusDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e SnapshotSwitchStatus) String() string { return snapshotSwitchStatusDesc.str(int32(e)) }

// KeySetType is the protobuf enum doris.cloud.KeySetType.
type KeySetType int32

// Enumerators of doris.cloud.KeySetType.
const (
	KeySetType_UNKNOWN_KEY_SET                  KeySetType = 0
	KeySetType_SINGLE_VERSION_PARTITION_VERSION KeySetType = 1
	KeySetType_SINGLE_VERSION_TABLE_VERSION     KeySetType = 2
	KeySetType_SINGLE_VERSION_META_ROWSET       KeySetType = 3
	KeySetType_SINGLE_VERSION_META_TABLET       KeySetType = 4
	KeySetType_SINGLE_VERSION_META_SCHEMA       KeySetType = 5
	KeySetType_SINGLE_VERSION_TABLET_STATS      KeySetType = 6
	KeySetType_SINGLE_VERSION_TABLET_INDEX      KeySetType = 7
	KeySetType_MULTI_VERSION_PARTITION_VERSION  KeySetType = 10
	KeySetType_MULTI_VERSION_TABLE_VERSION      KeySetType = 12
	KeySetType_MULTI_VERSION_INDEX_PARTITION    KeySetType = 13
	KeySetType_MULTI_VERSION_INDEX_INDEX        KeySetType = 14
	KeySetType_MULTI_VERSION_INDEX_TABLET       KeySetType = 15
	KeySetType_MULTI_VERSION_TABLET_STATS       KeySetType = 16
	KeySetType_MULTI_VERSION_META_PARTITION     KeySetType = 17
	KeySetType_MULTI_VERSION_META_INDEX         KeySetType = 18
	KeySetType_MULTI_VERSION_META_TABLET        KeySetType = 19
	KeySetType_MULTI_VERSION_META_SCHEMA        KeySetType = 20
	KeySetType_MULTI_VERSION_META_ROWSET        KeySetType = 21
)

var keySetTypeDesc = enumDesc{values: []enumVal{
	{"UNKNOWN_KEY_SET", 0},
	{"SINGLE_VERSION_PARTITION_VERSION", 1},
	{"SINGLE_VERSION_TABLE_VERSION", 2},
	{"SINGLE_VERSION_META_ROWSET", 3},
	{"SINGLE_VERSION_META_TABLET", 4},
	{"SINGLE_VERSION_META_SCHEMA", 5},
	{"SINGLE_VERSION_TABLET_STATS", 6},
	{"SINGLE_VERSION_TABLET_INDEX", 7},
	{"MULTI_VERSION_PARTITION_VERSION", 10},
	{"MULTI_VERSION_TABLE_VERSION", 12},
	{"MULTI_VERSION_INDEX_PARTITION", 13},
	{"MULTI_VERSION_INDEX_INDEX", 14},
	{"MULTI_VERSION_INDEX_TABLET", 15},
	{"MULTI_VERSION_TABLET_STATS", 16},
	{"MULTI_VERSION_META_PARTITION", 17},
	{"MULTI_VERSION_META_INDEX", 18},
	{"MULTI_VERSION_META_TABLET", 19},
	{"MULTI_VERSION_META_SCHEMA", 20},
	{"MULTI_VERSION_META_ROWSET", 21},
}}

func (KeySetType) desc() *enumDesc { return &keySetTypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e KeySetType) String() string { return keySetTypeDesc.str(int32(e)) }

// InstanceInfoPB_Status is the protobuf enum doris.cloud.InstanceInfoPB.Status.
type InstanceInfoPB_Status int32

// Enumerators of doris.cloud.InstanceInfoPB.Status.
const (
	InstanceInfoPB_NORMAL  InstanceInfoPB_Status = 0
	InstanceInfoPB_DELETED InstanceInfoPB_Status = 1
	InstanceInfoPB_OVERDUE InstanceInfoPB_Status = 2
)

var instanceInfoPB_StatusDesc = enumDesc{values: []enumVal{
	{"NORMAL", 0},
	{"DELETED", 1},
	{"OVERDUE", 2},
}}

func (InstanceInfoPB_Status) desc() *enumDesc { return &instanceInfoPB_StatusDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e InstanceInfoPB_Status) String() string { return instanceInfoPB_StatusDesc.str(int32(e)) }

// StagePB_StageType is the protobuf enum doris.cloud.StagePB.StageType.
type StagePB_StageType int32

// Enumerators of doris.cloud.StagePB.StageType.
const (
	StagePB_INTERNAL StagePB_StageType = 0
	StagePB_EXTERNAL StagePB_StageType = 1
)

var stagePB_StageTypeDesc = enumDesc{values: []enumVal{
	{"INTERNAL", 0},
	{"EXTERNAL", 1},
}}

func (StagePB_StageType) desc() *enumDesc { return &stagePB_StageTypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e StagePB_StageType) String() string { return stagePB_StageTypeDesc.str(int32(e)) }

// StagePB_StageAccessType is the protobuf enum doris.cloud.StagePB.StageAccessType.
type StagePB_StageAccessType int32

// Enumerators of doris.cloud.StagePB.StageAccessType.
const (
	StagePB_UNKNOWN    StagePB_StageAccessType = 0
	StagePB_AKSK       StagePB_StageAccessType = 1
	StagePB_IAM        StagePB_StageAccessType = 2
	StagePB_BUCKET_ACL StagePB_StageAccessType = 3
)

var stagePB_StageAccessTypeDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"AKSK", 1},
	{"IAM", 2},
	{"BUCKET_ACL", 3},
}}

func (StagePB_StageAccessType) desc() *enumDesc { return &stagePB_StageAccessTypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e StagePB_StageAccessType) String() string { return stagePB_StageAccessTypeDesc.str(int32(e)) }

// ClusterStatus is the protobuf enum doris.cloud.ClusterStatus.
type ClusterStatus int32

// Enumerators of doris.cloud.ClusterStatus.
const (
	ClusterStatus_UNKNOWN         ClusterStatus = 0
	ClusterStatus_NORMAL          ClusterStatus = 1
	ClusterStatus_SUSPENDED       ClusterStatus = 2
	ClusterStatus_TO_RESUME       ClusterStatus = 3
	ClusterStatus_MANUAL_SHUTDOWN ClusterStatus = 4
)

var clusterStatusDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"NORMAL", 1},
	{"SUSPENDED", 2},
	{"TO_RESUME", 3},
	{"MANUAL_SHUTDOWN", 4},
}}

func (ClusterStatus) desc() *enumDesc { return &clusterStatusDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e ClusterStatus) String() string { return clusterStatusDesc.str(int32(e)) }

// ClusterPolicy_PolicyType is the protobuf enum doris.cloud.ClusterPolicy.PolicyType.
type ClusterPolicy_PolicyType int32

// Enumerators of doris.cloud.ClusterPolicy.PolicyType.
const (
	ClusterPolicy_ActiveStandby ClusterPolicy_PolicyType = 0
)

var clusterPolicy_PolicyTypeDesc = enumDesc{values: []enumVal{
	{"ActiveStandby", 0},
}}

func (ClusterPolicy_PolicyType) desc() *enumDesc { return &clusterPolicy_PolicyTypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e ClusterPolicy_PolicyType) String() string { return clusterPolicy_PolicyTypeDesc.str(int32(e)) }

// ClusterPB_Type is the protobuf enum doris.cloud.ClusterPB.Type.
type ClusterPB_Type int32

// Enumerators of doris.cloud.ClusterPB.Type.
const (
	ClusterPB_SQL     ClusterPB_Type = 0
	ClusterPB_COMPUTE ClusterPB_Type = 1
	ClusterPB_VIRTUAL ClusterPB_Type = 2
)

var clusterPB_TypeDesc = enumDesc{values: []enumVal{
	{"SQL", 0},
	{"COMPUTE", 1},
	{"VIRTUAL", 2},
}}

func (ClusterPB_Type) desc() *enumDesc { return &clusterPB_TypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e ClusterPB_Type) String() string { return clusterPB_TypeDesc.str(int32(e)) }

// NodeInfoPB_NodeType is the protobuf enum doris.cloud.NodeInfoPB.NodeType.
type NodeInfoPB_NodeType int32

// Enumerators of doris.cloud.NodeInfoPB.NodeType.
const (
	NodeInfoPB_UNKNOWN     NodeInfoPB_NodeType = 0
	NodeInfoPB_FE_MASTER   NodeInfoPB_NodeType = 1
	NodeInfoPB_FE_OBSERVER NodeInfoPB_NodeType = 2
	NodeInfoPB_FE_FOLLOWER NodeInfoPB_NodeType = 3
)

var nodeInfoPB_NodeTypeDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"FE_MASTER", 1},
	{"FE_OBSERVER", 2},
	{"FE_FOLLOWER", 3},
}}

func (NodeInfoPB_NodeType) desc() *enumDesc { return &nodeInfoPB_NodeTypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e NodeInfoPB_NodeType) String() string { return nodeInfoPB_NodeTypeDesc.str(int32(e)) }

// NodeStatusPB is the protobuf enum doris.cloud.NodeStatusPB.
type NodeStatusPB int32

// Enumerators of doris.cloud.NodeStatusPB.
const (
	NodeStatusPB_NODE_STATUS_UNKNOWN         NodeStatusPB = 0
	NodeStatusPB_NODE_STATUS_RUNNING         NodeStatusPB = 1
	NodeStatusPB_NODE_STATUS_SHUTDOWN        NodeStatusPB = 2
	NodeStatusPB_NODE_STATUS_DECOMMISSIONING NodeStatusPB = 3
	NodeStatusPB_NODE_STATUS_DECOMMISSIONED  NodeStatusPB = 4
)

var nodeStatusPBDesc = enumDesc{values: []enumVal{
	{"NODE_STATUS_UNKNOWN", 0},
	{"NODE_STATUS_RUNNING", 1},
	{"NODE_STATUS_SHUTDOWN", 2},
	{"NODE_STATUS_DECOMMISSIONING", 3},
	{"NODE_STATUS_DECOMMISSIONED", 4},
}}

func (NodeStatusPB) desc() *enumDesc { return &nodeStatusPBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e NodeStatusPB) String() string { return nodeStatusPBDesc.str(int32(e)) }

// CredProviderTypePB is the protobuf enum doris.cloud.CredProviderTypePB.
type CredProviderTypePB int32

// Enumerators of doris.cloud.CredProviderTypePB.
const (
	CredProviderTypePB_DEFAULT          CredProviderTypePB = 1
	CredProviderTypePB_SIMPLE           CredProviderTypePB = 2
	CredProviderTypePB_INSTANCE_PROFILE CredProviderTypePB = 3
)

var credProviderTypePBDesc = enumDesc{values: []enumVal{
	{"DEFAULT", 1},
	{"SIMPLE", 2},
	{"INSTANCE_PROFILE", 3},
}}

func (CredProviderTypePB) desc() *enumDesc { return &credProviderTypePBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e CredProviderTypePB) String() string { return credProviderTypePBDesc.str(int32(e)) }

// ObjectStoreInfoPB_Provider is the protobuf enum doris.cloud.ObjectStoreInfoPB.Provider.
type ObjectStoreInfoPB_Provider int32

// Enumerators of doris.cloud.ObjectStoreInfoPB.Provider.
const (
	ObjectStoreInfoPB_UNKONWN ObjectStoreInfoPB_Provider = -1
	ObjectStoreInfoPB_OSS     ObjectStoreInfoPB_Provider = 0
	ObjectStoreInfoPB_S3      ObjectStoreInfoPB_Provider = 1
	ObjectStoreInfoPB_COS     ObjectStoreInfoPB_Provider = 2
	ObjectStoreInfoPB_OBS     ObjectStoreInfoPB_Provider = 3
	ObjectStoreInfoPB_BOS     ObjectStoreInfoPB_Provider = 4
	ObjectStoreInfoPB_GCP     ObjectStoreInfoPB_Provider = 5
	ObjectStoreInfoPB_AZURE   ObjectStoreInfoPB_Provider = 6
	ObjectStoreInfoPB_TOS     ObjectStoreInfoPB_Provider = 7
)

var objectStoreInfoPB_ProviderDesc = enumDesc{values: []enumVal{
	{"UNKONWN", -1},
	{"OSS", 0},
	{"S3", 1},
	{"COS", 2},
	{"OBS", 3},
	{"BOS", 4},
	{"GCP", 5},
	{"AZURE", 6},
	{"TOS", 7},
}}

func (ObjectStoreInfoPB_Provider) desc() *enumDesc { return &objectStoreInfoPB_ProviderDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e ObjectStoreInfoPB_Provider) String() string {
	return objectStoreInfoPB_ProviderDesc.str(int32(e))
}

// TxnSourceTypePB is the protobuf enum doris.cloud.TxnSourceTypePB.
type TxnSourceTypePB int32

// Enumerators of doris.cloud.TxnSourceTypePB.
const (
	TxnSourceTypePB_UKNOWN_TXN_SOURCE_TYPE TxnSourceTypePB = 0
	TxnSourceTypePB_TXN_SOURCE_TYPE_FE     TxnSourceTypePB = 1
	TxnSourceTypePB_TXN_SOURCE_TYPE_BE     TxnSourceTypePB = 2
)

var txnSourceTypePBDesc = enumDesc{values: []enumVal{
	{"UKNOWN_TXN_SOURCE_TYPE", 0},
	{"TXN_SOURCE_TYPE_FE", 1},
	{"TXN_SOURCE_TYPE_BE", 2},
}}

func (TxnSourceTypePB) desc() *enumDesc { return &txnSourceTypePBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e TxnSourceTypePB) String() string { return txnSourceTypePBDesc.str(int32(e)) }

// LoadJobSourceTypePB is the protobuf enum doris.cloud.LoadJobSourceTypePB.
type LoadJobSourceTypePB int32

// Enumerators of doris.cloud.LoadJobSourceTypePB.
const (
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_UNKNOWN           LoadJobSourceTypePB = 0
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_FRONTEND          LoadJobSourceTypePB = 1
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_BACKEND_STREAMING LoadJobSourceTypePB = 2
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_INSERT_STREAMING  LoadJobSourceTypePB = 3
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_ROUTINE_LOAD_TASK LoadJobSourceTypePB = 4
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_BATCH_LOAD_JOB    LoadJobSourceTypePB = 5
	LoadJobSourceTypePB_LOAD_JOB_SRC_TYPE_STREAMING_JOB     LoadJobSourceTypePB = 6
)

var loadJobSourceTypePBDesc = enumDesc{values: []enumVal{
	{"LOAD_JOB_SRC_TYPE_UNKNOWN", 0},
	{"LOAD_JOB_SRC_TYPE_FRONTEND", 1},
	{"LOAD_JOB_SRC_TYPE_BACKEND_STREAMING", 2},
	{"LOAD_JOB_SRC_TYPE_INSERT_STREAMING", 3},
	{"LOAD_JOB_SRC_TYPE_ROUTINE_LOAD_TASK", 4},
	{"LOAD_JOB_SRC_TYPE_BATCH_LOAD_JOB", 5},
	{"LOAD_JOB_SRC_TYPE_STREAMING_JOB", 6},
}}

func (LoadJobSourceTypePB) desc() *enumDesc { return &loadJobSourceTypePBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e LoadJobSourceTypePB) String() string { return loadJobSourceTypePBDesc.str(int32(e)) }

// TxnStatusPB is the protobuf enum doris.cloud.TxnStatusPB.
type TxnStatusPB int32

// Enumerators of doris.cloud.TxnStatusPB.
const (
	TxnStatusPB_TXN_STATUS_UNKNOWN      TxnStatusPB = 0
	TxnStatusPB_TXN_STATUS_PREPARED     TxnStatusPB = 1
	TxnStatusPB_TXN_STATUS_COMMITTED    TxnStatusPB = 2
	TxnStatusPB_TXN_STATUS_VISIBLE      TxnStatusPB = 3
	TxnStatusPB_TXN_STATUS_ABORTED      TxnStatusPB = 4
	TxnStatusPB_TXN_STATUS_PRECOMMITTED TxnStatusPB = 5
)

var txnStatusPBDesc = enumDesc{values: []enumVal{
	{"TXN_STATUS_UNKNOWN", 0},
	{"TXN_STATUS_PREPARED", 1},
	{"TXN_STATUS_COMMITTED", 2},
	{"TXN_STATUS_VISIBLE", 3},
	{"TXN_STATUS_ABORTED", 4},
	{"TXN_STATUS_PRECOMMITTED", 5},
}}

func (TxnStatusPB) desc() *enumDesc { return &txnStatusPBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e TxnStatusPB) String() string { return txnStatusPBDesc.str(int32(e)) }

// RecycleRowsetPB_Type is the protobuf enum doris.cloud.RecycleRowsetPB.Type.
type RecycleRowsetPB_Type int32

// Enumerators of doris.cloud.RecycleRowsetPB.Type.
const (
	RecycleRowsetPB_UNKNOWN RecycleRowsetPB_Type = 0
	RecycleRowsetPB_PREPARE RecycleRowsetPB_Type = 1
	RecycleRowsetPB_COMPACT RecycleRowsetPB_Type = 2
	RecycleRowsetPB_DROP    RecycleRowsetPB_Type = 3
)

var recycleRowsetPB_TypeDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"PREPARE", 1},
	{"COMPACT", 2},
	{"DROP", 3},
}}

func (RecycleRowsetPB_Type) desc() *enumDesc { return &recycleRowsetPB_TypeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e RecycleRowsetPB_Type) String() string { return recycleRowsetPB_TypeDesc.str(int32(e)) }

// TabletCompactionJobPB_CompactionType is the protobuf enum doris.cloud.TabletCompactionJobPB.CompactionType.
type TabletCompactionJobPB_CompactionType int32

// Enumerators of doris.cloud.TabletCompactionJobPB.CompactionType.
const (
	TabletCompactionJobPB_UNKOWN           TabletCompactionJobPB_CompactionType = 0
	TabletCompactionJobPB_BASE             TabletCompactionJobPB_CompactionType = 1
	TabletCompactionJobPB_CUMULATIVE       TabletCompactionJobPB_CompactionType = 2
	TabletCompactionJobPB_EMPTY_CUMULATIVE TabletCompactionJobPB_CompactionType = 3
	TabletCompactionJobPB_FULL             TabletCompactionJobPB_CompactionType = 4
	TabletCompactionJobPB_STOP_TOKEN       TabletCompactionJobPB_CompactionType = 5
)

var tabletCompactionJobPB_CompactionTypeDesc = enumDesc{values: []enumVal{
	{"UNKOWN", 0},
	{"BASE", 1},
	{"CUMULATIVE", 2},
	{"EMPTY_CUMULATIVE", 3},
	{"FULL", 4},
	{"STOP_TOKEN", 5},
}}

func (TabletCompactionJobPB_CompactionType) desc() *enumDesc {
	return &tabletCompactionJobPB_CompactionTypeDesc
}

// String returns the enumerator name, or the number when it is not declared.
func (e TabletCompactionJobPB_CompactionType) String() string {
	return tabletCompactionJobPB_CompactionTypeDesc.str(int32(e))
}

// AlterObjStoreInfoRequest_Operation is the protobuf enum doris.cloud.AlterObjStoreInfoRequest.Operation.
type AlterObjStoreInfoRequest_Operation int32

// Enumerators of doris.cloud.AlterObjStoreInfoRequest.Operation.
const (
	AlterObjStoreInfoRequest_UNKNOWN             AlterObjStoreInfoRequest_Operation = 0
	AlterObjStoreInfoRequest_UPDATE_AK_SK        AlterObjStoreInfoRequest_Operation = 1
	AlterObjStoreInfoRequest_ADD_OBJ_INFO        AlterObjStoreInfoRequest_Operation = 2
	AlterObjStoreInfoRequest_LEGACY_UPDATE_AK_SK AlterObjStoreInfoRequest_Operation = 3
	AlterObjStoreInfoRequest_ALTER_OBJ_INFO      AlterObjStoreInfoRequest_Operation = 4
	AlterObjStoreInfoRequest_ADD_HDFS_INFO       AlterObjStoreInfoRequest_Operation = 100
	AlterObjStoreInfoRequest_DROP_HDFS_INFO      AlterObjStoreInfoRequest_Operation = 101
	AlterObjStoreInfoRequest_ADD_BUILT_IN_VAULT  AlterObjStoreInfoRequest_Operation = 102
	AlterObjStoreInfoRequest_ADD_S3_VAULT        AlterObjStoreInfoRequest_Operation = 103
	AlterObjStoreInfoRequest_DROP_S3_VAULT       AlterObjStoreInfoRequest_Operation = 104
	AlterObjStoreInfoRequest_ALTER_S3_VAULT      AlterObjStoreInfoRequest_Operation = 105
	AlterObjStoreInfoRequest_ALTER_HDFS_VAULT    AlterObjStoreInfoRequest_Operation = 106
	AlterObjStoreInfoRequest_SET_DEFAULT_VAULT   AlterObjStoreInfoRequest_Operation = 200
	AlterObjStoreInfoRequest_UNSET_DEFAULT_VAULT AlterObjStoreInfoRequest_Operation = 201
)

var alterObjStoreInfoRequest_OperationDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"UPDATE_AK_SK", 1},
	{"ADD_OBJ_INFO", 2},
	{"LEGACY_UPDATE_AK_SK", 3},
	{"ALTER_OBJ_INFO", 4},
	{"ADD_HDFS_INFO", 100},
	{"DROP_HDFS_INFO", 101},
	{"ADD_BUILT_IN_VAULT", 102},
	{"ADD_S3_VAULT", 103},
	{"DROP_S3_VAULT", 104},
	{"ALTER_S3_VAULT", 105},
	{"ALTER_HDFS_VAULT", 106},
	{"SET_DEFAULT_VAULT", 200},
	{"UNSET_DEFAULT_VAULT", 201},
}}

func (AlterObjStoreInfoRequest_Operation) desc() *enumDesc {
	return &alterObjStoreInfoRequest_OperationDesc
}

// String returns the enumerator name, or the number when it is not declared.
func (e AlterObjStoreInfoRequest_Operation) String() string {
	return alterObjStoreInfoRequest_OperationDesc.str(int32(e))
}

// AlterInstanceRequest_Operation is the protobuf enum doris.cloud.AlterInstanceRequest.Operation.
type AlterInstanceRequest_Operation int32

// Enumerators of doris.cloud.AlterInstanceRequest.Operation.
const (
	AlterInstanceRequest_UNKNOWN               AlterInstanceRequest_Operation = 0
	AlterInstanceRequest_DROP                  AlterInstanceRequest_Operation = 1
	AlterInstanceRequest_REFRESH               AlterInstanceRequest_Operation = 2
	AlterInstanceRequest_RENAME                AlterInstanceRequest_Operation = 3
	AlterInstanceRequest_ENABLE_SSE            AlterInstanceRequest_Operation = 4
	AlterInstanceRequest_DISABLE_SSE           AlterInstanceRequest_Operation = 5
	AlterInstanceRequest_SET_OVERDUE           AlterInstanceRequest_Operation = 6
	AlterInstanceRequest_SET_NORMAL            AlterInstanceRequest_Operation = 7
	AlterInstanceRequest_SET_SNAPSHOT_PROPERTY AlterInstanceRequest_Operation = 8
)

var alterInstanceRequest_OperationDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"DROP", 1},
	{"REFRESH", 2},
	{"RENAME", 3},
	{"ENABLE_SSE", 4},
	{"DISABLE_SSE", 5},
	{"SET_OVERDUE", 6},
	{"SET_NORMAL", 7},
	{"SET_SNAPSHOT_PROPERTY", 8},
}}

func (AlterInstanceRequest_Operation) desc() *enumDesc { return &alterInstanceRequest_OperationDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e AlterInstanceRequest_Operation) String() string {
	return alterInstanceRequest_OperationDesc.str(int32(e))
}

// AlterClusterRequest_Operation is the protobuf enum doris.cloud.AlterClusterRequest.Operation.
type AlterClusterRequest_Operation int32

// Enumerators of doris.cloud.AlterClusterRequest.Operation.
const (
	AlterClusterRequest_UNKNOWN                        AlterClusterRequest_Operation = 0
	AlterClusterRequest_ADD_CLUSTER                    AlterClusterRequest_Operation = 1
	AlterClusterRequest_DROP_CLUSTER                   AlterClusterRequest_Operation = 2
	AlterClusterRequest_ADD_NODE                       AlterClusterRequest_Operation = 3
	AlterClusterRequest_DROP_NODE                      AlterClusterRequest_Operation = 4
	AlterClusterRequest_RENAME_CLUSTER                 AlterClusterRequest_Operation = 5
	AlterClusterRequest_UPDATE_CLUSTER_MYSQL_USER_NAME AlterClusterRequest_Operation = 6
	AlterClusterRequest_DECOMMISSION_NODE              AlterClusterRequest_Operation = 7
	AlterClusterRequest_NOTIFY_DECOMMISSIONED          AlterClusterRequest_Operation = 8
	AlterClusterRequest_UPDATE_CLUSTER_ENDPOINT        AlterClusterRequest_Operation = 9
	AlterClusterRequest_SET_CLUSTER_STATUS             AlterClusterRequest_Operation = 10
	AlterClusterRequest_ALTER_VCLUSTER_INFO            AlterClusterRequest_Operation = 11
	AlterClusterRequest_ALTER_PROPERTIES               AlterClusterRequest_Operation = 12
)

var alterClusterRequest_OperationDesc = enumDesc{values: []enumVal{
	{"UNKNOWN", 0},
	{"ADD_CLUSTER", 1},
	{"DROP_CLUSTER", 2},
	{"ADD_NODE", 3},
	{"DROP_NODE", 4},
	{"RENAME_CLUSTER", 5},
	{"UPDATE_CLUSTER_MYSQL_USER_NAME", 6},
	{"DECOMMISSION_NODE", 7},
	{"NOTIFY_DECOMMISSIONED", 8},
	{"UPDATE_CLUSTER_ENDPOINT", 9},
	{"SET_CLUSTER_STATUS", 10},
	{"ALTER_VCLUSTER_INFO", 11},
	{"ALTER_PROPERTIES", 12},
}}

func (AlterClusterRequest_Operation) desc() *enumDesc { return &alterClusterRequest_OperationDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e AlterClusterRequest_Operation) String() string {
	return alterClusterRequest_OperationDesc.str(int32(e))
}

// FinishTabletJobRequest_Action is the protobuf enum doris.cloud.FinishTabletJobRequest.Action.
type FinishTabletJobRequest_Action int32

// Enumerators of doris.cloud.FinishTabletJobRequest.Action.
const (
	FinishTabletJobRequest_UNKONWN FinishTabletJobRequest_Action = 0
	FinishTabletJobRequest_COMMIT  FinishTabletJobRequest_Action = 1
	FinishTabletJobRequest_ABORT   FinishTabletJobRequest_Action = 2
	FinishTabletJobRequest_LEASE   FinishTabletJobRequest_Action = 3
)

var finishTabletJobRequest_ActionDesc = enumDesc{values: []enumVal{
	{"UNKONWN", 0},
	{"COMMIT", 1},
	{"ABORT", 2},
	{"LEASE", 3},
}}

func (FinishTabletJobRequest_Action) desc() *enumDesc { return &finishTabletJobRequest_ActionDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e FinishTabletJobRequest_Action) String() string {
	return finishTabletJobRequest_ActionDesc.str(int32(e))
}

// MetaServiceCode is the protobuf enum doris.cloud.MetaServiceCode.
type MetaServiceCode int32

// Enumerators of doris.cloud.MetaServiceCode.
const (
	MetaServiceCode_OK                                       MetaServiceCode = 0
	MetaServiceCode_INVALID_ARGUMENT                         MetaServiceCode = 1001
	MetaServiceCode_KV_TXN_CREATE_ERR                        MetaServiceCode = 1002
	MetaServiceCode_KV_TXN_GET_ERR                           MetaServiceCode = 1003
	MetaServiceCode_KV_TXN_COMMIT_ERR                        MetaServiceCode = 1004
	MetaServiceCode_KV_TXN_CONFLICT                          MetaServiceCode = 1005
	MetaServiceCode_PROTOBUF_PARSE_ERR                       MetaServiceCode = 1006
	MetaServiceCode_PROTOBUF_SERIALIZE_ERR                   MetaServiceCode = 1007
	MetaServiceCode_KV_TXN_STORE_GET_RETRYABLE               MetaServiceCode = 1008
	MetaServiceCode_KV_TXN_STORE_COMMIT_RETRYABLE            MetaServiceCode = 1009
	MetaServiceCode_KV_TXN_STORE_CREATE_RETRYABLE            MetaServiceCode = 1010
	MetaServiceCode_KV_TXN_TOO_OLD                           MetaServiceCode = 1011
	MetaServiceCode_TXN_GEN_ID_ERR                           MetaServiceCode = 2001
	MetaServiceCode_TXN_DUPLICATED_REQ                       MetaServiceCode = 2002
	MetaServiceCode_TXN_LABEL_ALREADY_USED                   MetaServiceCode = 2003
	MetaServiceCode_TXN_INVALID_STATUS                       MetaServiceCode = 2004
	MetaServiceCode_TXN_LABEL_NOT_FOUND                      MetaServiceCode = 2005
	MetaServiceCode_TXN_ID_NOT_FOUND                         MetaServiceCode = 2006
	MetaServiceCode_TXN_ALREADY_ABORTED                      MetaServiceCode = 2007
	MetaServiceCode_TXN_ALREADY_VISIBLE                      MetaServiceCode = 2008
	MetaServiceCode_TXN_ALREADY_PRECOMMITED                  MetaServiceCode = 2009
	MetaServiceCode_VERSION_NOT_FOUND                        MetaServiceCode = 2010
	MetaServiceCode_TABLET_NOT_FOUND                         MetaServiceCode = 2011
	MetaServiceCode_STALE_TABLET_CACHE                       MetaServiceCode = 2012
	MetaServiceCode_STALE_PREPARE_ROWSET                     MetaServiceCode = 2013
	MetaServiceCode_CLUSTER_NOT_FOUND                        MetaServiceCode = 3001
	MetaServiceCode_ALREADY_EXISTED                          MetaServiceCode = 3002
	MetaServiceCode_CLUSTER_ENDPOINT_MISSING                 MetaServiceCode = 3003
	MetaServiceCode_STORAGE_VAULT_NOT_FOUND                  MetaServiceCode = 3004
	MetaServiceCode_STAGE_NOT_FOUND                          MetaServiceCode = 4001
	MetaServiceCode_STAGE_GET_ERR                            MetaServiceCode = 4002
	MetaServiceCode_STATE_ALREADY_EXISTED_FOR_USER           MetaServiceCode = 4003
	MetaServiceCode_COPY_JOB_NOT_FOUND                       MetaServiceCode = 4004
	MetaServiceCode_JOB_EXPIRED                              MetaServiceCode = 5000
	MetaServiceCode_JOB_TABLET_BUSY                          MetaServiceCode = 5001
	MetaServiceCode_JOB_ALREADY_SUCCESS                      MetaServiceCode = 5002
	MetaServiceCode_ROUTINE_LOAD_DATA_INCONSISTENT           MetaServiceCode = 5003
	MetaServiceCode_ROUTINE_LOAD_PROGRESS_NOT_FOUND          MetaServiceCode = 5004
	MetaServiceCode_JOB_CHECK_ALTER_VERSION                  MetaServiceCode = 5005
	MetaServiceCode_STREAMING_JOB_PROGRESS_NOT_FOUND         MetaServiceCode = 5006
	MetaServiceCode_MAX_QPS_LIMIT                            MetaServiceCode = 6001
	MetaServiceCode_ERR_ENCRYPT                              MetaServiceCode = 7001
	MetaServiceCode_ERR_DECPYPT                              MetaServiceCode = 7002
	MetaServiceCode_LOCK_EXPIRED                             MetaServiceCode = 8001
	MetaServiceCode_LOCK_CONFLICT                            MetaServiceCode = 8002
	MetaServiceCode_ROWSETS_EXPIRED                          MetaServiceCode = 8003
	MetaServiceCode_VERSION_NOT_MATCH                        MetaServiceCode = 8004
	MetaServiceCode_UPDATE_OVERRIDE_EXISTING_KV              MetaServiceCode = 8005
	MetaServiceCode_ROWSET_META_NOT_FOUND                    MetaServiceCode = 9001
	MetaServiceCode_KV_TXN_CONFLICT_RETRY_EXCEEDED_MAX_TIMES MetaServiceCode = 10001
	MetaServiceCode_SCHEMA_DICT_NOT_FOUND                    MetaServiceCode = 11001
	MetaServiceCode_UNDEFINED_ERR                            MetaServiceCode = 1000000
)

var metaServiceCodeDesc = enumDesc{values: []enumVal{
	{"OK", 0},
	{"INVALID_ARGUMENT", 1001},
	{"KV_TXN_CREATE_ERR", 1002},
	{"KV_TXN_GET_ERR", 1003},
	{"KV_TXN_COMMIT_ERR", 1004},
	{"KV_TXN_CONFLICT", 1005},
	{"PROTOBUF_PARSE_ERR", 1006},
	{"PROTOBUF_SERIALIZE_ERR", 1007},
	{"KV_TXN_STORE_GET_RETRYABLE", 1008},
	{"KV_TXN_STORE_COMMIT_RETRYABLE", 1009},
	{"KV_TXN_STORE_CREATE_RETRYABLE", 1010},
	{"KV_TXN_TOO_OLD", 1011},
	{"TXN_GEN_ID_ERR", 2001},
	{"TXN_DUPLICATED_REQ", 2002},
	{"TXN_LABEL_ALREADY_USED", 2003},
	{"TXN_INVALID_STATUS", 2004},
	{"TXN_LABEL_NOT_FOUND", 2005},
	{"TXN_ID_NOT_FOUND", 2006},
	{"TXN_ALREADY_ABORTED", 2007},
	{"TXN_ALREADY_VISIBLE", 2008},
	{"TXN_ALREADY_PRECOMMITED", 2009},
	{"VERSION_NOT_FOUND", 2010},
	{"TABLET_NOT_FOUND", 2011},
	{"STALE_TABLET_CACHE", 2012},
	{"STALE_PREPARE_ROWSET", 2013},
	{"CLUSTER_NOT_FOUND", 3001},
	{"ALREADY_EXISTED", 3002},
	{"CLUSTER_ENDPOINT_MISSING", 3003},
	{"STORAGE_VAULT_NOT_FOUND", 3004},
	{"STAGE_NOT_FOUND", 4001},
	{"STAGE_GET_ERR", 4002},
	{"STATE_ALREADY_EXISTED_FOR_USER", 4003},
	{"COPY_JOB_NOT_FOUND", 4004},
	{"JOB_EXPIRED", 5000},
	{"JOB_TABLET_BUSY", 5001},
	{"JOB_ALREADY_SUCCESS", 5002},
	{"ROUTINE_LOAD_DATA_INCONSISTENT", 5003},
	{"ROUTINE_LOAD_PROGRESS_NOT_FOUND", 5004},
	{"JOB_CHECK_ALTER_VERSION", 5005},
	{"STREAMING_JOB_PROGRESS_NOT_FOUND", 5006},
	{"MAX_QPS_LIMIT", 6001},
	{"ERR_ENCRYPT", 7001},
	{"ERR_DECPYPT", 7002},
	{"LOCK_EXPIRED", 8001},
	{"LOCK_CONFLICT", 8002},
	{"ROWSETS_EXPIRED", 8003},
	{"VERSION_NOT_MATCH", 8004},
	{"UPDATE_OVERRIDE_EXISTING_KV", 8005},
	{"ROWSET_META_NOT_FOUND", 9001},
	{"KV_TXN_CONFLICT_RETRY_EXCEEDED_MAX_TIMES", 10001},
	{"SCHEMA_DICT_NOT_FOUND", 11001},
	{"UNDEFINED_ERR", 1000000},
}}

func (MetaServiceCode) desc() *enumDesc { return &metaServiceCodeDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e MetaServiceCode) String() string { return metaServiceCodeDesc.str(int32(e)) }

// RowsetTypePB is the protobuf enum doris.RowsetTypePB.
type RowsetTypePB int32

// Enumerators of doris.RowsetTypePB.
const (
	RowsetTypePB_ALPHA_ROWSET RowsetTypePB = 0
	RowsetTypePB_BETA_ROWSET  RowsetTypePB = 1
)

var rowsetTypePBDesc = enumDesc{values: []enumVal{
	{"ALPHA_ROWSET", 0},
	{"BETA_ROWSET", 1},
}}

func (RowsetTypePB) desc() *enumDesc { return &rowsetTypePBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e RowsetTypePB) String() string { return rowsetTypePBDesc.str(int32(e)) }

// RowsetStatePB is the protobuf enum doris.RowsetStatePB.
type RowsetStatePB int32

// Enumerators of doris.RowsetStatePB.
const (
	RowsetStatePB_PREPARED             RowsetStatePB = 0
	RowsetStatePB_COMMITTED            RowsetStatePB = 1
	RowsetStatePB_VISIBLE              RowsetStatePB = 2
	RowsetStatePB_BEGIN_PARTIAL_UPDATE RowsetStatePB = 10000
)

var rowsetStatePBDesc = enumDesc{values: []enumVal{
	{"PREPARED", 0},
	{"COMMITTED", 1},
	{"VISIBLE", 2},
	{"BEGIN_PARTIAL_UPDATE", 10000},
}}

func (RowsetStatePB) desc() *enumDesc { return &rowsetStatePBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e RowsetStatePB) String() string { return rowsetStatePBDesc.str(int32(e)) }

// SegmentsOverlapPB is the protobuf enum doris.SegmentsOverlapPB.
type SegmentsOverlapPB int32

// Enumerators of doris.SegmentsOverlapPB.
const (
	SegmentsOverlapPB_OVERLAP_UNKNOWN SegmentsOverlapPB = 0
	SegmentsOverlapPB_OVERLAPPING     SegmentsOverlapPB = 1
	SegmentsOverlapPB_NONOVERLAPPING  SegmentsOverlapPB = 2
)

var segmentsOverlapPBDesc = enumDesc{values: []enumVal{
	{"OVERLAP_UNKNOWN", 0},
	{"OVERLAPPING", 1},
	{"NONOVERLAPPING", 2},
}}

func (SegmentsOverlapPB) desc() *enumDesc { return &segmentsOverlapPBDesc }

// String returns the enumerator name, or the number when it is not declared.
func (e SegmentsOverlapPB) String() string { return segmentsOverlapPBDesc.str(int32(e)) }
