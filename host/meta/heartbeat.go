package meta

import (
	"context"
	"encoding/json"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
)

// Heartbeat is what a compute node reports about itself through metahost's
// node_heartbeat route. The node is identified by its cloud_unique_id and
// the ip (or host) and heartbeat_port it was registered with.
type Heartbeat struct {
	// CloudUniqueID is the node's cloud_unique_id (be.conf).
	CloudUniqueID string `json:"cloud_unique_id"`
	// Host is the ip or host name the node was added with.
	Host string `json:"host"`
	// HeartbeatPort is the node's heartbeat_service_port.
	HeartbeatPort int32 `json:"heartbeat_port"`
	// BePort, HTTPPort and BrpcPort are the node's service ports; 0 (or
	// absent) means unknown and is shown as -1, like an FE that has not
	// heard from the backend yet.
	BePort   int32 `json:"be_port"`
	HTTPPort int32 `json:"http_port"`
	BrpcPort int32 `json:"brpc_port"`
	// CurrentFragmentNum is the number of fragments running now.
	CurrentFragmentNum int64 `json:"current_fragment_num"`
	// LastFragmentUpdateTime is when that number last changed, in Unix
	// milliseconds. 0 lets the service fill it in: the leader's time when
	// the number changed, else the previous value.
	LastFragmentUpdateTime int64 `json:"last_fragment_update_time"`
}

// Validate checks a heartbeat's shape and returns Doris-style messages.
func (hb *Heartbeat) Validate() *Error {
	switch {
	case hb.CloudUniqueID == "":
		return invalid("cloud_unique_id must be given")
	case hb.Host == "":
		return invalid("host must be given")
	case hb.HeartbeatPort <= 0 || hb.HeartbeatPort > 65535:
		return invalid("invalid heartbeat_port %d, want 1-65535", hb.HeartbeatPort)
	case !validPort(hb.BePort):
		return invalid("invalid be_port %d, want -1 or 0-65535", hb.BePort)
	case !validPort(hb.HTTPPort):
		return invalid("invalid http_port %d, want -1 or 0-65535", hb.HTTPPort)
	case !validPort(hb.BrpcPort):
		return invalid("invalid brpc_port %d, want -1 or 0-65535", hb.BrpcPort)
	case hb.CurrentFragmentNum < 0:
		return invalid("invalid current_fragment_num %d, want >= 0", hb.CurrentFragmentNum)
	case hb.LastFragmentUpdateTime < 0:
		return invalid("invalid last_fragment_update_time %d, want >= 0", hb.LastFragmentUpdateTime)
	}
	return nil
}

func validPort(p int32) bool { return p >= -1 && p <= 65535 }

// BEStatus is one backend in the FE cloud_cluster_status answer
// (/rest/v2/manager/cluster/cluster_info/cloud_cluster_status).
type BEStatus struct {
	Host                   string `json:"host"`
	HeartbeatPort          int32  `json:"heartbeatPort"`
	BePort                 int32  `json:"bePort"`
	HTTPPort               int32  `json:"httpPort"`
	BrpcPort               int32  `json:"brpcPort"`
	CurrentFragmentNum     int64  `json:"currentFragmentNum"`
	LastFragmentUpdateTime int64  `json:"lastFragmentUpdateTime"`
}

// heartbeatRecord is the stored last heartbeat of one node.
type heartbeatRecord struct {
	CloudUniqueID string `json:"cloud_unique_id"`
	// NodeCtime ties the record to one incarnation of the node: a node
	// dropped and added again gets a new ctime and starts without data.
	NodeCtime              int64 `json:"node_ctime"`
	BePort                 int32 `json:"be_port"`
	HTTPPort               int32 `json:"http_port"`
	BrpcPort               int32 `json:"brpc_port"`
	CurrentFragmentNum     int64 `json:"current_fragment_num"`
	LastFragmentUpdateTime int64 `json:"last_fragment_update_time"`
	// LastHeartbeat is the leader's time of the heartbeat, Unix ms.
	LastHeartbeat int64 `json:"last_heartbeat"`
}

// heartbeatCommand is the raft command carrying heartbeats.
const heartbeatCommand = "meta.heartbeat"

// heartbeatKey is 0x01 "metahost" "heartbeat" <instance_id> <host:port>.
func heartbeatKey(instanceID, endpoint string) []byte {
	k := keys.AppendBytes([]byte{keys.SpaceUser}, "metahost")
	k = keys.AppendBytes(k, "heartbeat")
	k = keys.AppendBytes(k, instanceID)
	return keys.AppendBytes(k, endpoint)
}

func (s *Service) registerHeartbeat(h raftstore.Handlers) {
	h.Add(heartbeatCommand, func(a *raftstore.Apply) ([]byte, error) {
		var hb Heartbeat
		if err := json.Unmarshal(a.Command.Data, &hb); err != nil {
			return nil, toRaft(invalid("bad heartbeat command: %v", err))
		}
		t := &Tx{tx: a.Tx, now: a.Command.Now(), svc: s}
		if e := applyHeartbeat(t, &hb); e != nil {
			return nil, toRaft(e)
		}
		return nil, nil
	})
}

// ReportHeartbeat records a compute node's heartbeat. The node must be a
// node of a COMPUTE cluster of the instance its cloud_unique_id resolves to.
func (s *Service) ReportHeartbeat(ctx context.Context, hb Heartbeat) *Error {
	if e := hb.Validate(); e != nil {
		return e
	}
	data, err := json.Marshal(hb)
	if err != nil {
		return errorf(dorispb.MetaServiceCode_PROTOBUF_SERIALIZE_ERR, "encode heartbeat: %v", err)
	}
	_, err = s.store.Submit(ctx, heartbeatCommand, data)
	return AsError(err)
}

// findComputeNode returns the node of a COMPUTE cluster of inst with the
// given cloud_unique_id, ip or host, and heartbeat port.
func findComputeNode(inst *dorispb.InstanceInfoPB, cuid, host string, port int32) *dorispb.NodeInfoPB {
	for _, c := range inst.Clusters {
		if c.Type.Get() != dorispb.ClusterPB_COMPUTE {
			continue
		}
		for _, n := range c.Nodes {
			if n.CloudUniqueID.Get() == cuid && n.HeartbeatPort.Get() == port &&
				((n.IP.Has() && n.IP.Get() == host) || (n.Host.Has() && n.Host.Get() == host)) {
				return n
			}
		}
	}
	return nil
}

func unknownPort(p int32) int32 {
	if p == 0 {
		return -1
	}
	return p
}

// applyHeartbeat stores one heartbeat (runs in the state machine).
func applyHeartbeat(t *Tx, hb *Heartbeat) *Error {
	if e := hb.Validate(); e != nil {
		return e
	}
	instanceID := t.ResolveInstanceID(hb.CloudUniqueID)
	if instanceID == "" {
		return invalid("empty instance_id")
	}
	inst, e := loadInstance(t, instanceID, dorispb.MetaServiceCode_KV_TXN_GET_ERR)
	if e != nil {
		return e
	}
	node := findComputeNode(inst, hb.CloudUniqueID, hb.Host, hb.HeartbeatPort)
	if node == nil {
		return errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND,
			"compute node not found, instance_id=%s cloud_unique_id=%s host=%s heartbeat_port=%d",
			instanceID, hb.CloudUniqueID, hb.Host, hb.HeartbeatPort)
	}
	key := heartbeatKey(instanceID, joinEndpoint(hb.Host, hb.HeartbeatPort))
	nowMS := t.NowTime().UnixMilli()
	rec := heartbeatRecord{
		CloudUniqueID:      hb.CloudUniqueID,
		NodeCtime:          node.Ctime.Get(),
		BePort:             unknownPort(hb.BePort),
		HTTPPort:           unknownPort(hb.HTTPPort),
		BrpcPort:           unknownPort(hb.BrpcPort),
		CurrentFragmentNum: hb.CurrentFragmentNum,
		LastHeartbeat:      nowMS,
	}
	var prev heartbeatRecord
	hasPrev := false
	if v := t.Raw(key); v != nil && json.Unmarshal(v, &prev) == nil &&
		prev.CloudUniqueID == rec.CloudUniqueID && prev.NodeCtime == rec.NodeCtime {
		hasPrev = true
	}
	switch {
	case hb.LastFragmentUpdateTime > 0:
		rec.LastFragmentUpdateTime = hb.LastFragmentUpdateTime
	case hasPrev && prev.CurrentFragmentNum == rec.CurrentFragmentNum:
		rec.LastFragmentUpdateTime = prev.LastFragmentUpdateTime
	default:
		rec.LastFragmentUpdateTime = nowMS
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return errorf(dorispb.MetaServiceCode_PROTOBUF_SERIALIZE_ERR, "encode heartbeat: %v", err)
	}
	return t.PutRaw(key, v)
}

// CloudClusterStatus returns the backends of every compute cluster, grouped
// by cluster id, with their last heartbeat; a backend never heard from has
// ports -1 and zero fragments. With an instance id only that instance is
// listed (an unknown one is an error), else every instance. Clusters
// without nodes are left out, as the FE does.
func (s *Service) CloudClusterStatus(ctx context.Context, opts raftstore.ReadOptions, instanceID string) (map[string][]BEStatus, *Error) {
	var out map[string][]BEStatus
	e := s.View(ctx, opts, func(t *Tx) *Error {
		var err *Error
		out, err = cloudClusterStatus(t, instanceID)
		return err
	})
	return out, e
}

func cloudClusterStatus(t *Tx, instanceID string) (map[string][]BEStatus, *Error) {
	out := map[string][]BEStatus{}
	add := func(inst *dorispb.InstanceInfoPB) {
		id := inst.InstanceID.Get()
		for _, c := range inst.Clusters {
			if c.Type.Get() != dorispb.ClusterPB_COMPUTE || len(c.Nodes) == 0 {
				continue
			}
			list := out[c.ClusterID.Get()]
			for _, n := range c.Nodes {
				list = append(list, beStatus(t, id, n))
			}
			out[c.ClusterID.Get()] = list
		}
	}
	if instanceID != "" {
		inst, found, e := t.Instance(instanceID)
		if e != nil {
			return nil, e
		}
		if !found {
			return nil, errorf(dorispb.MetaServiceCode_CLUSTER_NOT_FOUND, "instance not found, instance_id=%s", instanceID)
		}
		add(inst)
		return out, nil
	}
	// Instances iterates in instance id order.
	if e := t.Instances(func(inst *dorispb.InstanceInfoPB) bool { add(inst); return true }); e != nil {
		return nil, e
	}
	return out, nil
}

// beStatus is one node's entry: its registered address and, when the
// current incarnation of the node has reported, its last heartbeat.
func beStatus(t *Tx, instanceID string, n *dorispb.NodeInfoPB) BEStatus {
	host := n.IP.Get()
	if n.Host.Get() != "" {
		host = n.Host.Get()
	}
	st := BEStatus{Host: host, HeartbeatPort: n.HeartbeatPort.Get(), BePort: -1, HTTPPort: -1, BrpcPort: -1}
	var rec heartbeatRecord
	for _, addr := range []string{n.IP.Get(), n.Host.Get()} {
		if addr == "" {
			continue
		}
		v := t.Raw(heartbeatKey(instanceID, joinEndpoint(addr, n.HeartbeatPort.Get())))
		if v == nil || json.Unmarshal(v, &rec) != nil ||
			rec.CloudUniqueID != n.CloudUniqueID.Get() || rec.NodeCtime != n.Ctime.Get() {
			continue
		}
		st.BePort, st.HTTPPort, st.BrpcPort = rec.BePort, rec.HTTPPort, rec.BrpcPort
		st.CurrentFragmentNum, st.LastFragmentUpdateTime = rec.CurrentFragmentNum, rec.LastFragmentUpdateTime
		break
	}
	return st
}
