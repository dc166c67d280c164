package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta/dorispb"
)

// Instance loads an instance. The second result is false when the instance
// key does not exist.
func (t *Tx) Instance(id string) (*dorispb.InstanceInfoPB, bool, *Error) {
	v := t.data().Get(keys.InstanceKey(id))
	if v == nil {
		return nil, false, nil
	}
	inst := &dorispb.InstanceInfoPB{}
	if err := dorispb.Unmarshal(v, inst); err != nil {
		return nil, false, errorf(dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "failed to parse InstanceInfoPB, instance_id=%s: %v", id, err)
	}
	return inst, true, nil
}

// loadInstance loads an instance an operation needs: a missing one is
// errorf(missing, "failed to get instance, instance_id=<id> err=KeyNotFound").
func loadInstance(t *Tx, id string, missing dorispb.MetaServiceCode) (*dorispb.InstanceInfoPB, *Error) {
	inst, ok, e := t.Instance(id)
	if e != nil {
		return nil, e
	}
	if !ok {
		return nil, errorf(missing, "%s", keyNotFound("failed to get instance, instance_id=%s", id))
	}
	return inst, nil
}

// loadAlive is loadInstance for a mutation: it also refuses a DELETED
// instance with errorf(deleted, instanceDeletedMsg).
func loadAlive(t *Tx, id string, missing, deleted dorispb.MetaServiceCode) (*dorispb.InstanceInfoPB, *Error) {
	inst, e := loadInstance(t, id, missing)
	if e != nil {
		return nil, e
	}
	if isDeleted(inst) {
		return nil, errorf(deleted, "%s", instanceDeletedMsg)
	}
	return inst, nil
}

func isDeleted(inst *dorispb.InstanceInfoPB) bool {
	return inst.Status.Get() == dorispb.InstanceInfoPB_DELETED
}

// InstanceExists reports whether the instance key exists (any status).
func (t *Tx) InstanceExists(id string) bool {
	return t.data().Get(keys.InstanceKey(id)) != nil
}

// PutInstance stores inst and brings the node index up to date. old is the
// instance as it was before the operation (nil for a new instance).
func (t *Tx) PutInstance(old, inst *dorispb.InstanceInfoPB) *Error {
	if t.readOnly {
		return errorf(dorispb.MetaServiceCode_UNDEFINED_ERR, "write in a read-only transaction")
	}
	id := inst.InstanceID.Get()
	if err := t.data().Put(keys.InstanceKey(id), dorispb.MarshalJSON(inst)); err != nil {
		return errorf(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR, "failed to put instance, instance_id=%s err=%v", id, err)
	}
	return t.refreshIndex(old, inst)
}

// IndexEntry is one node of the node index: which instance and cluster a
// cloud_unique_id belongs to (Doris's ResourceManager::NodeInfo).
type IndexEntry struct {
	// Role is SQL_SERVER, COMPUTE_NODE or UNDEFINED.
	Role string `json:"role"`
	// InstanceID is the owning instance.
	InstanceID string `json:"instance_id"`
	// ClusterName and ClusterID identify the cluster.
	ClusterName string `json:"cluster_name"`
	ClusterID   string `json:"cluster_id"`
	// NodeJSON is the NodeInfoPB as compact JSON.
	NodeJSON json.RawMessage `json:"node"`
}

// Node decodes the entry's NodeInfoPB.
func (e *IndexEntry) Node() *dorispb.NodeInfoPB {
	n := &dorispb.NodeInfoPB{}
	_ = dorispb.Unmarshal(e.NodeJSON, n)
	return n
}

// Role names, as Doris's NodeInfo role.
const (
	RoleSQLServer   = "SQL_SERVER"
	RoleComputeNode = "COMPUTE_NODE"
	RoleUndefined   = "UNDEFINED"
)

// RoleOf returns the node role for a cluster type.
func RoleOf(c *dorispb.ClusterPB) string {
	if !c.Type.Has() {
		return RoleUndefined
	}
	switch c.Type.Get() {
	case dorispb.ClusterPB_SQL:
		return RoleSQLServer
	case dorispb.ClusterPB_COMPUTE:
		return RoleComputeNode
	}
	return RoleUndefined
}

// indexKey is 0x01 "metahost" "node_index" <cuid> <instance_id>.
func indexKey(cuid, instanceID string) []byte {
	k := indexPrefix(cuid)
	return keys.AppendBytes(k, instanceID)
}

func indexPrefix(cuid string) []byte {
	k := keys.AppendBytes([]byte{keys.SpaceUser}, "metahost")
	k = keys.AppendBytes(k, "node_index")
	return keys.AppendBytes(k, cuid)
}

func entriesByCUID(inst *dorispb.InstanceInfoPB) map[string][]IndexEntry {
	out := map[string][]IndexEntry{}
	if inst == nil {
		return out
	}
	for _, c := range inst.Clusters {
		for _, n := range c.Nodes {
			cuid := n.CloudUniqueID.Get()
			out[cuid] = append(out[cuid], IndexEntry{
				Role:        RoleOf(c),
				InstanceID:  inst.InstanceID.Get(),
				ClusterName: c.ClusterName.Get(),
				ClusterID:   c.ClusterID.Get(),
				NodeJSON:    dorispb.MarshalJSON(n),
			})
		}
	}
	return out
}

func (t *Tx) refreshIndex(old, inst *dorispb.InstanceInfoPB) *Error {
	id := inst.InstanceID.Get()
	b := t.data()
	before, err := encodedEntries(old)
	if err != nil {
		return err
	}
	after, err := encodedEntries(inst)
	if err != nil {
		return err
	}
	// Only the cloud_unique_ids whose entries changed are written: an
	// instance with many nodes would otherwise rewrite its whole index on
	// every node added.
	for cuid := range before {
		if _, ok := after[cuid]; !ok {
			if err := b.Delete(indexKey(cuid, id)); err != nil {
				return errorf(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR, "update node index: %v", err)
			}
		}
	}
	for cuid, v := range after {
		if prev, ok := before[cuid]; ok && bytes.Equal(prev, v) {
			continue
		}
		if err := b.Put(indexKey(cuid, id), v); err != nil {
			return errorf(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR, "update node index: %v", err)
		}
	}
	return nil
}

// encodedEntries returns the stored form of each cloud_unique_id's index
// entries for inst.
func encodedEntries(inst *dorispb.InstanceInfoPB) (map[string][]byte, *Error) {
	byCUID := entriesByCUID(inst)
	out := make(map[string][]byte, len(byCUID))
	for cuid, entries := range byCUID {
		v, err := json.Marshal(entries)
		if err != nil {
			return nil, errorf(dorispb.MetaServiceCode_PROTOBUF_SERIALIZE_ERR, "encode node index: %v", err)
		}
		out[cuid] = v
	}
	return out, nil
}

// NodeIndex returns every index entry for a cloud_unique_id, across all
// instances (any status), ordered by instance id.
func (t *Tx) NodeIndex(cuid string) []IndexEntry {
	var out []IndexEntry
	p := indexPrefix(cuid)
	c := t.data().Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var entries []IndexEntry
		if json.Unmarshal(v, &entries) == nil {
			out = append(out, entries...)
		}
	}
	return out
}

// ParseDegradedCUID splits a cloud_unique_id of the "degraded" form
// 1:<instance_id>:<anything> as Doris does: split on ':' dropping empty
// segments; valid with exactly three segments whose first is atoi()==1
// (for that test atoi and stoi agree).
func ParseDegradedCUID(cuid string) (instanceID string, ok bool) {
	var segs []string
	for _, s := range strings.Split(cuid, ":") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) != 3 {
		return "", false
	}
	if n, ok := instanceStoi(segs[0]); !ok || n != 1 {
		return "", false
	}
	return segs[1], true
}

// ResolveInstanceID maps a cloud_unique_id to its instance (Doris
// get_instance_id, spec §3.3): the node index first (the last entry wins),
// then the degraded format (checked against existing instances when
// EnableCheckInstanceID). It returns "" when neither works.
func (t *Tx) ResolveInstanceID(cuid string) string {
	if entries := t.NodeIndex(cuid); len(entries) > 0 {
		return entries[len(entries)-1].InstanceID
	}
	id, ok := ParseDegradedCUID(cuid)
	if !ok {
		return ""
	}
	if t.Config().EnableCheckInstanceID && !t.InstanceExists(id) {
		return ""
	}
	return id
}

// Instances calls fn for every stored instance in id order until fn returns
// false.
func (t *Tx) Instances(fn func(*dorispb.InstanceInfoPB) bool) *Error {
	p := keys.InstanceKeyPrefix()
	c := t.data().Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		inst := &dorispb.InstanceInfoPB{}
		if err := dorispb.Unmarshal(v, inst); err != nil {
			return errorf(dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "failed to parse InstanceInfoPB: %v", err)
		}
		if !fn(inst) {
			break
		}
	}
	return nil
}

// Raw returns the stored value of a key (for the get_value tool).
func (t *Tx) Raw(key []byte) []byte { return t.data().Get(key) }

// PutRaw stores a value under key.
func (t *Tx) PutRaw(key, value []byte) *Error {
	if t.readOnly {
		return errorf(dorispb.MetaServiceCode_UNDEFINED_ERR, "write in a read-only transaction")
	}
	if err := t.data().Put(key, value); err != nil {
		return errorf(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR, "put %x: %v", key, err)
	}
	return nil
}

// DeleteRaw removes key.
func (t *Tx) DeleteRaw(key []byte) *Error {
	if t.readOnly {
		return errorf(dorispb.MetaServiceCode_UNDEFINED_ERR, "write in a read-only transaction")
	}
	if err := t.data().Delete(key); err != nil {
		return errorf(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR, "delete %x: %v", key, err)
	}
	return nil
}

// keyNotFound formats Doris's "err=KeyNotFound" messages.
func keyNotFound(format string, args ...any) string {
	return fmt.Sprintf(format, args...) + " err=KeyNotFound"
}
