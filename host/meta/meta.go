// Package meta is the Doris cloud meta-service domain: instances, storage
// vaults and object-store infos, compute and SQL clusters, nodes and their
// heartbeats. Every rule of the reference implementation is a function of
// (state, request, time) run inside the state machine, so a follower's
// answer equals the leader's and nothing is ever half-applied.
//
// Requests arrive as dorispb messages. Mutations go through Service.Mutate:
// the validator chain, then raftstore.Submit (a dry run against the current
// state, then replication). Reads go through Service.View. State lives under
// Doris-encoded keys: one InstanceInfoPB per instance (clusters and nodes
// embedded, as in Doris), plus a secondary node index by cloud_unique_id.
package meta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/secrets"
	bolt "go.etcd.io/bbolt"
)

// Error is a meta-service rejection: a MetaServiceCode and the reference
// implementation's message text.
type Error struct {
	// Code is the MetaServiceCode; its HTTP status and category follow
	// dorispb.HTTPStatus.
	Code dorispb.MetaServiceCode
	// Msg is the message text, byte-compatible with Doris.
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func errorf(code dorispb.MetaServiceCode, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) *Error {
	return errorf(dorispb.MetaServiceCode_INVALID_ARGUMENT, format, args...)
}

// raftCode prefixes the codes meta errors travel under in raftstore.Error.
const raftCode = "doris:"

// toRaft converts an *Error for transport through the state machine.
func toRaft(e *Error) *raftstore.Error {
	return &raftstore.Error{Code: raftCode + strconv.Itoa(int(e.Code)), Message: e.Msg}
}

// AsError converts any error from the store back into an *Error. Store
// failures (no leader, timeouts) become internal errors with their text.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var me *Error
	if errors.As(err, &me) {
		return me
	}
	var re *raftstore.Error
	if errors.As(err, &re) {
		if num, ok := strings.CutPrefix(re.Code, raftCode); ok {
			if code, err := strconv.Atoi(num); err == nil {
				return &Error{Code: dorispb.MetaServiceCode(code), Msg: re.Message}
			}
		}
		return &Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR, Msg: re.Message}
	}
	return &Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR, Msg: err.Error()}
}

// Config holds the meta-service switches of Doris's config.h that change
// observable behaviour.
type Config struct {
	// EnableClusterNameCheck enforces ^[a-zA-Z][a-zA-Z0-9_]*$ on cluster
	// names in add_cluster/add_node/drop_node (Doris default false).
	EnableClusterNameCheck bool
	// EnableCheckInstanceID rejects degraded cloud_unique_ids whose instance
	// does not exist (Doris default true).
	EnableCheckInstanceID bool
	// EnableCheckFEDropInSafeTime refuses to drop an FE cluster or node
	// within 300 s of its creation (Doris default true).
	EnableCheckFEDropInSafeTime bool
	// ArnID, ArnAK and ArnSK fill get_instance's iam_user when no arn_info
	// was stored with alter_iam (Doris's arn_id/arn_ak/arn_sk).
	ArnID, ArnAK, ArnSK string
	// RevealSecretsInGetInstance makes get_instance print plaintext SKs as
	// Doris does. By default metahost masks them there; get_obj_store_info,
	// which nodes use, always returns them.
	RevealSecretsInGetInstance bool
}

// DefaultConfig returns Doris's defaults.
func DefaultConfig() Config {
	return Config{EnableCheckInstanceID: true, EnableCheckFEDropInSafeTime: true}
}

// Validator inspects a mutation before it is proposed. A non-nil *Error
// rejects it with that code and message.
type Validator interface {
	Validate(ctx context.Context, op string, req dorispb.Message) *Error
}

// Service runs meta-service operations on a store.
type Service struct {
	store      *raftstore.Store
	keys       *secrets.Keyring
	cfg        Config
	ops        map[string]mutation
	validators []Validator
}

// mutation is one replicated operation: how to decode its request and how
// to apply it.
type mutation struct {
	newReq func() dorispb.Message
	apply  func(t *Tx, req dorispb.Message) *Error
}

// commandType is the raft command of every meta-service mutation.
const commandType = "meta.op"

// command is the replicated payload: the operation and its request (secrets
// already sealed).
type command struct {
	Op  string          `json:"op"`
	Req json.RawMessage `json:"req"`
}

// New returns a Service. Call Register on the store's handlers before the
// store opens; the Service is usable once the store is open.
func New(keys *secrets.Keyring, cfg Config) *Service {
	s := &Service{keys: keys, cfg: cfg}
	s.ops = mutations()
	return s
}

// Attach gives the Service its store (the store is built after the handlers
// are registered).
func (s *Service) Attach(store *raftstore.Store) { s.store = store }

// AddValidator appends v to the chain run before every mutation.
func (s *Service) AddValidator(v Validator) { s.validators = append(s.validators, v) }

// Register adds the meta-service command handler.
func (s *Service) Register(h raftstore.Handlers) {
	h.Add(commandType, s.apply)
	s.registerHeartbeat(h)
}

func (s *Service) apply(a *raftstore.Apply) ([]byte, error) {
	var c command
	if err := json.Unmarshal(a.Command.Data, &c); err != nil {
		return nil, toRaft(invalid("bad meta command: %v", err))
	}
	m, ok := s.ops[c.Op]
	if !ok {
		return nil, toRaft(invalid("unknown meta operation %q", c.Op))
	}
	req := m.newReq()
	if err := dorispb.Unmarshal(c.Req, req); err != nil {
		return nil, toRaft(invalid("bad %s request: %v", c.Op, err))
	}
	t := &Tx{tx: a.Tx, now: a.Command.Now(), svc: s}
	if e := m.apply(t, req); e != nil {
		return nil, toRaft(e)
	}
	return nil, nil
}

// Mutate validates and replicates one operation. req must be the operation's
// request message with any secrets sealed (see SealRequest).
func (s *Service) Mutate(ctx context.Context, op string, req dorispb.Message) *Error {
	if _, ok := s.ops[op]; !ok {
		return invalid("unknown meta operation %q", op)
	}
	for _, v := range s.validators {
		if e := v.Validate(ctx, op, req); e != nil {
			return e
		}
	}
	data, err := json.Marshal(command{Op: op, Req: dorispb.MarshalJSON(req)})
	if err != nil {
		return errorf(dorispb.MetaServiceCode_PROTOBUF_SERIALIZE_ERR, "encode command: %v", err)
	}
	_, err = s.store.Submit(ctx, commandType, data)
	return AsError(err)
}

// View runs fn against the state with the given consistency.
func (s *Service) View(ctx context.Context, opts raftstore.ReadOptions, fn func(t *Tx) *Error) *Error {
	var out *Error
	err := s.store.View(ctx, opts, func(tx *bolt.Tx) error {
		out = fn(&Tx{tx: tx, now: s.store.Now(), svc: s, readOnly: true})
		return nil
	})
	if err != nil {
		return AsError(err)
	}
	return out
}

// Keys returns the keyring that seals secrets.
func (s *Service) Keys() *secrets.Keyring { return s.keys }

// Config returns the service configuration.
func (s *Service) Config() Config { return s.cfg }

// Tx is one operation's view of the state: a bbolt transaction, the
// operation's time (the leader's clock for replicated operations) and the
// service's configuration and keys.
type Tx struct {
	tx       *bolt.Tx
	now      time.Time
	svc      *Service
	readOnly bool
}

// Now returns the operation's time in Unix seconds (Doris's ctime/mtime).
func (t *Tx) Now() int64 { return t.now.Unix() }

// NowTime returns the operation's time.
func (t *Tx) NowTime() time.Time { return t.now }

// Config returns the service configuration.
func (t *Tx) Config() *Config { return &t.svc.cfg }

// Keys returns the keyring.
func (t *Tx) Keys() *secrets.Keyring { return t.svc.keys }

func (t *Tx) data() *bolt.Bucket { return raftstore.Data(t.tx) }

// read runs a read handler with the given consistency.
func (s *Service) read(ctx context.Context, opts raftstore.ReadOptions, fn func(t *Tx) Reply) Reply {
	var r Reply
	if e := s.View(ctx, opts, func(t *Tx) *Error { r = fn(t); return nil }); e != nil {
		return Reply{Err: e}
	}
	return r
}
