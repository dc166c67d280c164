// Package raftstoretest opens real single-node stores for the tests of
// packages that keep state in the replicated store: a real raft log and
// bbolt files in a temp dir, a raft transport on a free 127.0.0.1 port.
package raftstoretest

import (
	"net"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/metahost/metahost/host/raftstore"
)

// OpenSingle opens a one-node store with the given command handlers, waits
// until it leads, and closes it when the test ends.
func OpenSingle(t testing.TB, handlers raftstore.Handlers) *raftstore.Store {
	t.Helper()
	return OpenSingleAt(t, handlers, nil)
}

// OpenSingleAt is OpenSingle with the store's clock (nil: the system clock).
func OpenSingleAt(t testing.TB, handlers raftstore.Handlers, clock func() time.Time) *raftstore.Store {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := raftstore.Open(raftstore.Config{
		NodeID:           1,
		DataDir:          t.TempDir(),
		RaftAddr:         addr,
		HTTPAddr:         "127.0.0.1:1",
		Handlers:         handlers,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Error}),
		Bootstrap:        true,
		HeartbeatTimeout: 200 * time.Millisecond,
		Clock:            clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for !s.IsLeader() || !s.HasState() {
		if time.Now().After(deadline) {
			t.Fatal("the single-node store did not become leader within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s
}
