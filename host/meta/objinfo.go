package meta

import (
	"context"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// PLACEHOLDER: replaced by the object-store operations.

func applyAlterObjStoreInfo(t *Tx, req *dorispb.AlterObjStoreInfoRequest) *Error {
	return invalid("alter_obj_store_info not implemented")
}

func applyUpdateAkSk(t *Tx, req *dorispb.UpdateAkSkRequest) *Error {
	return invalid("update_ak_sk not implemented")
}

func applyAlterRamUser(t *Tx, req *dorispb.AlterRamUserRequest) *Error {
	return invalid("alter_ram_user not implemented")
}

func applyAlterIam(t *Tx, req *dorispb.AlterIamRequest) *Error {
	return invalid("alter_iam not implemented")
}

// GetObjStoreInfo implements get_obj_store_info and show_storage_vaults
// (spec §6.1).
func (s *Service) GetObjStoreInfo(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetObjStoreInfoRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getObjStoreInfo(t, req) })
}

func getObjStoreInfo(t *Tx, req *dorispb.GetObjStoreInfoRequest) Reply {
	return Reply{Err: invalid("get_obj_store_info not implemented")}
}
