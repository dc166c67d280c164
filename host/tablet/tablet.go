// Package tablet is the compute-node write path of the Doris cloud meta
// service and the tablet metadata the compaction scheduler works on: tablets,
// rowsets (visible and tmp), load transactions, partition versions, tablet
// stats and compaction jobs (start_tablet_job / finish_tablet_job with
// COMMIT, ABORT and LEASE).
//
// Every mutation is one raft command ("tablet.op") whose handler is a
// deterministic function of (state, request, leader time); a rejected request
// rolls back and leaves no trace. State lives under Doris-encoded keys
// (txn_label, txn_info, txn_index, txn_running, version, meta rowset /
// rowset_tmp / tablet / tablet_index, stats, job, recycle), plus one
// metahost key per tablet (0x01 "metahost" "tablet" instance tablet_id) with
// what Doris keeps only in the BE's memory: the bound policy, stale version
// paths and the compaction failure / success / schedule times.
package tablet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	bolt "go.etcd.io/bbolt"
)

// commandType is the raft command of every tablet mutation.
const commandType = "tablet.op"

// replyCode marks a rejection whose raftstore.Error message is the whole
// response message as JSON (so a rejected start_tablet_job can still carry
// version_in_compaction, a reused label its dup_txn_id).
const replyCode = "tablet.reply"

// Operation names (the brpc method names).
const (
	OpCreateTablets   = "create_tablets"
	OpBeginTxn        = "begin_txn"
	OpCommitTxn       = "commit_txn"
	OpAbortTxn        = "abort_txn"
	OpPrepareRowset   = "prepare_rowset"
	OpCommitRowset    = "commit_rowset"
	OpStartTabletJob  = "start_tablet_job"
	OpFinishTabletJob = "finish_tablet_job"
	// OpRecordCompaction records a scheduler event (schedule, failure) on a
	// tablet; it is metahost's own and has no brpc method.
	OpRecordCompaction = "record_compaction"
)

// Service runs tablet, rowset, txn and job operations on a store.
type Service struct {
	store *raftstore.Store
	cfg   meta.Config
	ops   map[string]op
}

// op is one replicated operation: how to decode its request and apply it.
// apply returns the response (its status holds the outcome) and whether the
// writes must be kept even when the status is not OK (Doris commits some
// failures, such as "too few input rowsets", which removes the job).
type op struct {
	newReq func() any
	apply  func(t *tx, req any) (dorispb.Message, bool)
}

// command is the replicated payload. Instance, when set, is used instead of
// resolving the request's cloud_unique_id (scheduler calls).
type command struct {
	Op       string          `json:"op"`
	Instance string          `json:"instance,omitempty"`
	Req      json.RawMessage `json:"req"`
}

// New returns a Service using cfg's cloud_unique_id rules. Call Register
// before the store opens and Attach once it is open.
func New(cfg meta.Config) *Service {
	return &Service{cfg: cfg, ops: operations()}
}

// Attach gives the Service its store.
func (s *Service) Attach(store *raftstore.Store) { s.store = store }

// Register adds the tablet command handler.
func (s *Service) Register(h raftstore.Handlers) { h.Add(commandType, s.apply) }

func (s *Service) apply(a *raftstore.Apply) ([]byte, error) {
	var c command
	if err := json.Unmarshal(a.Command.Data, &c); err != nil {
		return nil, raftstore.Errorf(raftstore.CodeInvalid, "bad tablet command: %v", err)
	}
	o, ok := s.ops[c.Op]
	if !ok {
		return nil, raftstore.Errorf(raftstore.CodeInvalid, "unknown tablet operation %q", c.Op)
	}
	req := o.newReq()
	if err := decodeReq(c.Req, req); err != nil {
		return nil, raftstore.Errorf(raftstore.CodeInvalid, "bad %s request: %v", c.Op, err)
	}
	t := &tx{btx: a.Tx, b: a.Data(), now: a.Command.Now(), cfg: s.cfg, write: true, instance: c.Instance}
	resp, keep := o.apply(t, req)
	out := dorispb.MarshalJSON(resp)
	if code, _ := Status(resp); code != dorispb.MetaServiceCode_OK && !keep {
		return nil, &raftstore.Error{Code: replyCode, Message: string(out)}
	}
	if t.err != nil {
		return nil, t.err
	}
	return out, nil
}

func decodeReq(b []byte, req any) error {
	if m, ok := req.(dorispb.Message); ok {
		return dorispb.Unmarshal(b, m)
	}
	return json.Unmarshal(b, req)
}

// Mutate replicates one operation and fills resp (a pointer to the
// operation's response message) with its answer. A rejected request leaves
// the state unchanged and its response carries the status; err is only set
// when the store failed (no leader, timeout, shutdown), in which case resp
// carries an UNDEFINED_ERR-style status as well.
func (s *Service) Mutate(ctx context.Context, opName, instanceID string, req, resp dorispb.Message) error {
	if _, ok := s.ops[opName]; !ok {
		setStatus(resp, dorispb.MetaServiceCode_INVALID_ARGUMENT, "unknown tablet operation "+strconv.Quote(opName))
		return nil
	}
	return s.submit(ctx, opName, instanceID, dorispb.MarshalJSON(req), resp)
}

// submit replicates one operation whose request is encoded as req and
// fills resp with its answer, as Mutate does.
func (s *Service) submit(ctx context.Context, opName, instanceID string, req json.RawMessage, resp dorispb.Message) error {
	data, err := json.Marshal(command{Op: opName, Instance: instanceID, Req: req})
	if err != nil {
		setStatus(resp, dorispb.MetaServiceCode_PROTOBUF_SERIALIZE_ERR, err.Error())
		return err
	}
	out, err := s.store.Submit(ctx, commandType, data)
	return fillReply(out, err, resp)
}

// fillReply decodes a command result or rejection into resp.
func fillReply(out []byte, err error, resp dorispb.Message) error {
	if err == nil {
		if uerr := dorispb.Unmarshal(out, resp); uerr != nil {
			setStatus(resp, dorispb.MetaServiceCode_PROTOBUF_PARSE_ERR, "decode reply: "+uerr.Error())
			return uerr
		}
		return nil
	}
	var re *raftstore.Error
	if errors.As(err, &re) && re.Code == replyCode {
		if uerr := dorispb.Unmarshal([]byte(re.Message), resp); uerr == nil {
			return nil
		}
	}
	e := meta.AsError(err)
	setStatus(resp, e.Code, e.Msg)
	return err
}

// View runs fn on a read transaction of the state.
func (s *Service) view(ctx context.Context, opts raftstore.ReadOptions, instanceID string, fn func(t *tx)) error {
	return s.store.View(ctx, opts, func(btx *bolt.Tx) error {
		fn(&tx{btx: btx, b: raftstore.Data(btx), now: s.store.Now(), cfg: s.cfg, instance: instanceID})
		return nil
	})
}

// read runs a read-only operation and fills resp; store failures become an
// UNDEFINED_ERR status.
func (s *Service) read(ctx context.Context, opts raftstore.ReadOptions, instanceID string, resp dorispb.Message, fn func(t *tx)) {
	if err := s.view(ctx, opts, instanceID, fn); err != nil {
		e := meta.AsError(err)
		setStatus(resp, e.Code, e.Msg)
	}
}

// tx is one operation's view of the state.
type tx struct {
	btx      *bolt.Tx
	b        *bolt.Bucket
	now      time.Time
	cfg      meta.Config
	write    bool
	instance string // preset instance id (scheduler calls)
	err      error  // first storage failure
}

// nowS is the operation's time in Unix seconds, nowMs in milliseconds.
func (t *tx) nowS() int64  { return t.now.Unix() }
func (t *tx) nowMs() int64 { return t.now.UnixMilli() }

// resolve maps a cloud_unique_id to an instance id ("" when unknown).
func (t *tx) resolve(cuid string) string {
	if t.instance != "" {
		return t.instance
	}
	return meta.ResolveInstanceIn(t.btx, t.cfg, cuid)
}

// cuidText is how Doris prints a cloud_unique_id in messages.
func cuidText(cuid string) string {
	if cuid == "" {
		return "(empty)"
	}
	return cuid
}

// get decodes the value at key into m; false when absent or undecodable
// (an undecodable value is recorded as a storage failure).
func (t *tx) get(key []byte, m dorispb.Message) bool {
	v := t.b.Get(key)
	if v == nil {
		return false
	}
	if err := dorispb.Unmarshal(v, m); err != nil {
		t.fail(err)
		return false
	}
	return true
}

func (t *tx) has(key []byte) bool { return t.b.Get(key) != nil }

func (t *tx) put(key []byte, m dorispb.Message) {
	t.putRaw(key, dorispb.MarshalJSON(m))
}

func (t *tx) putRaw(key, v []byte) {
	if !t.write {
		t.fail(errors.New("write in a read-only transaction"))
		return
	}
	if err := t.b.Put(key, v); err != nil {
		t.fail(err)
	}
}

func (t *tx) del(key []byte) {
	if !t.write {
		t.fail(errors.New("write in a read-only transaction"))
		return
	}
	if err := t.b.Delete(key); err != nil {
		t.fail(err)
	}
}

func (t *tx) fail(err error) {
	if t.err == nil {
		t.err = raftstore.Errorf("doris:"+strconv.Itoa(int(dorispb.MetaServiceCode_KV_TXN_COMMIT_ERR)), "tablet state: %v", err)
	}
}

// scan calls fn for every key with prefix, in key order, until fn returns
// false. Keys and values are only valid during fn.
func (t *tx) scan(prefix []byte, fn func(k, v []byte) bool) {
	c := t.b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if !fn(k, v) {
			return
		}
	}
}
