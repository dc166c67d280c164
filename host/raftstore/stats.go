package raftstore

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/hashicorp/raft"
)

// LogID identifies a raft log entry.
type LogID struct {
	// Term is the entry's term.
	Term uint64
	// Node is the leader that created the entry (0 if unknown).
	Node uint64
	// Index is the entry's index.
	Index uint64
}

// Stats is a point-in-time view of the node's raft and state machine.
type Stats struct {
	// ID is this node's id.
	ID uint64
	// State is Leader, Follower, Candidate, Learner or Shutdown.
	State string
	// Term is the current term.
	Term uint64
	// LastLogIndex is the last index appended to the local log.
	LastLogIndex uint64
	// CommitIndex is the last index known to be committed.
	CommitIndex uint64
	// LastApplied is the last entry applied to the state file.
	LastApplied LogID
	// Snapshot is the newest local snapshot, if any.
	Snapshot *LogID
	// FirstLogIndex is the oldest entry still in the log (entries before it
	// were compacted into a snapshot).
	FirstLogIndex uint64
	// LeaderID is the current leader's id (0: none known).
	LeaderID uint64
	// LastSeq is the state's write sequence.
	LastSeq uint64
	// RaftLogSize and StateSize are the on-disk sizes, in bytes, of the raft
	// log store and of the state file.
	RaftLogSize, StateSize int64
	// LeaderChanges counts observed leader changes since start.
	LeaderChanges uint64
	// ProposalsPending is the number of commands waiting to commit on this
	// node; ProposalsFailed counts commands that failed to commit.
	ProposalsPending int64
	ProposalsFailed  uint64
	// ReadFailed counts linearizable reads whose barrier failed.
	ReadFailed uint64
	// Batches, Commands and Rejected count state machine work.
	Batches, Commands, Rejected uint64
	// SnapshotBuilding is 1 while a snapshot is being written.
	SnapshotBuilding int64
	// SnapshotBytes counts bytes written to snapshots since start.
	SnapshotBytes uint64
	// Restores counts snapshots installed since start.
	Restores uint64
}

// Stats returns the node's current statistics.
func (s *Store) Stats() Stats {
	st := Stats{
		ID:               s.cfg.NodeID,
		State:            s.raft.State().String(),
		Term:             s.raft.CurrentTerm(),
		LastLogIndex:     s.raft.LastIndex(),
		CommitIndex:      s.raft.CommitIndex(),
		LastApplied:      LogID{Term: s.fsm.term.Load(), Node: s.fsm.node.Load(), Index: s.fsm.applied.Load()},
		LastSeq:          s.fsm.lastSeq.Load(),
		LeaderChanges:    s.leaderChanges.Load(),
		ProposalsPending: s.pending.Load(),
		ProposalsFailed:  s.failed.Load(),
		ReadFailed:       s.readFailed.Load(),
		Batches:          s.fsm.stats.batches.Load(),
		Commands:         s.fsm.stats.commands.Load(),
		Rejected:         s.fsm.stats.rejected.Load(),
		SnapshotBuilding: s.fsm.stats.snapshotBuilding.Load(),
		SnapshotBytes:    s.fsm.stats.snapshotBytes.Load(),
		Restores:         s.fsm.stats.restores.Load(),
		RaftLogSize:      fileSize(filepath.Join(s.cfg.DataDir, "raft", "raft.db")),
		StateSize:        fileSize(s.fsm.path),
	}
	if _, id := s.raft.LeaderWithID(); id != "" {
		st.LeaderID = parseID(id)
	}
	if st.State == raft.Follower.String() {
		if srv, ok := s.server(s.cfg.NodeID); !ok || srv.Suffrage != raft.Voter {
			st.State = "Learner"
		}
	}
	if metas, err := s.snapshots.List(); err == nil && len(metas) > 0 {
		st.Snapshot = &LogID{Term: metas[0].Term, Index: metas[0].Index}
	}
	if first, err := s.logStore.FirstIndex(); err == nil {
		st.FirstLogIndex = first
	}
	return st
}

// AppliedIndex returns the raft index of the last command applied to the state machine; unlike
// Stats it reads one counter, for callers that poll it.
func (s *Store) AppliedIndex() uint64 { return s.fsm.applied.Load() }

// StateKeys returns the number of keys in the domain state. It walks the
// whole state file, so it is for tests and diagnostics, not hot paths.
func (s *Store) StateKeys() int { return s.fsm.keyCount() }

// IDString formats a node id as the admin API prints node names.
func IDString(id uint64) string { return strconv.FormatUint(id, 10) }

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
