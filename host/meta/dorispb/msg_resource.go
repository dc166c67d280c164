package dorispb

// Resource messages of cloud.proto: instance, cluster, node, object storage, storage vault.
// Field numbers, names and types are those of apache/doris gensrc/proto.

// EncryptionInfoPB describes how ak/sk are encrypted.
// Protobuf message doris.cloud.EncryptionInfoPB.
type EncryptionInfoPB struct {
	EncryptionMethod Opt[string] // 1: encryption_method
	KeyID            Opt[int64]  // 2: key_id

	unknown unknownFields
}

func (*EncryptionInfoPB) protoName() string { return "doris.cloud.EncryptionInfoPB" }

func (m *EncryptionInfoPB) walk(w walker) {
	w.field(1, "encryption_method", &m.EncryptionMethod)
	w.field(2, "key_id", &m.KeyID)
	w.field(0, "", &m.unknown)
}

// RamUserPB is a RAM/IAM user (user_id, ak, sk).
// Protobuf message doris.cloud.RamUserPB.
type RamUserPB struct {
	UserID         Opt[string]       // 1: user_id
	AK             Opt[string]       // 2: ak
	SK             Opt[string]       // 3: sk
	ExternalID     Opt[string]       // 4: external_id
	EncryptionInfo *EncryptionInfoPB // 6: encryption_info

	unknown unknownFields
}

func (*RamUserPB) protoName() string { return "doris.cloud.RamUserPB" }

func (m *RamUserPB) walk(w walker) {
	w.field(1, "user_id", &m.UserID)
	w.field(2, "ak", &m.AK)
	w.field(3, "sk", &m.SK)
	w.field(4, "external_id", &m.ExternalID)
	w.field(6, "encryption_info", msgRef(&m.EncryptionInfo))
	w.field(0, "", &m.unknown)
}

// InstanceInfoPB is the stored instance (value of the instance key), with embedded clusters and legacy obj_info.
// Protobuf message doris.cloud.InstanceInfoPB.
type InstanceInfoPB struct {
	UserID                   Opt[string]                // 1: user_id
	InstanceID               Opt[string]                // 2: instance_id
	Name                     Opt[string]                // 3: name
	LbIP                     []string                   // 4: lb_ip
	Ctime                    Opt[int64]                 // 5: ctime
	Mtime                    Opt[int64]                 // 6: mtime
	Clusters                 []*ClusterPB               // 7: clusters
	ObjInfo                  []*ObjectStoreInfoPB       // 8: obj_info
	Stages                   []*StagePB                 // 9: stages
	Status                   Opt[InstanceInfoPB_Status] // 10: status
	RamUser                  *RamUserPB                 // 11: ram_user
	IamUser                  *RamUserPB                 // 12: iam_user
	SseEnabled               Opt[bool]                  // 13: sse_enabled
	ResourceIDs              []string                   // 100: resource_ids
	StorageVaultNames        []string                   // 101: storage_vault_names
	DefaultStorageVaultID    Opt[string]                // 102: default_storage_vault_id
	DefaultStorageVaultName  Opt[string]                // 103: default_storage_vault_name
	EnableStorageVault       Opt[bool]                  // 104: enable_storage_vault
	MultiVersionStatus       Opt[MultiVersionStatus]    // 110: multi_version_status
	SnapshotSwitchStatus     Opt[SnapshotSwitchStatus]  // 111: snapshot_switch_status
	SourceInstanceID         Opt[string]                // 112: source_instance_id
	SourceSnapshotID         Opt[string]                // 113: source_snapshot_id
	OriginalInstanceID       Opt[string]                // 114: original_instance_id
	SuccessorInstanceID      Opt[string]                // 115: successor_instance_id
	ReadyOnly                Opt[bool]                  // 116: ready_only
	MaxReservedSnapshot      Opt[int64]                 // 117: max_reserved_snapshot
	SnapshotIntervalSeconds  Opt[int64]                 // 118: snapshot_interval_seconds
	MigratedKeySets          []KeySetType               // 119: migrated_key_sets
	CompactedKeySets         []KeySetType               // 120: compacted_key_sets
	SnapshotRetainedDataSize Opt[int64]                 // 121: snapshot_retained_data_size
	SnapshotBillableDataSize Opt[int64]                 // 122: snapshot_billable_data_size

	unknown unknownFields
}

func (*InstanceInfoPB) protoName() string { return "doris.cloud.InstanceInfoPB" }

func (m *InstanceInfoPB) walk(w walker) {
	w.field(1, "user_id", &m.UserID)
	w.field(2, "instance_id", &m.InstanceID)
	w.field(3, "name", &m.Name)
	w.field(4, "lb_ip", &m.LbIP)
	w.field(5, "ctime", &m.Ctime)
	w.field(6, "mtime", &m.Mtime)
	w.field(7, "clusters", msgsRef(&m.Clusters))
	w.field(8, "obj_info", msgsRef(&m.ObjInfo))
	w.field(9, "stages", msgsRef(&m.Stages))
	w.field(10, "status", enumRef(&m.Status))
	w.field(11, "ram_user", msgRef(&m.RamUser))
	w.field(12, "iam_user", msgRef(&m.IamUser))
	w.field(13, "sse_enabled", &m.SseEnabled)
	w.field(100, "resource_ids", &m.ResourceIDs)
	w.field(101, "storage_vault_names", &m.StorageVaultNames)
	w.field(102, "default_storage_vault_id", &m.DefaultStorageVaultID)
	w.field(103, "default_storage_vault_name", &m.DefaultStorageVaultName)
	w.field(104, "enable_storage_vault", &m.EnableStorageVault)
	w.field(110, "multi_version_status", enumRef(&m.MultiVersionStatus))
	w.field(111, "snapshot_switch_status", enumRef(&m.SnapshotSwitchStatus))
	w.field(112, "source_instance_id", &m.SourceInstanceID)
	w.field(113, "source_snapshot_id", &m.SourceSnapshotID)
	w.field(114, "original_instance_id", &m.OriginalInstanceID)
	w.field(115, "successor_instance_id", &m.SuccessorInstanceID)
	w.field(116, "ready_only", &m.ReadyOnly)
	w.field(117, "max_reserved_snapshot", &m.MaxReservedSnapshot)
	w.field(118, "snapshot_interval_seconds", &m.SnapshotIntervalSeconds)
	w.field(119, "migrated_key_sets", enumsRef(&m.MigratedKeySets))
	w.field(120, "compacted_key_sets", enumsRef(&m.CompactedKeySets))
	w.field(121, "snapshot_retained_data_size", &m.SnapshotRetainedDataSize)
	w.field(122, "snapshot_billable_data_size", &m.SnapshotBillableDataSize)
	w.field(0, "", &m.unknown)
}

// StagePB is a copy-into stage (internal or external).
// Protobuf message doris.cloud.StagePB.
type StagePB struct {
	Type          Opt[StagePB_StageType]       // 1: type
	MysqlUserName []string                     // 2: mysql_user_name
	Name          Opt[string]                  // 3: name
	ObjInfo       *ObjectStoreInfoPB           // 6: obj_info
	StageID       Opt[string]                  // 7: stage_id
	Properties    map[string]string            // 8: properties
	MysqlUserID   []string                     // 9: mysql_user_id
	Comment       Opt[string]                  // 10: comment
	CreateTime    Opt[int64]                   // 11: create_time
	AccessType    Opt[StagePB_StageAccessType] // 12: access_type
	RoleName      Opt[string]                  // 13: role_name
	Arn           Opt[string]                  // 14: arn
	ExternalID    Opt[string]                  // 15: external_id

	unknown unknownFields
}

func (*StagePB) protoName() string { return "doris.cloud.StagePB" }

func (m *StagePB) walk(w walker) {
	w.field(1, "type", enumRef(&m.Type))
	w.field(2, "mysql_user_name", &m.MysqlUserName)
	w.field(3, "name", &m.Name)
	w.field(6, "obj_info", msgRef(&m.ObjInfo))
	w.field(7, "stage_id", &m.StageID)
	w.field(8, "properties", &m.Properties)
	w.field(9, "mysql_user_id", &m.MysqlUserID)
	w.field(10, "comment", &m.Comment)
	w.field(11, "create_time", &m.CreateTime)
	w.field(12, "access_type", enumRef(&m.AccessType))
	w.field(13, "role_name", &m.RoleName)
	w.field(14, "arn", &m.Arn)
	w.field(15, "external_id", &m.ExternalID)
	w.field(0, "", &m.unknown)
}

// ClusterPolicy is the failover policy of a virtual cluster.
// Protobuf message doris.cloud.ClusterPolicy.
type ClusterPolicy struct {
	Type                          Opt[ClusterPolicy_PolicyType] // 1: type
	ActiveClusterName             Opt[string]                   // 2: active_cluster_name
	StandbyClusterNames           []string                      // 3: standby_cluster_names
	FailoverFailureThreshold      Opt[int64]                    // 4: failover_failure_threshold
	UnhealthyNodeThresholdPercent Opt[int64]                    // 5: unhealthy_node_threshold_percent
	CacheWarmupJobids             []string                      // 6: cache_warmup_jobids

	unknown unknownFields
}

func (*ClusterPolicy) protoName() string { return "doris.cloud.ClusterPolicy" }

func (m *ClusterPolicy) walk(w walker) {
	w.field(1, "type", enumRef(&m.Type))
	w.field(2, "active_cluster_name", &m.ActiveClusterName)
	w.field(3, "standby_cluster_names", &m.StandbyClusterNames)
	w.field(4, "failover_failure_threshold", &m.FailoverFailureThreshold)
	w.field(5, "unhealthy_node_threshold_percent", &m.UnhealthyNodeThresholdPercent)
	w.field(6, "cache_warmup_jobids", &m.CacheWarmupJobids)
	w.field(0, "", &m.unknown)
}

// ClusterPB is a SQL (FE), COMPUTE (BE) or VIRTUAL cluster embedded in an instance.
// Protobuf message doris.cloud.ClusterPB.
type ClusterPB struct {
	ClusterID       Opt[string]         // 1: cluster_id
	ClusterName     Opt[string]         // 2: cluster_name
	Type            Opt[ClusterPB_Type] // 3: type
	Desc            Opt[string]         // 4: desc
	Nodes           []*NodeInfoPB       // 5: nodes
	MysqlUserName   []string            // 6: mysql_user_name
	PublicEndpoint  Opt[string]         // 7: public_endpoint
	PrivateEndpoint Opt[string]         // 8: private_endpoint
	ClusterStatus   Opt[ClusterStatus]  // 9: cluster_status
	Ctime           Opt[int64]          // 10: ctime
	Mtime           Opt[int64]          // 11: mtime
	ClusterNames    []string            // 12: cluster_names
	ClusterPolicy   *ClusterPolicy      // 13: cluster_policy
	Properties      map[string]string   // 14: properties

	unknown unknownFields
}

func (*ClusterPB) protoName() string { return "doris.cloud.ClusterPB" }

func (m *ClusterPB) walk(w walker) {
	w.field(1, "cluster_id", &m.ClusterID)
	w.field(2, "cluster_name", &m.ClusterName)
	w.field(3, "type", enumRef(&m.Type))
	w.field(4, "desc", &m.Desc)
	w.field(5, "nodes", msgsRef(&m.Nodes))
	w.field(6, "mysql_user_name", &m.MysqlUserName)
	w.field(7, "public_endpoint", &m.PublicEndpoint)
	w.field(8, "private_endpoint", &m.PrivateEndpoint)
	w.field(9, "cluster_status", enumRef(&m.ClusterStatus))
	w.field(10, "ctime", &m.Ctime)
	w.field(11, "mtime", &m.Mtime)
	w.field(12, "cluster_names", &m.ClusterNames)
	w.field(13, "cluster_policy", msgRef(&m.ClusterPolicy))
	w.field(14, "properties", &m.Properties)
	w.field(0, "", &m.unknown)
}

// NodeInfoPB is one FE or BE node of a cluster.
// Protobuf message doris.cloud.NodeInfoPB.
type NodeInfoPB struct {
	CloudUniqueID   Opt[string]              // 1: cloud_unique_id
	Name            Opt[string]              // 2: name
	IP              Opt[string]              // 3: ip
	VpcName         Opt[string]              // 4: vpc_name
	Ctime           Opt[int64]               // 5: ctime
	Mtime           Opt[int64]               // 6: mtime
	Status          Opt[NodeStatusPB]        // 7: status
	HeartbeatPort   Opt[int32]               // 8: heartbeat_port
	Desc            Opt[string]              // 9: desc
	EditLogPort     Opt[int32]               // 10: edit_log_port
	NodeType        Opt[NodeInfoPB_NodeType] // 11: node_type
	IsSmoothUpgrade Opt[bool]                // 12: is_smooth_upgrade
	Host            Opt[string]              // 13: host
	PublicEndpoint  Opt[string]              // 14: public_endpoint
	PrivateEndpoint Opt[string]              // 15: private_endpoint

	unknown unknownFields
}

func (*NodeInfoPB) protoName() string { return "doris.cloud.NodeInfoPB" }

func (m *NodeInfoPB) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "name", &m.Name)
	w.field(3, "ip", &m.IP)
	w.field(4, "vpc_name", &m.VpcName)
	w.field(5, "ctime", &m.Ctime)
	w.field(6, "mtime", &m.Mtime)
	w.field(7, "status", enumRef(&m.Status))
	w.field(8, "heartbeat_port", &m.HeartbeatPort)
	w.field(9, "desc", &m.Desc)
	w.field(10, "edit_log_port", &m.EditLogPort)
	w.field(11, "node_type", enumRef(&m.NodeType))
	w.field(12, "is_smooth_upgrade", &m.IsSmoothUpgrade)
	w.field(13, "host", &m.Host)
	w.field(14, "public_endpoint", &m.PublicEndpoint)
	w.field(15, "private_endpoint", &m.PrivateEndpoint)
	w.field(0, "", &m.unknown)
}

// ObjectStoreInfoPB is one object storage configuration (legacy obj_info or the obj of a vault).
// Protobuf message doris.cloud.ObjectStoreInfoPB.
type ObjectStoreInfoPB struct {
	Ctime            Opt[int64]                      // 1: ctime
	Mtime            Opt[int64]                      // 2: mtime
	ID               Opt[string]                     // 3: id
	AK               Opt[string]                     // 4: ak
	SK               Opt[string]                     // 5: sk
	Bucket           Opt[string]                     // 6: bucket
	Prefix           Opt[string]                     // 7: prefix
	Endpoint         Opt[string]                     // 8: endpoint
	Region           Opt[string]                     // 9: region
	Provider         Opt[ObjectStoreInfoPB_Provider] // 10: provider
	ExternalEndpoint Opt[string]                     // 11: external_endpoint
	UserID           Opt[string]                     // 13: user_id
	EncryptionInfo   *EncryptionInfoPB               // 14: encryption_info
	SseEnabled       Opt[bool]                       // 15: sse_enabled
	UsePathStyle     Opt[bool]                       // 16: use_path_style
	CredProviderType Opt[CredProviderTypePB]         // 17: cred_provider_type
	RoleArn          Opt[string]                     // 18: role_arn
	ExternalID       Opt[string]                     // 19: external_id

	unknown unknownFields
}

func (*ObjectStoreInfoPB) protoName() string { return "doris.cloud.ObjectStoreInfoPB" }

func (m *ObjectStoreInfoPB) walk(w walker) {
	w.field(1, "ctime", &m.Ctime)
	w.field(2, "mtime", &m.Mtime)
	w.field(3, "id", &m.ID)
	w.field(4, "ak", &m.AK)
	w.field(5, "sk", &m.SK)
	w.field(6, "bucket", &m.Bucket)
	w.field(7, "prefix", &m.Prefix)
	w.field(8, "endpoint", &m.Endpoint)
	w.field(9, "region", &m.Region)
	w.field(10, "provider", enumRef(&m.Provider))
	w.field(11, "external_endpoint", &m.ExternalEndpoint)
	w.field(13, "user_id", &m.UserID)
	w.field(14, "encryption_info", msgRef(&m.EncryptionInfo))
	w.field(15, "sse_enabled", &m.SseEnabled)
	w.field(16, "use_path_style", &m.UsePathStyle)
	w.field(17, "cred_provider_type", enumRef(&m.CredProviderType))
	w.field(18, "role_arn", &m.RoleArn)
	w.field(19, "external_id", &m.ExternalID)
	w.field(0, "", &m.unknown)
}

// StorageVaultPB_PathFormat is the object path layout of a storage vault.
// Protobuf message doris.cloud.StorageVaultPB.PathFormat.
type StorageVaultPB_PathFormat struct {
	PathVersion Opt[int64] // 1: path_version
	ShardNum    Opt[int64] // 2: shard_num

	unknown unknownFields
}

func (*StorageVaultPB_PathFormat) protoName() string { return "doris.cloud.StorageVaultPB.PathFormat" }

func (m *StorageVaultPB_PathFormat) walk(w walker) {
	w.field(1, "path_version", &m.PathVersion)
	w.field(2, "shard_num", &m.ShardNum)
	w.field(0, "", &m.unknown)
}

// StorageVaultPB is a storage vault (HDFS or S3).
// Protobuf message doris.cloud.StorageVaultPB.
type StorageVaultPB struct {
	ID         Opt[string]                // 1: id
	Name       Opt[string]                // 2: name
	HdfsInfo   *HdfsVaultInfo             // 3: hdfs_info
	ObjInfo    *ObjectStoreInfoPB         // 4: obj_info
	PathFormat *StorageVaultPB_PathFormat // 5: path_format
	AlterName  Opt[string]                // 6: alter_name

	unknown unknownFields
}

func (*StorageVaultPB) protoName() string { return "doris.cloud.StorageVaultPB" }

func (m *StorageVaultPB) walk(w walker) {
	w.field(1, "id", &m.ID)
	w.field(2, "name", &m.Name)
	w.field(3, "hdfs_info", msgRef(&m.HdfsInfo))
	w.field(4, "obj_info", msgRef(&m.ObjInfo))
	w.field(5, "path_format", msgRef(&m.PathFormat))
	w.field(6, "alter_name", &m.AlterName)
	w.field(0, "", &m.unknown)
}

// HdfsBuildConf_HdfsConfKVPair is one extra HDFS configuration entry; both fields are required.
// Protobuf message doris.cloud.HdfsBuildConf.HdfsConfKVPair.
type HdfsBuildConf_HdfsConfKVPair struct {
	Key   Opt[string] // 1: key (required)
	Value Opt[string] // 2: value (required)

	unknown unknownFields
}

func (*HdfsBuildConf_HdfsConfKVPair) protoName() string {
	return "doris.cloud.HdfsBuildConf.HdfsConfKVPair"
}

func (m *HdfsBuildConf_HdfsConfKVPair) walk(w walker) {
	w.field(req|1, "key", &m.Key)
	w.field(req|2, "value", &m.Value)
	w.field(0, "", &m.unknown)
}

// HdfsBuildConf is the HDFS client configuration of a vault.
// Protobuf message doris.cloud.HdfsBuildConf.
type HdfsBuildConf struct {
	FsName                Opt[string]                     // 1: fs_name
	User                  Opt[string]                     // 2: user
	HdfsKerberosPrincipal Opt[string]                     // 3: hdfs_kerberos_principal
	HdfsKerberosKeytab    Opt[string]                     // 4: hdfs_kerberos_keytab
	HdfsConfs             []*HdfsBuildConf_HdfsConfKVPair // 5: hdfs_confs

	unknown unknownFields
}

func (*HdfsBuildConf) protoName() string { return "doris.cloud.HdfsBuildConf" }

func (m *HdfsBuildConf) walk(w walker) {
	w.field(1, "fs_name", &m.FsName)
	w.field(2, "user", &m.User)
	w.field(3, "hdfs_kerberos_principal", &m.HdfsKerberosPrincipal)
	w.field(4, "hdfs_kerberos_keytab", &m.HdfsKerberosKeytab)
	w.field(5, "hdfs_confs", msgsRef(&m.HdfsConfs))
	w.field(0, "", &m.unknown)
}

// HdfsVaultInfo is the HDFS part of a storage vault.
// Protobuf message doris.cloud.HdfsVaultInfo.
type HdfsVaultInfo struct {
	BuildConf *HdfsBuildConf // 1: build_conf
	Prefix    Opt[string]    // 2: prefix

	unknown unknownFields
}

func (*HdfsVaultInfo) protoName() string { return "doris.cloud.HdfsVaultInfo" }

func (m *HdfsVaultInfo) walk(w walker) {
	w.field(1, "build_conf", msgRef(&m.BuildConf))
	w.field(2, "prefix", &m.Prefix)
	w.field(0, "", &m.unknown)
}
