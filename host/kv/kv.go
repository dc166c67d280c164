// Package kv is a small replicated key-value space, the metahost equivalent
// of Databend meta's KV API: every write gets the state's next sequence
// number (the admin API's last_seq). Operators and tests use it to write
// through the replicated path without going through a domain surface.
package kv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/raftstore"
	bolt "go.etcd.io/bbolt"
)

// Command types.
const (
	cmdPut    = "kv.put"
	cmdDelete = "kv.delete"
)

// MaxKeyLen and MaxValueLen bound one entry.
const (
	MaxKeyLen   = 1024
	MaxValueLen = 1 << 20
)

// Entry is one stored value with its sequence number.
type Entry struct {
	// Key is the entry's key.
	Key string `json:"key"`
	// Seq is the sequence number of the write that produced the value.
	Seq uint64 `json:"seq"`
	// Value is the stored bytes.
	Value []byte `json:"value"`
}

type putCmd struct {
	Key   string `json:"key"`
	Value []byte `json:"value"`
}

// PutResult reports a write.
type PutResult struct {
	// Seq is the sequence number of this write.
	Seq uint64 `json:"seq"`
	// PrevSeq is the sequence number of the value replaced (0 if none).
	PrevSeq uint64 `json:"prev_seq"`
}

// Register adds the KV command handlers.
func Register(h raftstore.Handlers) {
	h.Add(cmdPut, applyPut)
	h.Add(cmdDelete, applyDelete)
}

// Service reads and writes the KV space through a store.
type Service struct {
	store *raftstore.Store
}

// New returns a Service over store.
func New(store *raftstore.Store) *Service { return &Service{store: store} }

// ErrNotFound is returned by Get and Delete for a missing key.
var ErrNotFound = errors.New("key not found")

// Validate checks a key and value before they are proposed.
func Validate(key string, value []byte) error {
	if key == "" {
		return raftstore.Errorf(raftstore.CodeInvalid, "key must not be empty")
	}
	if len(key) > MaxKeyLen {
		return raftstore.Errorf(raftstore.CodeInvalid, "key longer than %d bytes", MaxKeyLen)
	}
	if len(value) > MaxValueLen {
		return raftstore.Errorf(raftstore.CodeInvalid, "value longer than %d bytes", MaxValueLen)
	}
	return nil
}

// Put replicates key=value.
func (s *Service) Put(ctx context.Context, key string, value []byte) (PutResult, error) {
	if err := Validate(key, value); err != nil {
		return PutResult{}, err
	}
	data, err := json.Marshal(putCmd{Key: key, Value: value})
	if err != nil {
		return PutResult{}, fmt.Errorf("encode put: %w", err)
	}
	out, err := s.store.Propose(ctx, cmdPut, data)
	if err != nil {
		return PutResult{}, err
	}
	var r PutResult
	if err := json.Unmarshal(out, &r); err != nil {
		return PutResult{}, fmt.Errorf("decode put result: %w", err)
	}
	return r, nil
}

// Delete removes key; it fails with ErrNotFound (as a raftstore.Error with
// code NOT_FOUND) if the key does not exist.
func (s *Service) Delete(ctx context.Context, key string) error {
	if err := Validate(key, nil); err != nil {
		return err
	}
	_, err := s.store.Propose(ctx, cmdDelete, []byte(key))
	return err
}

// Get reads key with the given consistency.
func (s *Service) Get(ctx context.Context, opts raftstore.ReadOptions, key string) (Entry, error) {
	var e Entry
	err := s.store.View(ctx, opts, func(tx *bolt.Tx) error {
		v := raftstore.Data(tx).Get(storageKey(key))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &e)
	})
	return e, err
}

// List returns the entries whose keys start with prefix, in key order, at
// most limit of them (0: no limit).
func (s *Service) List(ctx context.Context, opts raftstore.ReadOptions, prefix string, limit int) ([]Entry, error) {
	var out []Entry
	err := s.store.View(ctx, opts, func(tx *bolt.Tx) error {
		c := raftstore.Data(tx).Cursor()
		p := storagePrefix(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode entry: %w", err)
			}
			out = append(out, e)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

func applyPut(a *raftstore.Apply) ([]byte, error) {
	var c putCmd
	if err := json.Unmarshal(a.Command.Data, &c); err != nil {
		return nil, raftstore.Errorf(raftstore.CodeInvalid, "bad put command: %v", err)
	}
	if err := Validate(c.Key, c.Value); err != nil {
		return nil, err
	}
	b := a.Data()
	k := storageKey(c.Key)
	var prev Entry
	if v := b.Get(k); v != nil {
		_ = json.Unmarshal(v, &prev)
	}
	seq, err := a.NextSeq()
	if err != nil {
		return nil, err
	}
	v, err := json.Marshal(Entry{Key: c.Key, Seq: seq, Value: c.Value})
	if err != nil {
		return nil, err
	}
	if err := b.Put(k, v); err != nil {
		return nil, err
	}
	return json.Marshal(PutResult{Seq: seq, PrevSeq: prev.Seq})
}

func applyDelete(a *raftstore.Apply) ([]byte, error) {
	k := storageKey(string(a.Command.Data))
	b := a.Data()
	if b.Get(k) == nil {
		return nil, raftstore.Errorf(raftstore.CodeNotFound, "key %q not found", a.Command.Data)
	}
	if _, err := a.NextSeq(); err != nil {
		return nil, err
	}
	return nil, b.Delete(k)
}

// storageKey encodes key as 0x01 "kv" <key> in Doris key encoding, so
// decode_key explains it.
func storageKey(key string) []byte {
	return keys.AppendBytes(storagePrefix(""), key)
}

// storagePrefix returns the encoded prefix shared by every key that starts
// with prefix: the family, then the tag and escaped bytes of prefix without
// the terminator.
func storagePrefix(prefix string) []byte {
	k := keys.AppendBytes([]byte{keys.SpaceUser}, "kv")
	if prefix == "" {
		return k
	}
	enc := keys.AppendBytes(nil, prefix)
	return append(k, enc[:len(enc)-2]...)
}
