package meta

import (
	"context"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// PLACEHOLDER: replaced by the instance operations.

func applyCreateInstance(t *Tx, req *dorispb.CreateInstanceRequest) *Error {
	return invalid("create_instance not implemented")
}

func applyAlterInstance(t *Tx, req *dorispb.AlterInstanceRequest) *Error {
	return invalid("alter_instance not implemented")
}

// GetInstance implements get_instance (spec §4.3).
func (s *Service) GetInstance(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetInstanceRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getInstance(t, req) })
}

func getInstance(t *Tx, req *dorispb.GetInstanceRequest) Reply {
	return Reply{Err: invalid("get_instance not implemented"), Result: &dorispb.InstanceInfoPB{}}
}
