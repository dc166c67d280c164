package raftstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	bolt "go.etcd.io/bbolt"
)

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// openSingle starts a one-node store and waits until it leads.
func openSingle(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(Config{
		NodeID:           1,
		DataDir:          dir,
		RaftAddr:         freeAddr(t),
		HTTPAddr:         "127.0.0.1:1",
		Handlers:         testHandlers(),
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Warn}),
		Bootstrap:        true,
		HeartbeatTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !s.IsLeader() {
		if err := s.waitForLeader(ctx); err != nil {
			t.Fatal("no leader:", err)
		}
	}
	// Wait for the store's own writes (the leader's no-op, the node's address registration) so
	// that a test sees only its own entries in the log.
	for {
		_, registered := s.Node(s.cfg.NodeID)
		if registered && s.readyTerm.Load() == s.raft.CurrentTerm() {
			return s
		}
		select {
		case <-ctx.Done():
			t.Fatal("the store's own writes did not finish")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestStoreProposeAndRead(t *testing.T) {
	dir := t.TempDir()
	s := openSingle(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	out, err := s.Propose(ctx, "set", []byte("k=v1"))
	if err != nil || string(out) != "ok" {
		t.Fatalf("propose: %q %v", out, err)
	}
	_, err = s.Propose(ctx, "set", []byte("=v"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid {
		t.Fatalf("rejected command: got %v", err)
	}
	if _, err := s.Propose(ctx, "no.such", nil); err == nil {
		t.Fatal("unknown command type accepted")
	}
	read := func(opts ReadOptions) string {
		var v string
		if err := s.View(ctx, opts, func(tx *bolt.Tx) error { v = string(Data(tx).Get([]byte("k"))); return nil }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if read(ReadOptions{}) != "v1" || read(ReadOptions{Stale: true}) != "v1" {
		t.Fatal("read after write did not see the write")
	}
	if err := s.TriggerSnapshot(); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.State != "Leader" || st.LastSeq != 1 || st.Snapshot == nil || st.LastApplied.Index < 3 {
		t.Fatalf("stats: %+v", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart on the same data dir: same state, leads again.
	s = openSingle(t, dir)
	defer s.Close()
	if read(ReadOptions{}) != "v1" {
		t.Fatal("state lost across restart")
	}
	if n, ok := s.Node(1); !ok || n.ID != 1 {
		t.Fatalf("node registry after restart: %+v %v", n, ok)
	}
}

func TestSubmitRejectsWithoutLogging(t *testing.T) {
	s := openSingle(t, t.TempDir())
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Submit(ctx, "set", []byte("a=1")); err != nil {
		t.Fatal(err)
	}
	before := s.Stats().LastLogIndex
	for _, c := range []struct{ typ, data, code string }{
		{"set", "=x", CodeInvalid},
		{"setfail", "", "REJECTED"},
		{"nope", "", CodeUnknownCommand},
	} {
		_, err := s.Submit(ctx, c.typ, []byte(c.data))
		var e *Error
		if !errors.As(err, &e) || e.Code != c.code {
			t.Fatalf("Submit(%s): %v, want %s", c.typ, err, c.code)
		}
	}
	if after := s.Stats().LastLogIndex; after != before {
		t.Fatalf("rejected submissions reached the log: index %d -> %d", before, after)
	}
	var partial []byte
	_ = s.View(ctx, ReadOptions{}, func(tx *bolt.Tx) error { partial = Data(tx).Get([]byte("partial")); return nil })
	if partial != nil {
		t.Fatal("a dry run left a write behind")
	}
}

func TestStoreRemoveUnknownNode(t *testing.T) {
	s := openSingle(t, t.TempDir())
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var e *Error
	if err := s.RemoveNode(ctx, 42); !errors.As(err, &e) || e.Code != CodeNotFound {
		t.Fatalf("remove unknown node: %v", err)
	}
	bad := []Node{
		{ID: 0, RaftAddr: "127.0.0.1:1", HTTPAddr: "127.0.0.1:2"},
		{ID: 2, RaftAddr: "nope", HTTPAddr: "127.0.0.1:2"},
		{ID: 2, RaftAddr: "0.0.0.0:5", HTTPAddr: "127.0.0.1:2"},
		{ID: 2, RaftAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:2"},
		{ID: 2, RaftAddr: "127.0.0.1:9", HTTPAddr: "127.0.0.1:70000"},
		{ID: 2, RaftAddr: freeAddr(t), HTTPAddr: freeAddr(t)}, // unreachable
	}
	for _, n := range bad {
		if err := s.Join(ctx, n); !errors.As(err, &e) || e.Code != CodeInvalid {
			t.Errorf("join %+v: got %v, want INVALID_ARGUMENT", n, err)
		}
	}
}

// BenchmarkPropose measures the replicated write path on one node with fsync
// on, at 1, 16 and 128 concurrent writers.
func BenchmarkPropose(b *testing.B) {
	for _, writers := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openSingle(b, b.TempDir())
			defer s.Close()
			ctx := context.Background()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						if _, err := s.Propose(ctx, "set", fmt.Appendf(nil, "key%d=value%d", i%1000, i)); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}
