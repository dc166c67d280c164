package raftstore

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketData  = []byte("data")
	bucketSys   = []byte("sys")
	bucketNodes = []byte("nodes")

	keyAppliedIndex = []byte("applied_index")
	keyAppliedTerm  = []byte("applied_term")
	keyAppliedNode  = []byte("applied_node")
	keyLastSeq      = []byte("last_seq")
)

// errRollback aborts a batch transaction so it can be replayed command by
// command.
var errRollback = errors.New("raftstore: rollback batch")

// fsm is the raft state machine over one bbolt file. It implements
// raft.BatchingFSM so a whole batch of committed entries shares one bbolt
// transaction and one fsync.
type fsm struct {
	path     string
	handlers Handlers
	logger   hclog.Logger
	stats    *fsmStats

	mu sync.RWMutex // guards db against the swap in Restore
	db *bolt.DB

	applied atomic.Uint64 // last applied raft index
	term    atomic.Uint64 // term of the last applied entry
	node    atomic.Uint64 // leader that proposed the last applied command
	lastSeq atomic.Uint64

	waitMu  sync.Mutex
	advance chan struct{} // closed and replaced whenever applied advances
}

// fsmStats are counters the metrics endpoint reads.
type fsmStats struct {
	batches          atomic.Uint64
	commands         atomic.Uint64
	rejected         atomic.Uint64
	snapshotBuilding atomic.Int64
	snapshotBytes    atomic.Uint64
	restores         atomic.Uint64
}

// openBolt opens the state file. Commits do not fsync: the raft log is the
// durable record (it is fsynced once per batch), and a state file that lags
// after an OS crash is brought forward by replaying the log (see
// checkStateFile), so the state machine adds no fsync of its own to the
// write path.
func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         5 * time.Second,
		NoSync:          true,
		NoFreelistSync:  true,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: 256 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketData, bucketSys} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		_, err := tx.Bucket(bucketSys).CreateBucketIfNotExists(bucketNodes)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise state file %s: %w", path, err)
	}
	return db, nil
}

func newFSM(path string, handlers Handlers, logger hclog.Logger) (*fsm, error) {
	if err := checkStateFile(path, logger); err != nil {
		return nil, err
	}
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	f := &fsm{path: path, handlers: handlers, logger: logger, db: db, stats: &fsmStats{}, advance: make(chan struct{})}
	f.loadIndexesLocked()
	return f, nil
}

// close flushes the state file and marks the shutdown clean.
func (f *fsm) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.db.Sync(); err != nil {
		f.db.Close()
		return fmt.Errorf("sync state file: %w", err)
	}
	if err := f.db.Close(); err != nil {
		return err
	}
	return os.WriteFile(f.path+cleanSuffix, nil, 0o600)
}

// cleanSuffix names the marker written by a clean shutdown.
const cleanSuffix = ".clean"

// checkStateFile runs before the state file is opened. After a clean
// shutdown it only removes the marker. After a crash it checks the file's
// integrity; a file that fails the check (possible only after an OS crash,
// since commits are not fsynced) is moved aside, and the node rebuilds its
// state from the newest snapshot and the raft log.
func checkStateFile(path string, logger hclog.Logger) error {
	marker := path + cleanSuffix
	if _, err := os.Stat(marker); err == nil {
		return os.Remove(marker)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var bad error
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second, ReadOnly: true})
	if errors.Is(err, bolt.ErrTimeout) {
		// Another process holds the file: it is in use, not damaged.
		return fmt.Errorf("state file %s is locked by another process", path)
	}
	if err != nil {
		bad = err
	} else {
		_ = db.View(func(tx *bolt.Tx) error {
			for e := range tx.Check() {
				bad = errors.Join(bad, e)
			}
			return nil
		})
		db.Close()
	}
	if bad == nil {
		return nil
	}
	aside := fmt.Sprintf("%s.corrupt-%d", path, time.Now().Unix())
	logger.Error("state file failed its integrity check after an unclean shutdown; rebuilding it from the snapshot and the raft log", "error", bad, "moved_to", aside)
	return os.Rename(path, aside)
}

// view runs fn in a read transaction on the current state file.
func (f *fsm) view(fn func(tx *bolt.Tx) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.db.View(fn)
}

// Apply implements raft.FSM for the rare single-entry path.
func (f *fsm) Apply(l *raft.Log) interface{} {
	return f.ApplyBatch([]*raft.Log{l})[0]
}

// ApplyBatch implements raft.BatchingFSM. All entries go into one write
// transaction. If a command fails, the transaction is rolled back and redone
// without it, so the failed command leaves no trace while the others still
// share a commit.
func (f *fsm) ApplyBatch(logs []*raft.Log) []interface{} {
	f.mu.RLock()
	defer f.mu.RUnlock()
	f.stats.batches.Add(1)

	resps := make([]interface{}, len(logs))
	applied := f.applied.Load()
	pos := 0
	for pos < len(logs) {
		failedAt, failure := -1, (*Error)(nil)
		err := f.db.Update(func(tx *bolt.Tx) error {
			for i := pos; i < len(logs); i++ {
				r, err := f.applyOne(tx, logs[i], applied)
				if err != nil {
					failedAt, failure = i, asError(err)
					return errRollback
				}
				resps[i] = r
			}
			return f.recordApplied(tx, logs[len(logs)-1])
		})
		if failedAt < 0 {
			if err != nil {
				f.fatal("apply batch", err)
			}
			f.markApplied(logs[len(logs)-1])
			break
		}
		// Replay the entries before the failing one, and record the failing
		// entry as applied with no effect.
		err = f.db.Update(func(tx *bolt.Tx) error {
			for i := pos; i < failedAt; i++ {
				r, err := f.applyOne(tx, logs[i], applied)
				if err != nil {
					return fmt.Errorf("replay of index %d failed after succeeding once: %w", logs[i].Index, err)
				}
				resps[i] = r
			}
			return f.recordApplied(tx, logs[failedAt])
		})
		if err != nil {
			f.fatal("apply batch prefix", err)
		}
		f.stats.rejected.Add(1)
		resps[failedAt] = &response{err: failure}
		f.markApplied(logs[failedAt])
		pos = failedAt + 1
	}
	return resps
}

// dryRun runs handler h for cmd in a write transaction that is always
// rolled back, returning the handler's error.
func (f *fsm) dryRun(h Handler, cmd *Command) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	tx, err := f.db.Begin(true)
	if err != nil {
		return fmt.Errorf("begin dry run: %w", err)
	}
	defer tx.Rollback()
	_, err = h(&Apply{Tx: tx, Index: f.applied.Load() + 1, Command: cmd})
	return err
}

// applyOne applies one entry inside tx. Entries at or below the stored
// applied index were applied before a crash and are skipped.
func (f *fsm) applyOne(tx *bolt.Tx, l *raft.Log, applied uint64) (interface{}, error) {
	if l.Index <= applied || l.Type != raft.LogCommand {
		return nil, nil
	}
	var cmd Command
	if err := cmd.UnmarshalBinary(l.Data); err != nil {
		return nil, &Error{Code: CodeInvalid, Message: err.Error()}
	}
	h, ok := f.handlers[cmd.Type]
	if !ok {
		return nil, Errorf(CodeUnknownCommand, "unknown command type %q", cmd.Type)
	}
	f.stats.commands.Add(1)
	data, err := h(&Apply{Tx: tx, Index: l.Index, Command: &cmd})
	if err != nil {
		return nil, err
	}
	return &response{data: data}, nil
}

func (f *fsm) recordApplied(tx *bolt.Tx, l *raft.Log) error {
	sys := tx.Bucket(bucketSys)
	if err := putUint64(sys, keyAppliedIndex, l.Index); err != nil {
		return err
	}
	if l.Type == raft.LogCommand {
		var cmd Command
		if cmd.UnmarshalBinary(l.Data) == nil {
			if err := putUint64(sys, keyAppliedNode, cmd.Node); err != nil {
				return err
			}
		}
	}
	return putUint64(sys, keyAppliedTerm, l.Term)
}

func (f *fsm) markApplied(l *raft.Log) {
	if l.Index <= f.applied.Load() {
		return
	}
	_ = f.db.View(func(tx *bolt.Tx) error {
		sys := tx.Bucket(bucketSys)
		f.lastSeq.Store(getUint64(sys, keyLastSeq))
		f.node.Store(getUint64(sys, keyAppliedNode))
		return nil
	})
	f.term.Store(l.Term)
	f.applied.Store(l.Index)
	f.waitMu.Lock()
	close(f.advance)
	f.advance = make(chan struct{})
	f.waitMu.Unlock()
}

func (f *fsm) fatal(what string, err error) {
	// The state file could not be written: continuing would let this node
	// diverge from the log. Stop hard; a restart replays the log.
	f.logger.Error("state machine write failed; stopping", "op", what, "error", err)
	panic(fmt.Sprintf("raftstore: %s: %v", what, err))
}

// waitApplied blocks until the applied index reaches idx or done closes.
func (f *fsm) waitApplied(done <-chan struct{}, idx uint64) bool {
	for {
		f.waitMu.Lock()
		ch := f.advance
		f.waitMu.Unlock()
		if f.applied.Load() >= idx {
			return true
		}
		select {
		case <-ch:
		case <-done:
			return f.applied.Load() >= idx
		}
	}
}

// Snapshot implements raft.FSM. It opens a read transaction, which is a
// consistent view of the state at the last applied index; Persist streams it.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.RLock()
	tx, err := f.db.Begin(false)
	f.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("begin snapshot: %w", err)
	}
	return &fsmSnapshot{tx: tx, stats: f.stats}, nil
}

type fsmSnapshot struct {
	tx    *bolt.Tx
	stats *fsmStats
}

func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	s.stats.snapshotBuilding.Add(1)
	defer s.stats.snapshotBuilding.Add(-1)
	n, err := s.tx.WriteTo(sink)
	s.stats.snapshotBytes.Add(uint64(n))
	if err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("write snapshot: %w", err)
	}
	return sink.Close()
}

func (s *fsmSnapshot) Release() { _ = s.tx.Rollback() }

// Restore implements raft.FSM: it replaces the state file with the snapshot.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	tmp := f.path + ".restore"
	if err := writeFileSync(tmp, rc); err != nil {
		return fmt.Errorf("receive snapshot: %w", err)
	}
	// Check that what we received is a usable state file before swapping.
	check, err := openBolt(tmp)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("snapshot is not a valid state file: %w", err)
	}
	check.Close()

	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.db.Close(); err != nil {
		return fmt.Errorf("close state before restore: %w", err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		return fmt.Errorf("install snapshot: %w", err)
	}
	syncDir(filepath.Dir(f.path))
	db, err := openBolt(f.path)
	if err != nil {
		f.fatal("reopen restored state", err)
	}
	f.db = db
	f.stats.restores.Add(1)
	f.loadIndexesLocked()
	f.waitMu.Lock()
	close(f.advance)
	f.advance = make(chan struct{})
	f.waitMu.Unlock()
	return nil
}

// loadIndexesLocked reads the applied index, term and sequence from the
// state file; the caller holds mu or owns f exclusively.
func (f *fsm) loadIndexesLocked() {
	_ = f.db.View(func(tx *bolt.Tx) error {
		sys := tx.Bucket(bucketSys)
		f.applied.Store(getUint64(sys, keyAppliedIndex))
		f.term.Store(getUint64(sys, keyAppliedTerm))
		f.node.Store(getUint64(sys, keyAppliedNode))
		f.lastSeq.Store(getUint64(sys, keyLastSeq))
		return nil
	})
}

// size returns the state file's size in bytes.
func (f *fsm) size() int64 {
	var n int64
	_ = f.view(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// keyCount returns the number of keys in the data bucket.
func (f *fsm) keyCount() int {
	var n int
	_ = f.view(func(tx *bolt.Tx) error { n = tx.Bucket(bucketData).Stats().KeyN; return nil })
	return n
}

func writeFileSync(path string, r io.Reader) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	if _, err := io.Copy(w, r); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	if err := w.Flush(); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	return out.Close()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func getUint64(b *bolt.Bucket, k []byte) uint64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func putUint64(b *bolt.Bucket, k []byte, v uint64) error {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	return b.Put(k, buf[:])
}
