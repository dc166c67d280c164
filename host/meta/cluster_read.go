package meta

import (
	"context"
	"slices"
	"strings"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// GetCluster implements get_cluster (spec §5.8). On success the result is
// the whole GetClusterResponse when every selector is empty, else the
// first matching cluster; errors carry no result.
func (s *Service) GetCluster(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetClusterRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getCluster(t, req) })
}

func getCluster(t *Tx, req *dorispb.GetClusterRequest) Reply {
	cuid := req.CloudUniqueID.Get()
	clusterID, clusterName, user := req.ClusterID.Get(), req.ClusterName.Get(), req.MysqlUserName.Get()
	if cuid == "" {
		return Reply{Err: invalid("cloud_unique_id must be given")}
	}
	instanceID := t.ResolveInstanceID(cuid)
	if instanceID == "" {
		if !req.InstanceID.Has() {
			return Reply{Err: invalid("empty instance_id")}
		}
		instanceID = req.InstanceID.Get()
	}
	// Selector priority: cluster_id, then cluster_name, then mysql user.
	if clusterID != "" {
		clusterName, user = "", ""
	} else if clusterName != "" {
		user = ""
	}
	all := clusterID == "" && clusterName == "" && user == ""
	if instanceID == "" {
		return Reply{Err: invalid("failed to get instance_id with cloud_unique_id=%s", cuid)}
	}
	inst, e := loadInstance(t, instanceID, dorispb.MetaServiceCode_KV_TXN_GET_ERR)
	if e != nil {
		return Reply{Err: e}
	}
	resp := &dorispb.GetClusterResponse{}
	resp.EnableStorageVault.Set(inst.EnableStorageVault.Get())
	if all {
		resp.Cluster = inst.Clusters
	} else {
		for _, c := range inst.Clusters {
			if (c.ClusterName.Has() && c.ClusterName.Get() == clusterName) ||
				(c.ClusterID.Has() && c.ClusterID.Get() == clusterID) ||
				slices.Contains(c.MysqlUserName, user) {
				resp.Cluster = append(resp.Cluster, c)
			}
		}
	}
	if len(resp.Cluster) == 0 {
		return Reply{Err: errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND, "fail to get cluster with %s",
			strings.ReplaceAll(dorispb.ShortDebugString(req), "\n", " "))}
	}
	if !all {
		return Reply{Result: resp.Cluster[0]}
	}
	resp.Status = okStatus("")
	return Reply{Result: resp}
}

// GetClusterStatus implements get_cluster_status (spec §5.9). The result is
// always the whole response; its status.msg carries the details as JSON.
func (s *Service) GetClusterStatus(ctx context.Context, opts raftstore.ReadOptions, req *dorispb.GetClusterStatusRequest) Reply {
	return s.read(ctx, opts, func(t *Tx) Reply { return getClusterStatus(t, req) })
}

func getClusterStatus(t *Tx, req *dorispb.GetClusterStatusRequest) Reply {
	if len(req.InstanceIDs) == 0 && len(req.CloudUniqueIDs) == 0 {
		e := invalid("cloud_unique_ids or instance_ids must be given, instance_ids.size: 0 cloud_unique_ids.size: 0")
		return Reply{Err: e, Result: &dorispb.GetClusterStatusResponse{Status: errStatus(e)}}
	}
	var ids []string
	if len(req.InstanceIDs) > 0 {
		ids = req.InstanceIDs
	} else {
		for _, cuid := range req.CloudUniqueIDs {
			if id := t.ResolveInstanceID(cuid); id != "" {
				ids = append(ids, id)
			}
		}
	}
	resp := &dorispb.GetClusterStatusResponse{}
	if len(ids) == 0 {
		resp.Status = okStatus("")
		return Reply{Result: resp}
	}
	filter, hasFilter := req.Status.Value()
	for _, id := range ids {
		inst, found, e := t.Instance(id)
		if e != nil || !found {
			continue // skipped silently, as Doris does
		}
		detail := &dorispb.GetClusterStatusResponse_GetClusterStatusResponseDetail{}
		detail.InstanceID.Set(id)
		for _, c := range inst.Clusters {
			if c.Type.Get() != dorispb.ClusterPB_COMPUTE {
				continue
			}
			if hasFilter && filter != c.ClusterStatus.Get() {
				continue
			}
			pb := &dorispb.ClusterPB{}
			pb.ClusterName.Set(c.ClusterName.Get())
			pb.ClusterID.Set(c.ClusterID.Get())
			if st, ok := c.ClusterStatus.Value(); ok {
				pb.ClusterStatus.Set(st)
			} else {
				pb.ClusterStatus.Set(dorispb.ClusterStatus_NORMAL)
			}
			detail.Clusters = append(detail.Clusters, pb)
		}
		if len(detail.Clusters) > 0 {
			resp.Details = append(resp.Details, detail)
		}
	}
	// Doris renders the response (status not yet set) into status.msg.
	resp.Status = okStatus(string(dorispb.MarshalJSON(resp)))
	return Reply{Result: resp}
}
