package meta

import "github.com/metahost/metahost/host/meta/dorispb"

// Operation names of replicated mutations (the command payload's "op").
// The HTTP route decides the operation and, for the alter families, sets the
// request's op field before calling Mutate.
const (
	OpCreateInstance    = "create_instance"
	OpAlterInstance     = "alter_instance"
	OpAlterCluster      = "alter_cluster"
	OpAlterObjStoreInfo = "alter_obj_store_info"
	OpUpdateAkSk        = "update_ak_sk"
	OpAlterRamUser      = "alter_ram_user"
	OpAlterIam          = "alter_iam"
)

// mutations is the table of replicated operations.
func mutations() map[string]mutation {
	return map[string]mutation{
		OpCreateInstance: {
			newReq: func() dorispb.Message { return &dorispb.CreateInstanceRequest{} },
			apply: func(t *Tx, r dorispb.Message) *Error {
				return applyCreateInstance(t, r.(*dorispb.CreateInstanceRequest))
			},
		},
		OpAlterInstance: {
			newReq: func() dorispb.Message { return &dorispb.AlterInstanceRequest{} },
			apply:  func(t *Tx, r dorispb.Message) *Error { return applyAlterInstance(t, r.(*dorispb.AlterInstanceRequest)) },
		},
		OpAlterCluster: {
			newReq: func() dorispb.Message { return &dorispb.AlterClusterRequest{} },
			apply:  func(t *Tx, r dorispb.Message) *Error { return applyAlterCluster(t, r.(*dorispb.AlterClusterRequest)) },
		},
		OpAlterObjStoreInfo: {
			newReq: func() dorispb.Message { return &dorispb.AlterObjStoreInfoRequest{} },
			apply: func(t *Tx, r dorispb.Message) *Error {
				return applyAlterObjStoreInfo(t, r.(*dorispb.AlterObjStoreInfoRequest))
			},
		},
		OpUpdateAkSk: {
			newReq: func() dorispb.Message { return &dorispb.UpdateAkSkRequest{} },
			apply:  func(t *Tx, r dorispb.Message) *Error { return applyUpdateAkSk(t, r.(*dorispb.UpdateAkSkRequest)) },
		},
		OpAlterRamUser: {
			newReq: func() dorispb.Message { return &dorispb.AlterRamUserRequest{} },
			apply:  func(t *Tx, r dorispb.Message) *Error { return applyAlterRamUser(t, r.(*dorispb.AlterRamUserRequest)) },
		},
		OpAlterIam: {
			newReq: func() dorispb.Message { return &dorispb.AlterIamRequest{} },
			apply:  func(t *Tx, r dorispb.Message) *Error { return applyAlterIam(t, r.(*dorispb.AlterIamRequest)) },
		},
	}
}
