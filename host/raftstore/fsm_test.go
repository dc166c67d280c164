package raftstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
)

// testHandlers: "set" writes key=value (Data = "k=v"), "setfail" writes and
// then fails, "count" increments a counter key.
func testHandlers() Handlers {
	h := Handlers{}
	h.Add("set", func(a *Apply) ([]byte, error) {
		k, v, _ := bytes.Cut(a.Command.Data, []byte("="))
		if len(k) == 0 {
			return nil, Errorf(CodeInvalid, "empty key")
		}
		if _, err := a.NextSeq(); err != nil {
			return nil, err
		}
		return []byte("ok"), a.Data().Put(k, v)
	})
	h.Add("setfail", func(a *Apply) ([]byte, error) {
		if err := a.Data().Put([]byte("partial"), []byte("x")); err != nil {
			return nil, err
		}
		return nil, Errorf("REJECTED", "rejected after writing")
	})
	h.Add("boom", func(a *Apply) ([]byte, error) { return nil, errors.New("plain error") })
	return h
}

func newTestFSM(t *testing.T) *fsm {
	t.Helper()
	f, err := newFSM(filepath.Join(t.TempDir(), "state.db"), testHandlers(), hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.close() })
	return f
}

func logEntry(t *testing.T, idx uint64, typ, data string) *raft.Log {
	t.Helper()
	b, err := (&Command{Type: typ, Time: 1, Node: 1, Data: []byte(data)}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return &raft.Log{Index: idx, Term: 1, Type: raft.LogCommand, Data: b}
}

func get(t *testing.T, f *fsm, key string) string {
	t.Helper()
	var v []byte
	_ = f.view(func(tx *bolt.Tx) error {
		v = append([]byte(nil), tx.Bucket(bucketData).Get([]byte(key))...)
		return nil
	})
	return string(v)
}

func TestApplyBatchIsolatesFailures(t *testing.T) {
	f := newTestFSM(t)
	logs := []*raft.Log{
		logEntry(t, 1, "set", "a=1"),
		logEntry(t, 2, "setfail", ""),
		logEntry(t, 3, "set", "b=2"),
		logEntry(t, 4, "set", "=bad"),
		logEntry(t, 5, "nosuch", ""),
		logEntry(t, 6, "boom", ""),
		logEntry(t, 7, "set", "c=3"),
	}
	resps := f.ApplyBatch(logs)
	wantErr := map[int]string{1: "REJECTED", 3: CodeInvalid, 4: CodeUnknownCommand, 5: CodeInternal}
	for i, r := range resps {
		resp, ok := r.(*response)
		if !ok {
			t.Fatalf("entry %d: response %T", i, r)
		}
		if code, bad := wantErr[i]; bad {
			if resp.err == nil || resp.err.Code != code {
				t.Fatalf("entry %d: want error %s, got %+v", i, code, resp)
			}
			continue
		}
		if resp.err != nil || string(resp.data) != "ok" {
			t.Fatalf("entry %d: want ok, got %+v", i, resp)
		}
	}
	for k, want := range map[string]string{"a": "1", "b": "2", "c": "3", "partial": ""} {
		if got := get(t, f, k); got != want {
			t.Errorf("key %s = %q, want %q", k, got, want)
		}
	}
	if f.applied.Load() != 7 || f.lastSeq.Load() != 3 {
		t.Fatalf("applied=%d lastSeq=%d, want 7 and 3", f.applied.Load(), f.lastSeq.Load())
	}
}

func TestReplayIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	f, err := newFSM(path, testHandlers(), hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	f.ApplyBatch([]*raft.Log{logEntry(t, 1, "set", "a=1"), logEntry(t, 2, "set", "a=2")})
	f.close()

	// After a crash raft re-delivers entries the state file already has.
	f, err = newFSM(path, testHandlers(), hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	if f.applied.Load() != 2 {
		t.Fatalf("applied index after reopen = %d, want 2", f.applied.Load())
	}
	resps := f.ApplyBatch([]*raft.Log{logEntry(t, 1, "set", "a=1"), logEntry(t, 2, "set", "a=2"), logEntry(t, 3, "set", "b=3")})
	if resps[0] != nil || resps[1] != nil {
		t.Fatalf("replayed entries must be skipped, got %v %v", resps[0], resps[1])
	}
	if get(t, f, "a") != "2" || get(t, f, "b") != "3" || f.lastSeq.Load() != 3 {
		t.Fatalf("state after replay: a=%q b=%q seq=%d", get(t, f, "a"), get(t, f, "b"), f.lastSeq.Load())
	}
}

type memSink struct {
	bytes.Buffer
	cancelled bool
}

func (m *memSink) ID() string    { return "mem" }
func (m *memSink) Cancel() error { m.cancelled = true; return nil }
func (m *memSink) Close() error  { return nil }

func TestSnapshotRestore(t *testing.T) {
	src := newTestFSM(t)
	src.ApplyBatch([]*raft.Log{logEntry(t, 1, "set", "a=1"), logEntry(t, 2, "set", "b=2")})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Writes after the snapshot began are not in it.
	src.ApplyBatch([]*raft.Log{logEntry(t, 3, "set", "c=3")})
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()

	dst := newTestFSM(t)
	dst.ApplyBatch([]*raft.Log{logEntry(t, 1, "set", "z=9")})
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if get(t, dst, "a") != "1" || get(t, dst, "b") != "2" || get(t, dst, "c") != "" || get(t, dst, "z") != "" {
		t.Fatalf("restored state wrong: a=%q b=%q c=%q z=%q", get(t, dst, "a"), get(t, dst, "b"), get(t, dst, "c"), get(t, dst, "z"))
	}
	if dst.applied.Load() != 2 || dst.lastSeq.Load() != 2 {
		t.Fatalf("restored applied=%d seq=%d, want 2 and 2", dst.applied.Load(), dst.lastSeq.Load())
	}
	// A garbage snapshot is refused and the state is untouched.
	if err := dst.Restore(io.NopCloser(bytes.NewReader([]byte("not a bolt file")))); err == nil {
		t.Fatal("garbage snapshot accepted")
	}
	if get(t, dst, "a") != "1" {
		t.Fatal("state changed by a refused restore")
	}
}

func TestWaitApplied(t *testing.T) {
	f := newTestFSM(t)
	done := make(chan struct{})
	got := make(chan bool, 1)
	go func() { got <- f.waitApplied(done, 2) }()
	f.ApplyBatch([]*raft.Log{logEntry(t, 1, "set", "a=1")})
	f.ApplyBatch([]*raft.Log{logEntry(t, 2, "set", "a=2")})
	if !<-got {
		t.Fatal("waitApplied returned false after the index was applied")
	}
	close(done)
	if f.waitApplied(done, 99) {
		t.Fatal("waitApplied returned true for an index never applied")
	}
}

func TestCommandCodec(t *testing.T) {
	cases := []Command{
		{Type: "kv.put", Time: 1700000000000000000, Node: 3, Data: []byte(`{"k":"v"}`)},
		{Type: "", Time: -5, Node: 0, Data: nil},
		{Type: "x", Time: 0, Node: 1 << 60, Data: []byte{0, 1, 2}},
	}
	for _, c := range cases {
		b, _ := c.MarshalBinary()
		var got Command
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got.Type != c.Type || got.Time != c.Time || got.Node != c.Node || !bytes.Equal(got.Data, c.Data) {
			t.Fatalf("round trip: got %+v want %+v", got, c)
		}
	}
	bad := [][]byte{nil, {}, {2}, {1}, {1, 5, 'a'}, {1, 0}, append([]byte{1}, binary.AppendUvarint(nil, 1<<62)...), {1, 0, 0x80}}
	for _, b := range bad {
		var c Command
		if err := c.UnmarshalBinary(b); err == nil {
			t.Errorf("UnmarshalBinary(%x) accepted", b)
		}
	}
}

func FuzzCommandUnmarshal(f *testing.F) {
	b, _ := (&Command{Type: "kv.put", Time: 42, Node: 1, Data: []byte("x")}).MarshalBinary()
	f.Add(b)
	f.Add([]byte{1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		var c Command
		if err := c.UnmarshalBinary(in); err != nil {
			return
		}
		out, _ := c.MarshalBinary()
		var again Command
		if err := again.UnmarshalBinary(out); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if again.Type != c.Type || again.Time != c.Time || again.Node != c.Node || !bytes.Equal(again.Data, c.Data) {
			t.Fatalf("unstable round trip")
		}
	})
}
