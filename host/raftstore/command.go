// Package raftstore is metahost's replicated state: hashicorp/raft for
// consensus, raft-boltdb for the log, and a bbolt file as the state machine.
//
// Every mutation is a typed Command. The leader stamps the command with its
// wall-clock time before proposing it, so applying a command is a pure,
// deterministic function of (state, command). Handlers for command types are
// registered by the domain packages when the store is built; each command is
// applied inside one bbolt write transaction that also records the applied
// raft index, so replaying the log after a crash is idempotent and a failing
// command leaves no partial change behind.
package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// commandVersion is the first byte of every encoded command.
const commandVersion byte = 1

// Command is one replicated mutation.
type Command struct {
	// Type names the handler that applies the command, e.g. "kv.put".
	Type string
	// Time is the leader's wall clock (Unix nanoseconds) when it proposed the
	// command. Handlers use it instead of time.Now so every node computes the
	// same result.
	Time int64
	// Node is the id of the leader that proposed the command.
	Node uint64
	// Data is the handler-specific payload.
	Data []byte
}

// Now returns the command's timestamp as a time.Time.
func (c *Command) Now() time.Time { return time.Unix(0, c.Time) }

// MarshalBinary encodes the command for the raft log.
func (c *Command) MarshalBinary() ([]byte, error) {
	buf := make([]byte, 0, 1+binary.MaxVarintLen64*2+len(c.Type)+len(c.Data))
	buf = append(buf, commandVersion)
	buf = binary.AppendUvarint(buf, uint64(len(c.Type)))
	buf = append(buf, c.Type...)
	buf = binary.AppendVarint(buf, c.Time)
	buf = binary.AppendUvarint(buf, c.Node)
	buf = append(buf, c.Data...)
	return buf, nil
}

// UnmarshalBinary decodes a command encoded by MarshalBinary.
func (c *Command) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != commandVersion {
		return errors.New("raftstore: unknown command encoding")
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return errors.New("raftstore: truncated command type")
	}
	c.Type = string(b[k : k+int(n)])
	b = b[k+int(n):]
	t, k := binary.Varint(b)
	if k <= 0 {
		return errors.New("raftstore: truncated command time")
	}
	c.Time = t
	b = b[k:]
	node, k := binary.Uvarint(b)
	if k <= 0 {
		return errors.New("raftstore: truncated command node")
	}
	c.Node = node
	c.Data = b[k:]
	return nil
}

// Apply is the context a handler gets for one command.
type Apply struct {
	// Tx is the bbolt write transaction the command runs in. Handlers must
	// only touch the state through it.
	Tx *bolt.Tx
	// Index is the raft log index of the command.
	Index uint64
	// Command is the command being applied.
	Command *Command
}

// Data returns the bucket holding domain state (keys in Doris encoding).
func (a *Apply) Data() *bolt.Bucket { return a.Tx.Bucket(bucketData) }

// NextSeq returns the next value of the state's write sequence (the
// `last_seq` of the admin API) and records it.
func (a *Apply) NextSeq() (uint64, error) {
	sys := a.Tx.Bucket(bucketSys)
	seq := getUint64(sys, keyLastSeq) + 1
	if err := putUint64(sys, keyLastSeq, seq); err != nil {
		return 0, fmt.Errorf("record sequence: %w", err)
	}
	return seq, nil
}

// Handler applies one command type. It returns the result bytes sent back to
// the proposer, or an error. Any error rolls back everything the command
// wrote. Handlers must be deterministic: no clocks, randomness or I/O besides
// the transaction.
type Handler func(a *Apply) ([]byte, error)

// Handlers maps command types to their handlers. Domain packages add theirs
// before the store is opened.
type Handlers map[string]Handler

// Add registers h for typ; registering a type twice is a programming error.
func (h Handlers) Add(typ string, fn Handler) {
	if _, dup := h[typ]; dup {
		panic(fmt.Sprintf("raftstore: handler %q registered twice", typ))
	}
	h[typ] = fn
}

// Error is a rejection a handler (or the store) returns with a stable code, so
// the surface that proposed the command can answer in its own format. It
// survives forwarding from a follower to the leader.
type Error struct {
	// Code is a machine-readable code chosen by the domain (for example a
	// Doris MetaServiceCode name).
	Code string `json:"code"`
	// Message is the human-readable text.
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Codes used by the store itself.
const (
	// CodeInternal marks a handler failure that was not a domain rejection.
	CodeInternal = "INTERNAL"
	// CodeUnknownCommand marks a command type with no handler.
	CodeUnknownCommand = "UNKNOWN_COMMAND"
	// CodeNotFound marks a missing entity (used by the node registry).
	CodeNotFound = "NOT_FOUND"
	// CodeInvalid marks bad input to a store-level command.
	CodeInvalid = "INVALID_ARGUMENT"
)

// asError converts any handler error into an *Error.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: err.Error()}
}

// response is what the FSM hands back to raft for one log entry.
type response struct {
	data []byte
	err  *Error
}
