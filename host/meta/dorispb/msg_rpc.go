package dorispb

// Request / response messages of the meta-service RPCs and HTTP routes (cloud.proto).
// Field numbers, names and types are those of apache/doris gensrc/proto.

// MetaServiceResponseStatus is the status of every meta-service response.
// Protobuf message doris.cloud.MetaServiceResponseStatus.
type MetaServiceResponseStatus struct {
	Code Opt[MetaServiceCode] // 1: code
	Msg  Opt[string]          // 2: msg

	unknown unknownFields
}

func (*MetaServiceResponseStatus) protoName() string { return "doris.cloud.MetaServiceResponseStatus" }

func (m *MetaServiceResponseStatus) walk(w walker) {
	w.field(1, "code", enumRef(&m.Code))
	w.field(2, "msg", &m.Msg)
	w.field(0, "", &m.unknown)
}

// CreateInstanceRequest is the create_instance request.
// Protobuf message doris.cloud.CreateInstanceRequest.
type CreateInstanceRequest struct {
	InstanceID Opt[string]        // 1: instance_id
	UserID     Opt[string]        // 2: user_id
	Name       Opt[string]        // 3: name
	ObjInfo    *ObjectStoreInfoPB // 4: obj_info
	RamUser    *RamUserPB         // 5: ram_user
	SseEnabled Opt[bool]          // 6: sse_enabled
	Vault      *StorageVaultPB    // 7: vault
	RequestIP  Opt[string]        // 8: request_ip

	unknown unknownFields
}

func (*CreateInstanceRequest) protoName() string { return "doris.cloud.CreateInstanceRequest" }

func (m *CreateInstanceRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "user_id", &m.UserID)
	w.field(3, "name", &m.Name)
	w.field(4, "obj_info", msgRef(&m.ObjInfo))
	w.field(5, "ram_user", msgRef(&m.RamUser))
	w.field(6, "sse_enabled", &m.SseEnabled)
	w.field(7, "vault", msgRef(&m.Vault))
	w.field(8, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// CreateInstanceResponse is the create_instance response.
// Protobuf message doris.cloud.CreateInstanceResponse.
type CreateInstanceResponse struct {
	Status *MetaServiceResponseStatus // 1: status

	unknown unknownFields
}

func (*CreateInstanceResponse) protoName() string { return "doris.cloud.CreateInstanceResponse" }

func (m *CreateInstanceResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(0, "", &m.unknown)
}

// AlterInstanceRequest is the request of drop/rename/sse/status instance routes.
// Protobuf message doris.cloud.AlterInstanceRequest.
type AlterInstanceRequest struct {
	InstanceID Opt[string]                         // 1: instance_id
	Op         Opt[AlterInstanceRequest_Operation] // 2: op
	Name       Opt[string]                         // 3: name
	RequestIP  Opt[string]                         // 4: request_ip
	Properties map[string]string                   // 5: properties

	unknown unknownFields
}

func (*AlterInstanceRequest) protoName() string { return "doris.cloud.AlterInstanceRequest" }

func (m *AlterInstanceRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "op", enumRef(&m.Op))
	w.field(3, "name", &m.Name)
	w.field(4, "request_ip", &m.RequestIP)
	w.field(5, "properties", &m.Properties)
	w.field(0, "", &m.unknown)
}

// AlterInstanceResponse is the alter_instance response.
// Protobuf message doris.cloud.AlterInstanceResponse.
type AlterInstanceResponse struct {
	Status *MetaServiceResponseStatus // 1: status

	unknown unknownFields
}

func (*AlterInstanceResponse) protoName() string { return "doris.cloud.AlterInstanceResponse" }

func (m *AlterInstanceResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(0, "", &m.unknown)
}

// GetInstanceRequest is the get_instance request.
// Protobuf message doris.cloud.GetInstanceRequest.
type GetInstanceRequest struct {
	InstanceID    Opt[string] // 1: instance_id
	CloudUniqueID Opt[string] // 2: cloud_unique_id
	RequestIP     Opt[string] // 3: request_ip

	unknown unknownFields
}

func (*GetInstanceRequest) protoName() string { return "doris.cloud.GetInstanceRequest" }

func (m *GetInstanceRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "cloud_unique_id", &m.CloudUniqueID)
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetInstanceResponse is the get_instance response (the HTTP route prints only instance).
// Protobuf message doris.cloud.GetInstanceResponse.
type GetInstanceResponse struct {
	Status   *MetaServiceResponseStatus // 1: status
	Instance *InstanceInfoPB            // 2: instance

	unknown unknownFields
}

func (*GetInstanceResponse) protoName() string { return "doris.cloud.GetInstanceResponse" }

func (m *GetInstanceResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "instance", msgRef(&m.Instance))
	w.field(0, "", &m.unknown)
}

// AlterClusterRequest is the request of all cluster and node routes.
// Protobuf message doris.cloud.AlterClusterRequest.
type AlterClusterRequest struct {
	InstanceID                          Opt[string]                        // 1: instance_id
	CloudUniqueID                       Opt[string]                        // 2: cloud_unique_id
	Cluster                             *ClusterPB                         // 3: cluster
	Op                                  Opt[AlterClusterRequest_Operation] // 4: op
	ReplaceIfExistingEmptyTargetCluster Opt[bool]                          // 5: replace_if_existing_empty_target_cluster
	RequestIP                           Opt[string]                        // 6: request_ip

	unknown unknownFields
}

func (*AlterClusterRequest) protoName() string { return "doris.cloud.AlterClusterRequest" }

func (m *AlterClusterRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "cloud_unique_id", &m.CloudUniqueID)
	w.field(3, "cluster", msgRef(&m.Cluster))
	w.field(4, "op", enumRef(&m.Op))
	w.field(5, "replace_if_existing_empty_target_cluster", &m.ReplaceIfExistingEmptyTargetCluster)
	w.field(6, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// AlterClusterResponse is the alter_cluster response.
// Protobuf message doris.cloud.AlterClusterResponse.
type AlterClusterResponse struct {
	Status *MetaServiceResponseStatus // 1: status

	unknown unknownFields
}

func (*AlterClusterResponse) protoName() string { return "doris.cloud.AlterClusterResponse" }

func (m *AlterClusterResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(0, "", &m.unknown)
}

// GetClusterRequest is the get_cluster request.
// Protobuf message doris.cloud.GetClusterRequest.
type GetClusterRequest struct {
	InstanceID    Opt[string] // 1: instance_id
	CloudUniqueID Opt[string] // 2: cloud_unique_id
	ClusterID     Opt[string] // 3: cluster_id
	ClusterName   Opt[string] // 4: cluster_name
	MysqlUserName Opt[string] // 5: mysql_user_name
	RequestIP     Opt[string] // 6: request_ip

	unknown unknownFields
}

func (*GetClusterRequest) protoName() string { return "doris.cloud.GetClusterRequest" }

func (m *GetClusterRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "cloud_unique_id", &m.CloudUniqueID)
	w.field(3, "cluster_id", &m.ClusterID)
	w.field(4, "cluster_name", &m.ClusterName)
	w.field(5, "mysql_user_name", &m.MysqlUserName)
	w.field(6, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetClusterResponse is the get_cluster response.
// Protobuf message doris.cloud.GetClusterResponse.
type GetClusterResponse struct {
	Status             *MetaServiceResponseStatus // 1: status
	Cluster            []*ClusterPB               // 2: cluster
	EnableStorageVault Opt[bool]                  // 3: enable_storage_vault

	unknown unknownFields
}

func (*GetClusterResponse) protoName() string { return "doris.cloud.GetClusterResponse" }

func (m *GetClusterResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "cluster", msgsRef(&m.Cluster))
	w.field(3, "enable_storage_vault", &m.EnableStorageVault)
	w.field(0, "", &m.unknown)
}

// GetClusterStatusRequest is the get_cluster_status request.
// Protobuf message doris.cloud.GetClusterStatusRequest.
type GetClusterStatusRequest struct {
	InstanceIDs    []string           // 1: instance_ids
	CloudUniqueIDs []string           // 2: cloud_unique_ids
	Status         Opt[ClusterStatus] // 3: status
	RequestIP      Opt[string]        // 4: request_ip

	unknown unknownFields
}

func (*GetClusterStatusRequest) protoName() string { return "doris.cloud.GetClusterStatusRequest" }

func (m *GetClusterStatusRequest) walk(w walker) {
	w.field(1, "instance_ids", &m.InstanceIDs)
	w.field(2, "cloud_unique_ids", &m.CloudUniqueIDs)
	w.field(3, "status", enumRef(&m.Status))
	w.field(4, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetClusterStatusResponse_GetClusterStatusResponseDetail is the cluster status list of one instance.
// Protobuf message doris.cloud.GetClusterStatusResponse.GetClusterStatusResponseDetail.
type GetClusterStatusResponse_GetClusterStatusResponseDetail struct {
	InstanceID Opt[string]  // 1: instance_id
	Clusters   []*ClusterPB // 2: clusters

	unknown unknownFields
}

func (*GetClusterStatusResponse_GetClusterStatusResponseDetail) protoName() string {
	return "doris.cloud.GetClusterStatusResponse.GetClusterStatusResponseDetail"
}

func (m *GetClusterStatusResponse_GetClusterStatusResponseDetail) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "clusters", msgsRef(&m.Clusters))
	w.field(0, "", &m.unknown)
}

// GetClusterStatusResponse is the get_cluster_status response.
// Protobuf message doris.cloud.GetClusterStatusResponse.
type GetClusterStatusResponse struct {
	Status  *MetaServiceResponseStatus                                 // 1: status
	Details []*GetClusterStatusResponse_GetClusterStatusResponseDetail // 2: details

	unknown unknownFields
}

func (*GetClusterStatusResponse) protoName() string { return "doris.cloud.GetClusterStatusResponse" }

func (m *GetClusterStatusResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "details", msgsRef(&m.Details))
	w.field(0, "", &m.unknown)
}

// GetObjStoreInfoRequest is the get_obj_store_info request.
// Protobuf message doris.cloud.GetObjStoreInfoRequest.
type GetObjStoreInfoRequest struct {
	CloudUniqueID Opt[string] // 1: cloud_unique_id
	RequestIP     Opt[string] // 2: request_ip

	unknown unknownFields
}

func (*GetObjStoreInfoRequest) protoName() string { return "doris.cloud.GetObjStoreInfoRequest" }

func (m *GetObjStoreInfoRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetObjStoreInfoResponse is the get_obj_store_info response.
// Protobuf message doris.cloud.GetObjStoreInfoResponse.
type GetObjStoreInfoResponse struct {
	Status                  *MetaServiceResponseStatus // 1: status
	ObjInfo                 []*ObjectStoreInfoPB       // 2: obj_info
	StorageVault            []*StorageVaultPB          // 3: storage_vault
	DefaultStorageVaultID   Opt[string]                // 4: default_storage_vault_id
	DefaultStorageVaultName Opt[string]                // 5: default_storage_vault_name
	EnableStorageVault      Opt[bool]                  // 6: enable_storage_vault

	unknown unknownFields
}

func (*GetObjStoreInfoResponse) protoName() string { return "doris.cloud.GetObjStoreInfoResponse" }

func (m *GetObjStoreInfoResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "obj_info", msgsRef(&m.ObjInfo))
	w.field(3, "storage_vault", msgsRef(&m.StorageVault))
	w.field(4, "default_storage_vault_id", &m.DefaultStorageVaultID)
	w.field(5, "default_storage_vault_name", &m.DefaultStorageVaultName)
	w.field(6, "enable_storage_vault", &m.EnableStorageVault)
	w.field(0, "", &m.unknown)
}

// AlterObjStoreInfoRequest is the request of the obj info and storage vault routes.
// Protobuf message doris.cloud.AlterObjStoreInfoRequest.
type AlterObjStoreInfoRequest struct {
	CloudUniqueID            Opt[string]                             // 1: cloud_unique_id
	Obj                      *ObjectStoreInfoPB                      // 2: obj
	Op                       Opt[AlterObjStoreInfoRequest_Operation] // 3: op
	Vault                    *StorageVaultPB                         // 4: vault
	SetAsDefaultStorageVault Opt[bool]                               // 5: set_as_default_storage_vault
	RequestIP                Opt[string]                             // 6: request_ip

	unknown unknownFields
}

func (*AlterObjStoreInfoRequest) protoName() string { return "doris.cloud.AlterObjStoreInfoRequest" }

func (m *AlterObjStoreInfoRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "obj", msgRef(&m.Obj))
	w.field(3, "op", enumRef(&m.Op))
	w.field(4, "vault", msgRef(&m.Vault))
	w.field(5, "set_as_default_storage_vault", &m.SetAsDefaultStorageVault)
	w.field(6, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// AlterObjStoreInfoResponse is the alter_obj_store_info response.
// Protobuf message doris.cloud.AlterObjStoreInfoResponse.
type AlterObjStoreInfoResponse struct {
	Status                      *MetaServiceResponseStatus // 1: status
	StorageVaultID              Opt[string]                // 2: storage_vault_id
	DefaultStorageVaultReplaced Opt[bool]                  // 3: default_storage_vault_replaced

	unknown unknownFields
}

func (*AlterObjStoreInfoResponse) protoName() string { return "doris.cloud.AlterObjStoreInfoResponse" }

func (m *AlterObjStoreInfoResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "storage_vault_id", &m.StorageVaultID)
	w.field(3, "default_storage_vault_replaced", &m.DefaultStorageVaultReplaced)
	w.field(0, "", &m.unknown)
}

// UpdateAkSkRequest is the update_ak_sk request.
// Protobuf message doris.cloud.UpdateAkSkRequest.
type UpdateAkSkRequest struct {
	InstanceID         Opt[string]  // 1: instance_id
	InternalBucketUser []*RamUserPB // 2: internal_bucket_user
	RamUser            *RamUserPB   // 3: ram_user
	RequestIP          Opt[string]  // 4: request_ip

	unknown unknownFields
}

func (*UpdateAkSkRequest) protoName() string { return "doris.cloud.UpdateAkSkRequest" }

func (m *UpdateAkSkRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "internal_bucket_user", msgsRef(&m.InternalBucketUser))
	w.field(3, "ram_user", msgRef(&m.RamUser))
	w.field(4, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// UpdateAkSkResponse is the update_ak_sk response.
// Protobuf message doris.cloud.UpdateAkSkResponse.
type UpdateAkSkResponse struct {
	Status *MetaServiceResponseStatus // 1: status

	unknown unknownFields
}

func (*UpdateAkSkResponse) protoName() string { return "doris.cloud.UpdateAkSkResponse" }

func (m *UpdateAkSkResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(0, "", &m.unknown)
}

// AlterRamUserRequest is the alter_ram_user request.
// Protobuf message doris.cloud.AlterRamUserRequest.
type AlterRamUserRequest struct {
	InstanceID Opt[string] // 1: instance_id
	RamUser    *RamUserPB  // 2: ram_user
	RequestIP  Opt[string] // 3: request_ip

	unknown unknownFields
}

func (*AlterRamUserRequest) protoName() string { return "doris.cloud.AlterRamUserRequest" }

func (m *AlterRamUserRequest) walk(w walker) {
	w.field(1, "instance_id", &m.InstanceID)
	w.field(2, "ram_user", msgRef(&m.RamUser))
	w.field(3, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// AlterIamRequest is the alter_iam request.
// Protobuf message doris.cloud.AlterIamRequest.
type AlterIamRequest struct {
	AccountID Opt[string] // 1: account_id
	AK        Opt[string] // 2: ak
	SK        Opt[string] // 3: sk
	RequestIP Opt[string] // 4: request_ip

	unknown unknownFields
}

func (*AlterIamRequest) protoName() string { return "doris.cloud.AlterIamRequest" }

func (m *AlterIamRequest) walk(w walker) {
	w.field(1, "account_id", &m.AccountID)
	w.field(2, "ak", &m.AK)
	w.field(3, "sk", &m.SK)
	w.field(4, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetStageRequest is the get_stage request.
// Protobuf message doris.cloud.GetStageRequest.
type GetStageRequest struct {
	CloudUniqueID Opt[string]            // 1: cloud_unique_id
	StageName     Opt[string]            // 2: stage_name
	MysqlUserName Opt[string]            // 3: mysql_user_name
	Type          Opt[StagePB_StageType] // 4: type
	MysqlUserID   Opt[string]            // 5: mysql_user_id
	RequestIP     Opt[string]            // 6: request_ip

	unknown unknownFields
}

func (*GetStageRequest) protoName() string { return "doris.cloud.GetStageRequest" }

func (m *GetStageRequest) walk(w walker) {
	w.field(1, "cloud_unique_id", &m.CloudUniqueID)
	w.field(2, "stage_name", &m.StageName)
	w.field(3, "mysql_user_name", &m.MysqlUserName)
	w.field(4, "type", enumRef(&m.Type))
	w.field(5, "mysql_user_id", &m.MysqlUserID)
	w.field(6, "request_ip", &m.RequestIP)
	w.field(0, "", &m.unknown)
}

// GetStageResponse is the get_stage response.
// Protobuf message doris.cloud.GetStageResponse.
type GetStageResponse struct {
	Status *MetaServiceResponseStatus // 1: status
	Stage  []*StagePB                 // 2: stage

	unknown unknownFields
}

func (*GetStageResponse) protoName() string { return "doris.cloud.GetStageResponse" }

func (m *GetStageResponse) walk(w walker) {
	w.field(1, "status", msgRef(&m.Status))
	w.field(2, "stage", msgsRef(&m.Stage))
	w.field(0, "", &m.unknown)
}
