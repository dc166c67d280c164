package meta

import (
	"slices"
	"strconv"

	"github.com/metahost/metahost/host/meta/dorispb"
)

// validClusterName matches ^[a-zA-Z][a-zA-Z0-9_]*$ (Doris's cluster name
// pattern).
func validClusterName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

// checkClusterParams is ResourceManager::check_cluster_params_valid (spec
// §5.2). It returns Doris's message, "" when the cluster is acceptable. For
// a VIRTUAL cluster it fills the policy defaults in c, as Doris does.
func checkClusterParams(t *Tx, c *dorispb.ClusterPB, checkMasterNum, checkClusterName bool) string {
	if !c.Type.Has() {
		return "cluster must have type arg"
	}
	if checkClusterName && c.ClusterName.Get() == "" {
		return "not have cluster name"
	}
	if t.Config().EnableClusterNameCheck && c.ClusterName.Has() && !validClusterName(c.ClusterName.Get()) {
		return "cluster name not regex with ^[a-zA-Z][a-zA-Z0-9_]*$, please check it"
	}
	masters, followers := 0, 0
	typ := c.Type.Get()
	for _, n := range c.Nodes {
		if id, degraded := ParseDegradedCUID(n.CloudUniqueID.Get()); degraded && t.Config().EnableCheckInstanceID && !t.InstanceExists(id) {
			return "node=" + dorispb.DebugString(n) + " cloud_unique_id use degrade format, but check instance failed"
		}
		// Doris's "port required" rejection that follows this test can
		// never fire (its guard is the constant ClusterPB::VIRTUAL), so
		// nodes without ports are accepted here as they are there.
		if typ == dorispb.ClusterPB_SQL && n.EditLogPort.Get() != 0 && n.NodeType.Has() {
			switch n.NodeType.Get() {
			case dorispb.NodeInfoPB_FE_MASTER:
				masters++
			case dorispb.NodeInfoPB_FE_FOLLOWER:
				followers++
			}
		}
	}
	if checkMasterNum && typ == dorispb.ClusterPB_SQL {
		if masters > 0 && followers > 0 {
			return "cluster is SQL type, and use multi follower mode, cant set master node, master count: " +
				strconv.Itoa(masters) + " follower count: " + strconv.Itoa(followers)
		}
		if followers == 0 && masters != 1 {
			return "cluster is SQL type, must have only one master node, now master count: " + strconv.Itoa(masters)
		}
	}
	if typ == dorispb.ClusterPB_VIRTUAL {
		return validateVirtualCluster(c)
	}
	return ""
}

// validateVirtualCluster is ResourceManager::validate_virtual_cluster. It
// sets the policy's default thresholds (3 failures, 100 percent).
func validateVirtualCluster(c *dorispb.ClusterPB) string {
	if len(c.Nodes) > 0 || len(c.MysqlUserName) > 0 || c.PublicEndpoint.Has() || c.PrivateEndpoint.Has() || c.ClusterStatus.Has() {
		return "Inconsistent virtual cluster args"
	}
	if (len(c.ClusterNames) > 0) != (c.ClusterPolicy != nil) {
		return "subcgs and policy must be Incoming at the same time or do not transmit at the same time"
	}
	if len(c.ClusterNames) > 0 {
		if len(c.ClusterNames) != 2 {
			return "Currently, just support two sub clusters"
		}
		for _, sub := range c.ClusterNames {
			if !validClusterName(sub) {
				return "cluster name " + sub + " does not match regex ^[a-zA-Z][a-zA-Z0-9_]*$"
			}
		}
	}
	p := c.ClusterPolicy
	if p == nil {
		return ""
	}
	if !p.Type.Has() {
		return "plz set cluster policy type, use virtual cluster policy"
	}
	if p.Type.Get() != dorispb.ClusterPolicy_ActiveStandby {
		return "cluster policy type must be ActiveStandby"
	}
	active := p.ActiveClusterName.Get()
	if (active == "") != (len(p.StandbyClusterNames) == 0) {
		return "Inconsistent cluster policy: active_cluster_name must be set if standby_cluster_names are present, and vice versa."
	}
	if active == "" || !slices.Contains(c.ClusterNames, active) {
		return "active_cluster_name must not be empty and must be in cluster_names"
	}
	for _, standby := range p.StandbyClusterNames {
		if !slices.Contains(c.ClusterNames, standby) {
			return "standby_cluster_name " + standby + " must be in cluster_names"
		}
		if standby == active {
			return "active_cluster_name is same of standby_cluster_name"
		}
	}
	if !p.FailoverFailureThreshold.Has() {
		p.FailoverFailureThreshold.Set(3)
	}
	if !p.UnhealthyNodeThresholdPercent.Has() {
		p.UnhealthyNodeThresholdPercent.Set(100)
	}
	if p.FailoverFailureThreshold.Get() <= 0 {
		return "failover_failure_threshold must be greater than 0 and less than max(int64)"
	}
	if pct := p.UnhealthyNodeThresholdPercent.Get(); pct <= 0 || pct > 100 {
		return "unhealthy_node_threshold_percent must be greater than 0 and less than or equal to 100"
	}
	return ""
}

// validateSubClusters is ResourceManager::validate_sub_clusters: every
// named cluster exists, is COMPUTE and belongs to no virtual cluster yet.
func validateSubClusters(names []string, clusters []*dorispb.ClusterPB) *Error {
	for _, name := range names {
		var sub *dorispb.ClusterPB
		for _, c := range clusters {
			if c.ClusterName.Get() == name {
				sub = c
				break
			}
		}
		if sub == nil {
			return invalid("sub cluster %s not been added in instance, plz add it before create virtual cluster", name)
		}
		if sub.Type.Get() != dorispb.ClusterPB_COMPUTE {
			return invalid("sub cluster %s 's type must be eq COMPUTE", name)
		}
		for _, c := range clusters {
			if c.Type.Get() == dorispb.ClusterPB_VIRTUAL && slices.Contains(c.ClusterNames, name) {
				return invalid("sub cluster %s has been add by other vcg=%s", name, c.ClusterName.Get())
			}
		}
	}
	return nil
}
