package raftstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	bolt "go.etcd.io/bbolt"
)

// Config configures a Store.
type Config struct {
	// NodeID is this node's raft id, a positive integer.
	NodeID uint64
	// DataDir holds the raft log, snapshots and the state file.
	DataDir string
	// RaftAddr is the host:port the raft transport listens on and advertises.
	RaftAddr string
	// HTTPAddr is the host:port other nodes use to reach this node's HTTP
	// listener (for forwarding writes and reads to the leader).
	HTTPAddr string
	// Token authenticates node-to-node calls.
	Token string
	// Handlers apply the domain commands.
	Handlers Handlers
	// Logger receives the store's and raft's logs.
	Logger hclog.Logger
	// Bootstrap makes an empty data dir start a new single-voter cluster.
	// Leave false for a node that will join an existing cluster.
	Bootstrap bool
	// SnapshotThreshold is how many log entries trigger a snapshot
	// (0: raft's default, 8192).
	SnapshotThreshold uint64
	// TrailingLogs is how many entries are kept after a snapshot
	// (0: raft's default, 10240).
	TrailingLogs uint64
	// HeartbeatTimeout is raft's heartbeat and election timeout (0: 1s).
	HeartbeatTimeout time.Duration
	// Clock stamps proposed commands (nil: time.Now). Tests inject one.
	Clock func() time.Time
}

// Store is the replicated state of one node.
type Store struct {
	cfg    Config
	logger hclog.Logger
	id     raft.ServerID

	raft      *raft.Raft
	fsm       *fsm
	logStore  *raftboltdb.BoltStore
	snapshots *raft.FileSnapshotStore
	transport *raft.NetworkTransport
	client    *http.Client

	observer   *raft.Observer
	observerCh chan raft.Observation
	stop       chan struct{}
	wg         sync.WaitGroup

	leaderChanges atomic.Uint64
	pending       atomic.Int64
	failed        atomic.Uint64
	readFailed    atomic.Uint64
	readyTerm     atomic.Uint64 // term in which this leader's barrier completed
	closeOnce     sync.Once
}

// Node describes one member as recorded in the replicated node registry.
type Node struct {
	// ID is the raft id.
	ID uint64 `json:"id"`
	// RaftAddr is the raft transport address.
	RaftAddr string `json:"raft_addr"`
	// HTTPAddr is the node's HTTP address.
	HTTPAddr string `json:"http_addr"`
}

// Open starts the node: it opens the log, snapshots and state file, restores
// state if the state file is behind the newest snapshot, starts raft and, for
// an empty data dir with cfg.Bootstrap, bootstraps a single-voter cluster.
func Open(cfg Config) (*Store, error) {
	if cfg.NodeID == 0 {
		return nil, errors.New("raftstore: node id must be a positive integer")
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Handlers == nil {
		cfg.Handlers = Handlers{}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	registerSystemHandlers(cfg.Handlers)
	raftDir := filepath.Join(cfg.DataDir, "raft")
	if err := os.MkdirAll(raftDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	s := &Store{
		cfg:    cfg,
		logger: cfg.Logger,
		id:     raft.ServerID(strconv.FormatUint(cfg.NodeID, 10)),
		client: &http.Client{Timeout: 30 * time.Second},
		stop:   make(chan struct{}),
	}
	ok := false
	defer func() {
		if !ok {
			s.closeStores()
		}
	}()

	var err error
	s.fsm, err = newFSM(filepath.Join(cfg.DataDir, "state.db"), cfg.Handlers, cfg.Logger.Named("fsm"))
	if err != nil {
		return nil, err
	}
	s.logStore, err = raftboltdb.New(raftboltdb.Options{Path: filepath.Join(raftDir, "raft.db")})
	if err != nil {
		return nil, fmt.Errorf("open raft log: %w", err)
	}
	s.snapshots, err = raft.NewFileSnapshotStoreWithLogger(raftDir, 2, cfg.Logger.Named("snapshot"))
	if err != nil {
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	if err := s.catchUpFromSnapshot(); err != nil {
		return nil, err
	}
	addr, err := net.ResolveTCPAddr("tcp", cfg.RaftAddr)
	if err != nil {
		return nil, fmt.Errorf("raft address %q: %w", cfg.RaftAddr, err)
	}
	s.transport, err = raft.NewTCPTransportWithLogger(cfg.RaftAddr, addr, 5, 10*time.Second, cfg.Logger.Named("transport"))
	if err != nil {
		return nil, fmt.Errorf("listen on raft address %s: %w", cfg.RaftAddr, err)
	}

	rc := raft.DefaultConfig()
	rc.LocalID = s.id
	rc.Logger = cfg.Logger.Named("raft")
	rc.NoSnapshotRestoreOnStart = true
	if cfg.SnapshotThreshold > 0 {
		rc.SnapshotThreshold = cfg.SnapshotThreshold
	}
	if cfg.TrailingLogs > 0 {
		rc.TrailingLogs = cfg.TrailingLogs
	}
	if cfg.HeartbeatTimeout > 0 {
		rc.HeartbeatTimeout = cfg.HeartbeatTimeout
		rc.ElectionTimeout = cfg.HeartbeatTimeout
		rc.LeaderLeaseTimeout = cfg.HeartbeatTimeout / 2
	}
	cache, err := raft.NewLogCache(1024, s.logStore)
	if err != nil {
		return nil, fmt.Errorf("log cache: %w", err)
	}
	hasState, err := raft.HasExistingState(cache, s.logStore, s.snapshots)
	if err != nil {
		return nil, fmt.Errorf("inspect raft state: %w", err)
	}
	s.raft, err = raft.NewRaft(rc, s.fsm, cache, s.logStore, s.snapshots, s.transport)
	if err != nil {
		return nil, fmt.Errorf("start raft: %w", err)
	}
	if !hasState && cfg.Bootstrap {
		f := s.raft.BootstrapCluster(raft.Configuration{Servers: []raft.Server{{
			Suffrage: raft.Voter, ID: s.id, Address: raft.ServerAddress(cfg.RaftAddr),
		}}})
		if err := f.Error(); err != nil {
			s.raft.Shutdown()
			return nil, fmt.Errorf("bootstrap cluster: %w", err)
		}
		s.logger.Info("bootstrapped a new single-voter cluster", "node", cfg.NodeID)
	}
	s.observerCh = make(chan raft.Observation, 16)
	s.observer = raft.NewObserver(s.observerCh, false, func(o *raft.Observation) bool {
		_, ok := o.Data.(raft.LeaderObservation)
		return ok
	})
	s.raft.RegisterObserver(s.observer)
	s.wg.Add(2)
	go s.watchLeadership()
	go s.ensureRegistered()
	ok = true
	return s, nil
}

// HasState reports whether the node already belongs to a cluster (its data
// dir has raft state), so --join is not needed.
func (s *Store) HasState() bool {
	cfg := s.raft.GetConfiguration()
	if err := cfg.Error(); err != nil {
		return false
	}
	return len(cfg.Configuration().Servers) > 0
}

// catchUpFromSnapshot restores the newest snapshot when the state file is
// older than it (for example when the state file was lost), because raft is
// told not to restore snapshots on start: the bbolt state file is durable.
func (s *Store) catchUpFromSnapshot() error {
	metas, err := s.snapshots.List()
	if err != nil || len(metas) == 0 {
		return err
	}
	newest := metas[0]
	if s.fsm.applied.Load() >= newest.Index {
		return nil
	}
	_, rc, err := s.snapshots.Open(newest.ID)
	if err != nil {
		return fmt.Errorf("open snapshot %s: %w", newest.ID, err)
	}
	s.logger.Warn("state file is behind the newest snapshot; restoring it", "state_index", s.fsm.applied.Load(), "snapshot_index", newest.Index)
	return s.fsm.Restore(rc)
}

func (s *Store) watchLeadership() {
	defer s.wg.Done()
	var last raft.ServerID
	for {
		select {
		case <-s.stop:
			return
		case o := <-s.observerCh:
			lo, ok := o.Data.(raft.LeaderObservation)
			if !ok {
				continue
			}
			if lo.LeaderID != "" && lo.LeaderID != last {
				s.leaderChanges.Add(1)
			}
			last = lo.LeaderID
			if lo.LeaderID == s.id {
				term := s.raft.CurrentTerm()
				// A no-op command commits an entry of this term, after which
				// the commit index is a safe read index. It is a command, not
				// raft's Barrier, because barriers (like raft's own no-op) never
				// reach the state machine: the applied index would stay below
				// the commit index until the next write, and linearizable
				// reads would wait for it.
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					if _, err := s.proposeLocal(ctx, cmdNoop, nil); err == nil {
						s.readyTerm.Store(term)
					}
				}()
			}
		}
	}
}

// ensureRegistered makes sure the node registry has this node's current
// addresses, so other nodes can forward to it. It retries until it succeeds
// or the store closes.
func (s *Store) ensureRegistered() {
	defer s.wg.Done()
	want := Node{ID: s.cfg.NodeID, RaftAddr: s.cfg.RaftAddr, HTTPAddr: s.cfg.HTTPAddr}
	delay := 100 * time.Millisecond
	for {
		if n, ok := s.Node(s.cfg.NodeID); ok && n == want {
			return
		}
		if s.HasState() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			data, _ := json.Marshal(want)
			_, err := s.Propose(ctx, cmdNodePut, data)
			cancel()
			if err == nil {
				return
			}
			s.logger.Debug("registering node address", "error", err)
		}
		select {
		case <-s.stop:
			return
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay *= 2
		}
	}
}

// ID returns this node's id.
func (s *Store) ID() uint64 { return s.cfg.NodeID }

// RaftAddr returns the raft address this node listens on and advertises.
func (s *Store) RaftAddr() string { return s.cfg.RaftAddr }

// IsLeader reports whether this node is the raft leader.
func (s *Store) IsLeader() bool { return s.raft.State() == raft.Leader }

// Leader returns the current leader's registry entry, if known.
func (s *Store) Leader() (Node, bool) {
	addr, id := s.raft.LeaderWithID()
	if id == "" {
		return Node{}, false
	}
	n, ok := s.Node(parseID(id))
	if !ok {
		n = Node{ID: parseID(id), RaftAddr: string(addr)}
	}
	return n, true
}

// Propose replicates a command and returns the handler's result. On a
// follower the command is forwarded to the leader. A domain rejection is
// returned as *Error.
func (s *Store) Propose(ctx context.Context, typ string, data []byte) ([]byte, error) {
	if _, ok := s.cfg.Handlers[typ]; !ok {
		return nil, Errorf(CodeUnknownCommand, "unknown command type %q", typ)
	}
	for {
		if s.IsLeader() {
			out, err := s.proposeLocal(ctx, typ, data)
			if !errors.Is(err, raft.ErrNotLeader) {
				return out, err
			}
		} else if leader, ok := s.Leader(); ok && leader.HTTPAddr != "" {
			out, err := s.forwardPropose(ctx, leader, typ, data)
			if !errors.Is(err, errRetry) {
				return out, err
			}
		}
		if err := s.waitForLeader(ctx); err != nil {
			return nil, err
		}
	}
}

// Submit checks a command against the current state before replicating it:
// after a read barrier, the handler runs in a write transaction that is
// rolled back, and only a command that would succeed is proposed. A
// rejection is answered at once and never reaches the raft log; the handler
// runs again when the command is applied, so a concurrent change between the
// check and the apply is still caught there.
func (s *Store) Submit(ctx context.Context, typ string, data []byte) ([]byte, error) {
	h, ok := s.cfg.Handlers[typ]
	if !ok {
		return nil, Errorf(CodeUnknownCommand, "unknown command type %q", typ)
	}
	if err := s.Barrier(ctx); err != nil {
		return nil, err
	}
	cmd := &Command{Type: typ, Time: s.cfg.Clock().UnixNano(), Node: s.cfg.NodeID, Data: data}
	if err := s.fsm.dryRun(h, cmd); err != nil {
		return nil, asError(err)
	}
	return s.Propose(ctx, typ, data)
}

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.cfg.Clock() }

// errRetry means the leader moved: the caller should find it again.
var errRetry = errors.New("raftstore: leader changed, retry")

// ErrNoLeader is returned when no leader emerges before the deadline.
var ErrNoLeader = &Error{Code: "UNAVAILABLE", Message: "no raft leader is available"}

func (s *Store) waitForLeader(ctx context.Context) error {
	t := time.NewTimer(50 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrNoLeader, ctx.Err())
	case <-s.stop:
		return ErrClosed
	case <-t.C:
		return nil
	}
}

// ErrClosed is returned by calls on a closed store.
var ErrClosed = &Error{Code: "UNAVAILABLE", Message: "the node is shutting down"}

func (s *Store) proposeLocal(ctx context.Context, typ string, data []byte) ([]byte, error) {
	cmd := Command{Type: typ, Time: s.cfg.Clock().UnixNano(), Node: s.cfg.NodeID, Data: data}
	b, _ := cmd.MarshalBinary()
	s.pending.Add(1)
	defer s.pending.Add(-1)
	timeout := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	f := s.raft.Apply(b, timeout)
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		if err != nil {
			s.failed.Add(1)
			if errors.Is(err, raft.ErrNotLeader) {
				return nil, err
			}
			return nil, &Error{Code: "UNAVAILABLE", Message: "replication failed: " + err.Error()}
		}
	case <-ctx.Done():
		s.failed.Add(1)
		return nil, &Error{Code: "UNAVAILABLE", Message: "timed out waiting for the command to commit; its outcome is unknown"}
	}
	r, _ := f.Response().(*response)
	if r == nil {
		return nil, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.data, nil
}

// ReadOptions select the consistency of a read.
type ReadOptions struct {
	// Stale skips the linearizability barrier: the read sees this node's
	// state, which may lag the leader.
	Stale bool
}

// View runs fn in a read transaction on the state. Unless opts.Stale, it
// first makes sure this node has applied everything the leader had committed
// when the read started (a read index), so the read is linearizable.
func (s *Store) View(ctx context.Context, opts ReadOptions, fn func(tx *bolt.Tx) error) error {
	if !opts.Stale {
		if err := s.Barrier(ctx); err != nil {
			return err
		}
	}
	return s.fsm.view(fn)
}

// Data returns the domain bucket of a read transaction.
func Data(tx *bolt.Tx) *bolt.Bucket { return tx.Bucket(bucketData) }

// Barrier waits until this node has applied every entry the leader had
// committed when Barrier was called.
func (s *Store) Barrier(ctx context.Context) error {
	idx, err := s.ReadIndex(ctx)
	if err != nil {
		s.readFailed.Add(1)
		return err
	}
	if !s.fsm.waitApplied(ctx.Done(), idx) {
		s.readFailed.Add(1)
		return &Error{Code: "UNAVAILABLE", Message: "timed out waiting for this node to catch up with the leader"}
	}
	return nil
}

// ReadIndex returns an index such that applying up to it makes a read
// linearizable: the leader's commit index after confirming its leadership.
func (s *Store) ReadIndex(ctx context.Context) (uint64, error) {
	for {
		if s.IsLeader() {
			idx := s.raft.LastIndex()
			if s.readyTerm.Load() == s.raft.CurrentTerm() {
				idx = s.raft.CommitIndex()
			}
			if err := s.raft.VerifyLeader().Error(); err == nil {
				return idx, nil
			}
		} else if leader, ok := s.Leader(); ok && leader.HTTPAddr != "" {
			idx, err := s.forwardReadIndex(ctx, leader)
			if !errors.Is(err, errRetry) {
				return idx, err
			}
		}
		if err := s.waitForLeader(ctx); err != nil {
			return 0, err
		}
	}
}

// Node returns one registry entry.
func (s *Store) Node(id uint64) (Node, bool) {
	var n Node
	found := false
	_ = s.fsm.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSys).Bucket(bucketNodes).Get(nodeKey(id))
		found = v != nil && json.Unmarshal(v, &n) == nil
		return nil
	})
	return n, found
}

// TriggerSnapshot takes a snapshot on this node now.
func (s *Store) TriggerSnapshot() error {
	if err := s.raft.Snapshot().Error(); err != nil && !errors.Is(err, raft.ErrNothingNewToSnapshot) {
		return fmt.Errorf("take snapshot: %w", err)
	}
	return nil
}

// TransferLeadership asks the leader to hand leadership to node to (0: raft
// picks the most up-to-date follower).
func (s *Store) TransferLeadership(to uint64) error {
	if !s.IsLeader() {
		return Errorf(CodeNotLeader, "node %d is not the leader", s.cfg.NodeID)
	}
	var f raft.Future
	if to == 0 {
		f = s.raft.LeadershipTransfer()
	} else {
		srv, ok := s.server(to)
		if !ok || srv.Suffrage != raft.Voter {
			return Errorf(CodeNotFound, "node %d is not a voter", to)
		}
		f = s.raft.LeadershipTransferToServer(srv.ID, srv.Address)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("transfer leadership: %w", err)
	}
	return nil
}

// CodeNotLeader marks a leader-only call made on a follower.
const CodeNotLeader = "NOT_LEADER"

func (s *Store) server(id uint64) (raft.Server, bool) {
	f := s.raft.GetConfiguration()
	if f.Error() != nil {
		return raft.Server{}, false
	}
	for _, srv := range f.Configuration().Servers {
		if parseID(srv.ID) == id {
			return srv, true
		}
	}
	return raft.Server{}, false
}

// Close stops raft and closes the files. If this node leads a multi-voter
// cluster it first hands leadership over so writes pause only briefly.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		if s.IsLeader() && len(s.voters()) > 1 {
			if e := s.raft.LeadershipTransfer().Error(); e != nil {
				s.logger.Warn("leadership transfer before shutdown failed", "error", e)
			}
		}
		close(s.stop)
		if s.observer != nil {
			s.raft.DeregisterObserver(s.observer)
		}
		if e := s.raft.Shutdown().Error(); e != nil {
			err = fmt.Errorf("shut down raft: %w", e)
		}
		s.wg.Wait()
		if e := s.closeStores(); e != nil && err == nil {
			err = e
		}
	})
	return err
}

func (s *Store) closeStores() error {
	var err error
	if s.transport != nil {
		s.transport.Close()
	}
	if s.logStore != nil {
		if e := s.logStore.Close(); e != nil {
			err = fmt.Errorf("close raft log: %w", e)
		}
	}
	if s.fsm != nil {
		if e := s.fsm.close(); e != nil && err == nil {
			err = fmt.Errorf("close state: %w", e)
		}
	}
	return err
}

func (s *Store) voters() []raft.Server {
	f := s.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	var out []raft.Server
	for _, srv := range f.Configuration().Servers {
		if srv.Suffrage == raft.Voter {
			out = append(out, srv)
		}
	}
	return out
}

func parseID(id raft.ServerID) uint64 {
	n, _ := strconv.ParseUint(string(id), 10, 64)
	return n
}
