package meta

import "github.com/metahost/metahost/host/meta/dorispb"

// nodeChange is one node of a node operation (Doris's ResourceManager::
// NodeInfo): the node, the cluster it is meant for and the instance id the
// caller named.
type nodeChange struct {
	role        string
	instanceID  string
	clusterID   string
	clusterName string
	node        *dorispb.NodeInfoPB
}

// requestNodeChanges turns the request's nodes into node changes, as
// handle_add_node/handle_drop_node do: the instance id is the request's
// (empty when the caller gave a cloud_unique_id), status optional.
func requestNodeChanges(req *dorispb.AlterClusterRequest, status *dorispb.NodeStatusPB) []nodeChange {
	c := req.Cluster
	role := RoleOf(c)
	out := make([]nodeChange, 0, len(c.Nodes))
	for _, n := range c.Nodes {
		node := dorispb.Clone(n)
		if status != nil {
			node.Status.Set(*status)
		}
		out = append(out, nodeChange{
			role:        role,
			instanceID:  req.InstanceID.Get(),
			clusterID:   c.ClusterID.Get(),
			clusterName: c.ClusterName.Get(),
			node:        node,
		})
	}
	return out
}

// addNodes is handle_add_node (spec §5.6).
func addNodes(t *Tx, instanceID string, req *dorispb.AlterClusterRequest) *Error {
	if msg := checkClusterParams(t, dorispb.Clone(req.Cluster), false, false); msg != "" {
		return invalid("%s", msg)
	}
	running := dorispb.NodeStatusPB_NODE_STATUS_RUNNING
	return modifyNodes(t, instanceID, requestNodeChanges(req, &running), nil)
}

// dropNodes is handle_drop_node (spec §5.6).
func dropNodes(t *Tx, instanceID string, req *dorispb.AlterClusterRequest) *Error {
	if msg := checkClusterParams(t, dorispb.Clone(req.Cluster), false, false); msg != "" {
		return invalid("%s", msg)
	}
	return modifyNodes(t, instanceID, nil, requestNodeChanges(req, nil))
}

// decommissionNodes is handle_decommission_node / handle_notify_decommissioned
// (spec §5.7): the nodes known under nodes[0].cloud_unique_id whose
// ip:heartbeat_port (else host:heartbeat_port) matches a requested node are
// dropped and added back with the new status. Like Doris it runs two node
// modifications and reports the second one's outcome; unlike Doris a failure
// of the second also undoes the first (one transaction).
func decommissionNodes(t *Tx, instanceID string, req *dorispb.AlterClusterRequest, status dorispb.NodeStatusPB) *Error {
	if msg := checkClusterParams(t, dorispb.Clone(req.Cluster), false, false); msg != "" {
		return invalid("%s", msg)
	}
	reqNodes := req.Cluster.Nodes
	if len(reqNodes) == 0 {
		// nodes[0] of an empty list is undefined behaviour in C++.
		return invalid("to_add and to_del both empty or both not empty")
	}
	entries := t.NodeIndex(reqNodes[0].CloudUniqueID.Get())
	if len(entries) == 0 {
		return invalid("cloud_unique_id not found")
	}
	var matched []nodeChange
	for _, ent := range entries {
		n := ent.Node()
		for _, rn := range reqNodes {
			hit := false
			if n.IP.Has() && rn.IP.Has() {
				hit = n.IP.Get() == rn.IP.Get()
			} else if n.Host.Has() && rn.Host.Has() {
				hit = n.Host.Get() == rn.Host.Get()
			}
			if hit && n.HeartbeatPort.Get() == rn.HeartbeatPort.Get() {
				matched = append(matched, nodeChange{
					role: ent.Role, instanceID: ent.InstanceID,
					clusterID: ent.ClusterID, clusterName: ent.ClusterName,
					node: dorispb.Clone(n),
				})
			}
		}
	}
	// The first modification's message is overwritten by the second's, as
	// in Doris: only the second decides the outcome.
	_ = modifyNodes(t, instanceID, nil, matched)
	readd := make([]nodeChange, len(matched))
	for i, m := range matched {
		m.node = dorispb.Clone(m.node)
		m.node.Status.Set(status)
		readd[i] = m
	}
	return modifyNodes(t, instanceID, readd, nil)
}

// portFor is the port modify_nodes compares: heartbeat_port when
// useHeartbeat (the node has one), else edit_log_port.
func portFor(n *dorispb.NodeInfoPB, useHeartbeat bool) int32 {
	if useHeartbeat {
		return n.HeartbeatPort.Get()
	}
	return n.EditLogPort.Get()
}

// sameNode reports whether a and b share ip:port or host:port, the port of
// each chosen by pa/pb. (Doris compares "addr:port" strings; a port has no
// ':', so that is the same as comparing address and port.)
func sameNode(a, b *dorispb.NodeInfoPB, pa, pb bool) bool {
	if portFor(a, pa) != portFor(b, pb) {
		return false
	}
	return (a.IP.Has() && b.IP.Has() && a.IP.Get() == b.IP.Get()) ||
		(a.Host.Has() && b.Host.Has() && a.Host.Get() == b.Host.Get())
}

// matchesChange is modify_nodes's cluster filter: same name or same id
// (each only when the stored cluster has the field).
func matchesChange(c *dorispb.ClusterPB, n nodeChange) bool {
	return (c.ClusterName.Has() && c.ClusterName.Get() == n.clusterName) ||
		(c.ClusterID.Has() && c.ClusterID.Get() == n.clusterID)
}

// modifyNodes is ResourceManager::modify_nodes (spec §5.6): it adds or
// drops nodes and stores the instance when the result is valid. Every
// failure is a message (400; drop_node's "not found" becomes 404 later).
func modifyNodes(t *Tx, instanceID string, toAdd, toDel []nodeChange) *Error {
	if (len(toAdd) > 0) == (len(toDel) > 0) {
		return invalid("to_add and to_del both empty or both not empty")
	}
	inst, old, e := loadForUpdate(t, instanceID, dorispb.MetaServiceCode_INVALID_ARGUMENT)
	if e != nil {
		return e
	}
	if len(toAdd) > 0 {
		fe, be := registeredEndpoints(inst)
		for _, n := range toAdd {
			typ := dorispb.ClusterPB_COMPUTE
			if n.role == RoleSQLServer {
				typ = dorispb.ClusterPB_SQL
			}
			if e := checkNodeRegistered(typ, n.node, fe, be); e != nil {
				return invalid("%s", e.Msg)
			}
		}
	}
	now := t.Now()
	for _, n := range toAdd {
		cuid := n.node.CloudUniqueID.Get()
		for _, ent := range t.NodeIndex(cuid) {
			if ent.InstanceID != n.instanceID {
				return invalid("cloud_unique_id is already occupied by an instance, instance_id=%s cluster_name=%s cluster_id=%s cloud_unique_id=%s",
					ent.InstanceID, ent.ClusterName, ent.ClusterID, cuid)
			}
		}
		compute := n.node.HeartbeatPort.Has()
		for _, c := range inst.Clusters {
			if !matchesChange(c, n) {
				continue
			}
			dup := false
			for _, ex := range c.Nodes {
				if sameNode(ex, n.node, compute, compute) {
					dup = true // a replayed request: nothing to do
					break
				}
			}
			if dup {
				continue
			}
			if !n.node.Ctime.Has() {
				n.node.Ctime.Set(now)
			}
			n.node.Mtime.Set(now)
			c.Nodes = append(c.Nodes, dorispb.Clone(n.node))
		}
	}
	for _, n := range toDel {
		if e := checkDrop(t, n); e != nil {
			return e
		}
		for _, c := range inst.Clusters {
			if !matchesChange(c, n) {
				continue
			}
			if e := dropFromCluster(t, inst, c, n); e != nil {
				return e
			}
		}
	}
	if !instanceValid(inst) {
		return invalid("instance invalid, cant modify, plz check")
	}
	return t.PutInstance(old, inst)
}

// checkDrop is modify_nodes's check_to_del against the node index.
func checkDrop(t *Tx, n nodeChange) *Error {
	cuid := n.node.CloudUniqueID.Get()
	entries := t.NodeIndex(cuid)
	if len(entries) == 0 {
		return invalid("not found ,can not find to drop nodes by cloud_unique_id=%s instance_id=%s cluster_name=%s cluster_id=%s help Msg=%s",
			cuid, n.instanceID, n.clusterName, n.clusterID, cacheHelpMsg)
	}
	for _, ent := range entries {
		m := ent.Node()
		if sameNode(m, n.node, m.HeartbeatPort.Has(), n.node.HeartbeatPort.Has()) {
			return nil
		}
	}
	return invalid("not found ,cloud_unique_id can not find to drop node, instance_id=%s cluster_name=%s cluster_id=%s node_info=%s help Msg=%s",
		n.instanceID, n.clusterName, n.clusterID, dorispb.DebugString(n.node), cacheHelpMsg)
}

// dropFromCluster is modify_nodes's modify_to_del for one matching cluster.
func dropFromCluster(t *Tx, inst *dorispb.InstanceInfoPB, c *dorispb.ClusterPB, n nodeChange) *Error {
	idx := -1
	for i, cn := range c.Nodes {
		if cn.CloudUniqueID.Get() == n.node.CloudUniqueID.Get() &&
			sameNode(cn, n.node, cn.HeartbeatPort.Has(), n.node.HeartbeatPort.Has()) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return invalid("not found ,failed to find node to drop, instance_id=%s cluster_id=%s cluster_name=%s cluster=%s help Msg =%s",
			inst.InstanceID.Get(), c.ClusterID.Get(), c.ClusterName.Get(), dorispb.MarshalJSON(c), cacheHelpMsg)
	}
	if c.Type.Get() == dorispb.ClusterPB_SQL && t.Config().EnableCheckFEDropInSafeTime && !feDropSafe(t, c.Nodes[idx]) {
		return invalid("drop fe node not in safe time, try later, node=%s", dorispb.DebugString(c.Nodes[idx]))
	}
	c.Nodes = append(c.Nodes[:idx:idx], c.Nodes[idx+1:]...)
	return nil
}

// instanceValid is is_instance_valid: the first SQL cluster has at most
// one FE_MASTER and at least one master or follower.
func instanceValid(inst *dorispb.InstanceInfoPB) bool {
	for _, c := range inst.Clusters {
		if !c.Type.Has() || c.Type.Get() != dorispb.ClusterPB_SQL {
			continue
		}
		masters, followers := 0, 0
		for _, n := range c.Nodes {
			switch n.NodeType.Get() {
			case dorispb.NodeInfoPB_FE_MASTER:
				masters++
			case dorispb.NodeInfoPB_FE_FOLLOWER:
				followers++
			}
		}
		return masters <= 1 && (masters > 0 || followers > 0)
	}
	return true
}
