package meta

import (
	"slices"
	"strconv"
	"strings"

	"github.com/metahost/metahost/host/meta/dorispb"
)

// This file holds the alter_cluster family (spec §5): the common prelude,
// add_cluster, drop_cluster and the update_cluster-based operations. Node
// operations are in cluster_nodes.go, parameter validation in
// cluster_validate.go and the reads in cluster_read.go.

// cacheHelpMsg is the hint Doris appends to "not found" messages of
// drop_cluster and drop_node.
const cacheHelpMsg = "Ms nodes memory cache may be inconsistent, pls check registry key may be contain 127.0.0.1, and call get_instance api get instance info from fdb"

// feSafeDropSeconds is how long after its creation an FE node (or a SQL
// cluster holding it) cannot be dropped.
const feSafeDropSeconds = 5 * 60

// applyAlterCluster implements MetaServiceImpl::alter_cluster (spec §5.1):
// resolve the instance, dispatch on op, then Doris's code fix-ups.
func applyAlterCluster(t *Tx, req *dorispb.AlterClusterRequest) *Error {
	cuid := req.CloudUniqueID.Get()
	instanceID := req.InstanceID.Get()
	if cuid != "" && instanceID == "" {
		if id, degraded := ParseDegradedCUID(cuid); degraded && t.Config().EnableCheckInstanceID && !t.InstanceExists(id) {
			return invalid("use degrade cloud_unique_id, but instance_id invalid, cloud_unique_id=%s", cuid)
		}
		instanceID = t.ResolveInstanceID(cuid)
		if instanceID == "" {
			return invalid("empty instance_id")
		}
	}
	if instanceID == "" || req.Cluster == nil {
		return invalid("invalid request instance_id or cluster not given")
	}
	if !req.Op.Has() {
		return invalid("op not given")
	}
	var e *Error
	switch op := req.Op.Get(); op {
	case dorispb.AlterClusterRequest_ADD_CLUSTER:
		e = addCluster(t, instanceID, req.Cluster)
	case dorispb.AlterClusterRequest_DROP_CLUSTER:
		e = dropCluster(t, instanceID, req.Cluster)
	case dorispb.AlterClusterRequest_UPDATE_CLUSTER_MYSQL_USER_NAME:
		e = updateCluster(t, instanceID, req.Cluster, func(c *dorispb.ClusterPB, _ []*dorispb.ClusterPB) *Error {
			c.MysqlUserName = append([]string(nil), req.Cluster.MysqlUserName...)
			return nil
		})
	case dorispb.AlterClusterRequest_ADD_NODE:
		e = addNodes(t, instanceID, req)
	case dorispb.AlterClusterRequest_DROP_NODE:
		e = dropNodes(t, instanceID, req)
	case dorispb.AlterClusterRequest_DECOMMISSION_NODE:
		e = decommissionNodes(t, instanceID, req, dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONING)
	case dorispb.AlterClusterRequest_NOTIFY_DECOMMISSIONED:
		e = decommissionNodes(t, instanceID, req, dorispb.NodeStatusPB_NODE_STATUS_DECOMMISSIONED)
	case dorispb.AlterClusterRequest_RENAME_CLUSTER:
		e = updateCluster(t, instanceID, req.Cluster, renameAction(req.Cluster))
	case dorispb.AlterClusterRequest_UPDATE_CLUSTER_ENDPOINT:
		e = updateCluster(t, instanceID, req.Cluster, endpointAction(req.Cluster))
	case dorispb.AlterClusterRequest_SET_CLUSTER_STATUS:
		e = updateCluster(t, instanceID, req.Cluster, statusAction(req.Cluster))
	case dorispb.AlterClusterRequest_ALTER_VCLUSTER_INFO:
		e = updateCluster(t, instanceID, req.Cluster, vclusterAction(req.Cluster))
	default:
		// C++ streams the enum as its number.
		return invalid("invalid request op, op=%d", int32(op))
	}
	if e == nil {
		return nil
	}
	if e.Code == dorispb.MetaServiceCode_OK {
		e.Code = dorispb.MetaServiceCode_INVALID_ARGUMENT
	}
	// "ugly but easy to repair": drop_node maps any "not found" to 404.
	if req.Op.Get() == dorispb.AlterClusterRequest_DROP_NODE && strings.Contains(e.Msg, "not found") {
		e.Code = dorispb.MetaServiceCode_CLUSTER_NOT_FOUND
	}
	return e
}

// loadForUpdate is loadAlive with one code for a missing and a DELETED
// instance; it also returns a deep copy of the instance (the "old" value
// PutInstance needs to update the node index).
func loadForUpdate(t *Tx, instanceID string, code dorispb.MetaServiceCode) (inst, old *dorispb.InstanceInfoPB, e *Error) {
	inst, e = loadAlive(t, instanceID, code, code)
	if e != nil {
		return nil, nil, e
	}
	return inst, dorispb.Clone(inst), nil
}

// addCluster implements ResourceManager::add_cluster (spec §5.3).
func addCluster(t *Tx, instanceID string, reqCluster *dorispb.ClusterPB) *Error {
	c := dorispb.Clone(reqCluster)
	if msg := checkClusterParams(t, c, true, true); msg != "" {
		return invalid("%s", msg)
	}
	for _, n := range c.Nodes {
		cuid := n.CloudUniqueID.Get()
		for _, ent := range t.NodeIndex(cuid) {
			if ent.InstanceID != instanceID {
				return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED,
					"cloud_unique_id is already occupied by an instance, instance_id=%s cluster_name=%s cluster_id=%s cloud_unique_id=%s",
					ent.InstanceID, ent.ClusterName, ent.ClusterID, cuid)
			}
		}
	}
	// Unlike the other operations, add_cluster words "not found" with an
	// extra "info" prefix.
	inst, found, e := t.Instance(instanceID)
	if e != nil {
		return e
	}
	if !found {
		return errorf(dorispb.MetaServiceCode_KV_TXN_GET_ERR, "%s", keyNotFound("failed to get instance, info failed to get instance, instance_id=%s", instanceID))
	}
	if isDeleted(inst) {
		return errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND, "%s", instanceDeletedMsg)
	}
	old := dorispb.Clone(inst)
	for _, ex := range inst.Clusters {
		if ex.ClusterID.Get() == c.ClusterID.Get() {
			return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "try to add a existing cluster id, existing_cluster_id=%s", ex.ClusterID.Get())
		}
		if ex.ClusterName.Get() == c.ClusterName.Get() {
			return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "try to add a existing cluster name, existing_cluster_name=%s", ex.ClusterName.Get())
		}
	}
	now := t.Now()
	if len(c.Nodes) > 0 {
		// Doris stamps the first node before it checks every node, so an
		// "input args node invalid" message about node 0 shows its times.
		c.Nodes[0].Ctime.Set(now)
		c.Nodes[0].Mtime.Set(now)
		fe, be := registeredEndpoints(inst)
		for _, n := range c.Nodes {
			if e := checkNodeRegistered(c.Type.Get(), n, fe, be); e != nil {
				return e
			}
		}
	}
	if c.Type.Get() == dorispb.ClusterPB_VIRTUAL {
		if e := validateSubClusters(c.ClusterNames, inst.Clusters); e != nil {
			return e
		}
	}
	for _, n := range c.Nodes {
		n.Ctime.Set(now)
		n.Mtime.Set(now)
	}
	if c.Type.Get() == dorispb.ClusterPB_COMPUTE {
		c.ClusterStatus.Set(dorispb.ClusterStatus_NORMAL)
	}
	c.Ctime.Set(now)
	c.Mtime.Set(now)
	inst.Clusters = append(inst.Clusters, c)
	return t.PutInstance(old, inst)
}

// dropCluster implements ResourceManager::drop_cluster (spec §5.4): the
// cluster is matched by id only.
func dropCluster(t *Tx, instanceID string, reqCluster *dorispb.ClusterPB) *Error {
	if reqCluster.ClusterID.Get() == "" {
		return invalid("missing cluster_id=")
	}
	inst, old, e := loadForUpdate(t, instanceID, dorispb.MetaServiceCode_CLUSTER_NOT_FOUND)
	if e != nil {
		return e
	}
	idx := -1
	for i, c := range inst.Clusters {
		if c.ClusterID.Get() != reqCluster.ClusterID.Get() {
			continue
		}
		// An unset type reads as SQL (the proto default), as in C++.
		if c.Type.Get() == dorispb.ClusterPB_SQL && t.Config().EnableCheckFEDropInSafeTime {
			for _, n := range c.Nodes {
				if !feDropSafe(t, n) {
					return errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND, "drop fe cluster not in safe time, try later, cluster=%s", dorispb.DebugString(c))
				}
			}
		}
		idx = i
		break
	}
	if idx < 0 {
		return errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND,
			"failed to find cluster to drop, instance_id=%s cluster_id=%s cluster_name=%s help Msg=%s",
			instanceID, reqCluster.ClusterID.Get(), reqCluster.ClusterName.Get(), cacheHelpMsg)
	}
	name := inst.Clusters[idx].ClusterName.Get()
	for _, c := range inst.Clusters {
		if c.Type.Get() == dorispb.ClusterPB_VIRTUAL && slices.Contains(c.ClusterNames, name) {
			return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED,
				"failed to drop cluster, this cluster owned by virtual cluster=%s if you want drop this cluster, please drop virtual cluster=%s firstly",
				c.ClusterName.Get(), c.ClusterName.Get())
		}
	}
	inst.Clusters = append(inst.Clusters[:idx:idx], inst.Clusters[idx+1:]...)
	return t.PutInstance(old, inst)
}

// feDropSafe reports whether an FE node is past its safe-drop window:
// now > ctime + 300 (a node without ctime is always past it).
func feDropSafe(t *Tx, n *dorispb.NodeInfoPB) bool {
	return t.Now() > n.Ctime.Get()+feSafeDropSeconds
}

// clusterAction changes the matched cluster of an update_cluster operation;
// clusters is every cluster of the instance (before the change).
type clusterAction func(c *dorispb.ClusterPB, clusters []*dorispb.ClusterPB) *Error

// updateCluster implements ResourceManager::update_cluster (spec §5.5): the
// cluster is matched by id; every failure is a message (400) unless the
// action sets a code.
func updateCluster(t *Tx, instanceID string, reqCluster *dorispb.ClusterPB, action clusterAction) *Error {
	if reqCluster.ClusterID.Get() == "" {
		return invalid("missing cluster_id=")
	}
	inst, old, e := loadForUpdate(t, instanceID, dorispb.MetaServiceCode_INVALID_ARGUMENT)
	if e != nil {
		return e
	}
	var target *dorispb.ClusterPB
	for _, c := range inst.Clusters {
		if c.ClusterID.Get() == reqCluster.ClusterID.Get() {
			target = c
			break
		}
	}
	if target == nil {
		return invalid("failed to find cluster to update, instance_id=%s cluster_id=%s cluster_name=%s",
			instanceID, reqCluster.ClusterID.Get(), reqCluster.ClusterName.Get())
	}
	if e := action(target, old.Clusters); e != nil {
		return e
	}
	// The classic code computes a new mtime on a copy and never stores it.
	return t.PutInstance(old, inst)
}

// renameAction is rename_cluster: the new name must not be used by any
// cluster of the instance, the target included (so Doris's later "name eq
// original name" check can never fire and is left out).
func renameAction(req *dorispb.ClusterPB) clusterAction {
	return func(c *dorispb.ClusterPB, clusters []*dorispb.ClusterPB) *Error {
		name := req.ClusterName.Get()
		for _, ex := range clusters {
			if ex.ClusterName.Get() == name {
				return invalid("failed to rename cluster, a cluster with the same name already exists in this instance %s", dorispb.MarshalJSON(c))
			}
		}
		c.ClusterName.Set(name)
		return nil
	}
}

// endpointAction is update_cluster_endpoint.
func endpointAction(req *dorispb.ClusterPB) clusterAction {
	return func(c *dorispb.ClusterPB, _ []*dorispb.ClusterPB) *Error {
		if req.PrivateEndpoint.Get() == "" {
			return errorf(dorispb.MetaServiceCode_CLUSTER_ENDPOINT_MISSING, "missing private endpoint")
		}
		c.PublicEndpoint.Set(req.PublicEndpoint.Get())
		c.PrivateEndpoint.Set(req.PrivateEndpoint.Get())
		return nil
	}
}

// ClusterStatusAllowed reports whether set_cluster_status may move a
// compute cluster from one status to another (spec §9.2).
func ClusterStatusAllowed(from, to dorispb.ClusterStatus) bool {
	switch [2]dorispb.ClusterStatus{from, to} {
	case [2]dorispb.ClusterStatus{dorispb.ClusterStatus_UNKNOWN, dorispb.ClusterStatus_NORMAL},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_NORMAL, dorispb.ClusterStatus_SUSPENDED},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_SUSPENDED, dorispb.ClusterStatus_TO_RESUME},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_TO_RESUME, dorispb.ClusterStatus_NORMAL},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_SUSPENDED, dorispb.ClusterStatus_NORMAL},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_NORMAL, dorispb.ClusterStatus_MANUAL_SHUTDOWN},
		[2]dorispb.ClusterStatus{dorispb.ClusterStatus_MANUAL_SHUTDOWN, dorispb.ClusterStatus_NORMAL}:
		return true
	}
	return false
}

// printClusterStatus is Doris's print_cluster_status.
func printClusterStatus(s dorispb.ClusterStatus) string {
	switch s {
	case dorispb.ClusterStatus_NORMAL:
		return "NORMAL"
	case dorispb.ClusterStatus_SUSPENDED:
		return "SUSPENDED"
	case dorispb.ClusterStatus_TO_RESUME:
		return "TO_RESUME"
	case dorispb.ClusterStatus_MANUAL_SHUTDOWN:
		return "MANUAL_SHUTDOWN"
	}
	return "UNKNOWN"
}

// statusAction is set_cluster_status (§9.2).
func statusAction(req *dorispb.ClusterPB) clusterAction {
	return func(c *dorispb.ClusterPB, _ []*dorispb.ClusterPB) *Error {
		if c.Type.Get() != dorispb.ClusterPB_COMPUTE {
			return invalid("just support set COMPUTE cluster status")
		}
		from, to := c.ClusterStatus.Get(), req.ClusterStatus.Get()
		if from == to {
			return invalid("failed to set cluster status, status eq original status, original cluster is %s", printClusterStatus(from))
		}
		if !ClusterStatusAllowed(from, to) {
			return invalid("failed to set cluster status, original cluster is %s and want set %s", printClusterStatus(from), printClusterStatus(to))
		}
		c.ClusterStatus.Set(to)
		return nil
	}
}

// vclusterAction is alter_vcluster_info (a master-generation route; the
// operation is kept so a request carrying it behaves as in Doris).
func vclusterAction(req *dorispb.ClusterPB) clusterAction {
	return func(c *dorispb.ClusterPB, clusters []*dorispb.ClusterPB) *Error {
		others := make([]*dorispb.ClusterPB, 0, len(clusters))
		for _, ex := range clusters {
			if ex.ClusterName.Get() != c.ClusterName.Get() {
				others = append(others, ex)
			}
		}
		// validateSubClusters fails with invalid() only, the code every
		// failure here has.
		if len(req.ClusterNames) > 0 {
			if e := validateSubClusters(req.ClusterNames, others); e != nil {
				return e
			}
			c.ClusterNames = append([]string(nil), req.ClusterNames...)
		}
		if p := req.ClusterPolicy; p != nil {
			if c.ClusterPolicy == nil {
				c.ClusterPolicy = &dorispb.ClusterPolicy{}
			}
			cp := c.ClusterPolicy
			if p.ActiveClusterName.Has() {
				if e := validateSubClusters([]string{p.ActiveClusterName.Get()}, others); e != nil {
					return e
				}
				cp.ActiveClusterName.Set(p.ActiveClusterName.Get())
			}
			if len(p.StandbyClusterNames) > 0 {
				// Only one standby is supported: the first one wins.
				name := p.StandbyClusterNames[0]
				if e := validateSubClusters([]string{name}, others); e != nil {
					return e
				}
				cp.StandbyClusterNames = []string{name}
			}
			if p.Type.Has() {
				cp.Type.Set(p.Type.Get())
			}
			if p.FailoverFailureThreshold.Has() {
				cp.FailoverFailureThreshold.Set(p.FailoverFailureThreshold.Get())
			}
			if p.UnhealthyNodeThresholdPercent.Has() {
				cp.UnhealthyNodeThresholdPercent.Set(p.UnhealthyNodeThresholdPercent.Get())
			}
			if len(p.CacheWarmupJobids) > 0 {
				cp.CacheWarmupJobids = append([]string(nil), p.CacheWarmupJobids...)
			}
		}
		if msg := validateVirtualCluster(c); msg != "" {
			return invalid("%s", msg)
		}
		return nil
	}
}

// nodeEndpoint is get_node_endpoint_from_cluster: (host, else ip, else "")
// and the port that identifies the node for a cluster type: edit_log_port
// for SQL, heartbeat_port for COMPUTE, -1 otherwise.
func nodeEndpoint(typ dorispb.ClusterPB_Type, n *dorispb.NodeInfoPB) (string, int32) {
	addr := n.IP.Get()
	if n.Host.Has() {
		addr = n.Host.Get()
	}
	switch typ {
	case dorispb.ClusterPB_SQL:
		return addr, n.EditLogPort.Get()
	case dorispb.ClusterPB_COMPUTE:
		return addr, n.HeartbeatPort.Get()
	}
	return addr, -1
}

func joinEndpoint(addr string, port int32) string {
	return addr + ":" + strconv.FormatInt(int64(port), 10)
}

// registeredEndpoints returns the endpoints of the instance's SQL and
// COMPUTE nodes (a stored cluster without type counts as SQL, as in C++).
func registeredEndpoints(inst *dorispb.InstanceInfoPB) (fe, be map[string]bool) {
	fe, be = map[string]bool{}, map[string]bool{}
	for _, c := range inst.Clusters {
		typ := c.Type.Get()
		for _, n := range c.Nodes {
			ep := joinEndpoint(nodeEndpoint(typ, n))
			switch typ {
			case dorispb.ClusterPB_SQL:
				fe[ep] = true
			case dorispb.ClusterPB_COMPUTE:
				be[ep] = true
			}
		}
	}
	return fe, be
}

// checkNodeRegistered is check_node_has_been_registered.
func checkNodeRegistered(typ dorispb.ClusterPB_Type, n *dorispb.NodeInfoPB, fe, be map[string]bool) *Error {
	addr, port := nodeEndpoint(typ, n)
	if addr == "" || port == -1 {
		return invalid("add node input args node invalid, cluster=%s", dorispb.MarshalJSON(n))
	}
	ep := joinEndpoint(addr, port)
	switch typ {
	case dorispb.ClusterPB_SQL:
		if fe[ep] {
			return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "sql node endpoint has been added, registered fe node=%s", ep)
		}
	case dorispb.ClusterPB_COMPUTE:
		if be[ep] {
			return errorf(dorispb.MetaServiceCode_ALREADY_EXISTED, "compute node endpoint has been added, registered be node=%s", ep)
		}
	}
	return nil
}
