package meta

import (
	"context"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// PLACEHOLDER: replaced by the cluster and node operations.

func applyAlterCluster(t *Tx, req *dorispb.AlterClusterRequest) *Error {
	return invalid("alter_cluster not implemented")
}

// GetCluster implements get_cluster (spec §5.8).
func (s *Service) GetCluster(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetClusterRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getCluster(t, req) })
}

func getCluster(t *Tx, req *dorispb.GetClusterRequest) Reply {
	return Reply{Err: invalid("get_cluster not implemented")}
}

// GetClusterStatus implements get_cluster_status (spec §5.9).
func (s *Service) GetClusterStatus(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetClusterStatusRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getClusterStatus(t, req) })
}

func getClusterStatus(t *Tx, req *dorispb.GetClusterStatusRequest) Reply {
	return Reply{Err: invalid("get_cluster_status not implemented")}
}
