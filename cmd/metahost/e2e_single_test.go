package main

// End-to-end tests against real metahost processes: a single node's admin
// and KV APIs, restart, a crash in the middle of a write stream, and startup
// errors. They use host/testcluster, which builds this command once per test
// binary.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/metahost/metahost/host/testcluster"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	bolt "go.etcd.io/bbolt"
)

// e2eTimeout bounds each end-to-end test.
const e2eTimeout = 90 * time.Second

func e2eContext(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	t.Cleanup(cancel)
	return ctx
}

// statusFields are the documented /v1/cluster/status fields (spec §3.4, the
// ones metahost implements) that must always be present.
var statusFields = []string{
	"id", "binary_version", "data_version", "endpoint", "state", "is_leader",
	"current_term", "last_log_index", "last_applied", "snapshot_last_log_id",
	"leader", "voters", "non_voters", "last_seq",
}

func TestE2ESingleNode(t *testing.T) {
	ctx := e2eContext(t)
	c := testcluster.Start(t, 1, testcluster.Options{})
	n := c.Node(1)

	t.Run("status", func(t *testing.T) {
		st, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.ID != 1 || !st.IsLeader || st.State != "Leader" || st.CurrentTerm == 0 {
			t.Errorf("status: id %d is_leader %v state %q term %d; want 1 true Leader >0", st.ID, st.IsLeader, st.State, st.CurrentTerm)
		}
		if st.LastApplied.Index == 0 || st.LastApplied.Index > st.LastLogIndex || st.CommitIndex < st.LastApplied.Index {
			t.Errorf("indexes: last_applied %d last_log %d commit %d", st.LastApplied.Index, st.LastLogIndex, st.CommitIndex)
		}
		if st.LastApplied.LeaderID.Term == 0 || st.LastApplied.LeaderID.Term > st.CurrentTerm {
			t.Errorf("last_applied.leader_id.term %d, current term %d", st.LastApplied.LeaderID.Term, st.CurrentTerm)
		}
		if st.Leader == nil || st.Leader.Name != "1" || st.Leader.HTTPAPIAddress != n.HTTPAddr {
			t.Errorf("leader: %+v", st.Leader)
		}
		if st.Endpoint == nil || *st.Endpoint != n.RaftAddr {
			t.Errorf("endpoint %v, want %s", st.Endpoint, n.RaftAddr)
		}
		if ids := st.VoterIDs(); len(ids) != 1 || ids[0] != 1 || len(st.NonVoters) != 0 {
			t.Errorf("voters %v non-voters %v", ids, st.NonVoters)
		}
		if st.BinaryVersion == "" || st.DataVersion == "" {
			t.Errorf("binary_version %q data_version %q", st.BinaryVersion, st.DataVersion)
		}
		var raw map[string]json.RawMessage
		if err := n.GetJSON(ctx, "/v1/cluster/status", &raw); err != nil {
			t.Fatal(err)
		}
		for _, f := range statusFields {
			if _, ok := raw[f]; !ok {
				t.Errorf("status lacks field %q", f)
			}
		}
		if string(raw["non_voters"]) != "[]" {
			t.Errorf("non_voters = %s, want []", raw["non_voters"])
		}
		var la map[string]json.RawMessage
		if err := json.Unmarshal(raw["last_applied"], &la); err != nil || la["leader_id"] == nil || la["index"] == nil {
			t.Errorf("last_applied = %s, want {leader_id, index}", raw["last_applied"])
		}
	})

	t.Run("health", func(t *testing.T) {
		status, body, err := n.Do(ctx, http.MethodGet, "/v1/health", nil, testcluster.NoToken())
		if err != nil || status != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"pass"}` {
			t.Errorf("health: %d %q %v", status, body, err)
		}
	})

	t.Run("nodes", func(t *testing.T) {
		var raw []map[string]json.RawMessage
		if err := n.GetJSON(ctx, "/v1/cluster/nodes", &raw); err != nil {
			t.Fatal(err)
		}
		var nodes []testcluster.AdminNode
		if err := n.GetJSON(ctx, "/v1/cluster/nodes", &nodes); err != nil {
			t.Fatal(err)
		}
		if len(nodes) != 1 || len(raw) != 1 {
			t.Fatalf("nodes: %+v", nodes)
		}
		want := fmt.Sprintf("%s:%d", nodes[0].Endpoint.Addr, nodes[0].Endpoint.Port)
		if nodes[0].Name != "1" || want != n.RaftAddr || nodes[0].HTTPAPIAddress != n.HTTPAddr {
			t.Errorf("node: %+v, want name 1 endpoint %s", nodes[0], n.RaftAddr)
		}
		if g, ok := raw[0]["grpc_api_advertise_address"]; !ok || string(g) != "null" {
			t.Errorf("grpc_api_advertise_address = %s, want null", g)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		// A request of each surface first, so the labelled series exist.
		if _, err := n.Put(ctx, "metrics-probe", []byte("x")); err != nil {
			t.Fatal(err)
		}
		text, err := n.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		problems, err := promlint.New(strings.NewReader(text)).Lint()
		if err != nil {
			t.Fatalf("promlint cannot parse /v1/metrics: %v", err)
		}
		for _, p := range problems {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
		for name, want := range map[string]float64{
			"metasrv_server_is_leader":         1,
			"metasrv_server_current_leader_id": 1,
			"metasrv_server_node_is_health":    1,
		} {
			if v, ok := testcluster.MetricValue(text, name); !ok || v != want {
				t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
			}
		}
		for _, name := range []string{"metasrv_server_last_seq", "metasrv_server_proposals_applied", "metahost_fsm_commands_total", "metahost_snapshot_restores_total"} {
			if _, ok := testcluster.MetricValue(text, name); !ok {
				t.Errorf("no sample %s", name)
			}
		}
	})

	t.Run("kv", func(t *testing.T) {
		before, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r1, err := n.Put(ctx, "single/a", []byte("one"))
		if err != nil {
			t.Fatal(err)
		}
		r2, err := n.Put(ctx, "single/a", []byte("two"))
		if err != nil {
			t.Fatal(err)
		}
		if r1.Seq != before.LastSeq+1 || r1.PrevSeq != 0 || r2.Seq != r1.Seq+1 || r2.PrevSeq != r1.Seq {
			t.Errorf("put results %+v %+v after last_seq %d", r1, r2, before.LastSeq)
		}
		for _, stale := range []bool{false, true} {
			e, err := n.Get(ctx, "single/a", stale)
			if err != nil || string(e.Value) != "two" || e.Seq != r2.Seq || e.Key != "single/a" {
				t.Errorf("get (stale %v): %+v %v", stale, e, err)
			}
		}
		if _, err := n.Put(ctx, "single/b", []byte("bee")); err != nil {
			t.Fatal(err)
		}
		list, err := n.List(ctx, "single/", false)
		if err != nil || len(list) != 2 || list[0].Key != "single/a" || list[1].Key != "single/b" {
			t.Errorf("list: %+v %v", list, err)
		}
		if err := n.Delete(ctx, "single/b"); err != nil {
			t.Fatal(err)
		}
		if _, err := n.Get(ctx, "single/b", false); testcluster.StatusOf(err) != http.StatusNotFound {
			t.Errorf("get after delete: %v, want 404", err)
		}
		after, err := n.Status(ctx)
		if err != nil || after.LastSeq != r2.Seq+2 {
			t.Errorf("last_seq %d after put, put, put, delete from %d (%v)", after.LastSeq, before.LastSeq, err)
		}
	})

	t.Run("restart", func(t *testing.T) {
		before, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		leader, err := c.WaitLeader(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if leader.ID != 1 {
			t.Fatalf("leader after restart: %d", leader.ID)
		}
		after, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !after.IsLeader || after.LastSeq != before.LastSeq || after.LastApplied.Index < before.LastApplied.Index ||
			after.CurrentTerm < before.CurrentTerm || fmt.Sprint(after.VoterIDs()) != fmt.Sprint(before.VoterIDs()) {
			t.Errorf("after restart: leader %v last_seq %d applied %d term %d voters %v; before: last_seq %d applied %d term %d voters %v",
				after.IsLeader, after.LastSeq, after.LastApplied.Index, after.CurrentTerm, after.VoterIDs(),
				before.LastSeq, before.LastApplied.Index, before.CurrentTerm, before.VoterIDs())
		}
		e, err := n.Get(ctx, "single/a", false)
		if err != nil || string(e.Value) != "two" {
			t.Errorf("data after restart: %+v %v", e, err)
		}
		if _, err := n.Put(ctx, "single/c", []byte("after restart")); err != nil {
			t.Errorf("write after restart: %v", err)
		}
	})
}

// ackLog records acknowledged writes: key -> the value and sequence number
// the node acknowledged.
type ackLog struct {
	mu   sync.Mutex
	acks map[string]ack
	errs int
}

type ack struct {
	value string
	seq   uint64
}

func newAckLog() *ackLog { return &ackLog{acks: map[string]ack{}} }

func (l *ackLog) add(key, value string, seq uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acks[key] = ack{value: value, seq: seq}
}

func (l *ackLog) failed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs++
}

func (l *ackLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acks)
}

func (l *ackLog) snapshot() map[string]ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]ack, len(l.acks))
	for k, v := range l.acks {
		out[k] = v
	}
	return out
}

// writeStream runs writers goroutines that each put unique keys under prefix
// through pick() until ctx ends, recording every acknowledged write. It
// returns a function that stops the writers and waits for them.
func writeStream(ctx context.Context, log *ackLog, prefix string, writers int, pick func(i int) *testcluster.Node) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				key := fmt.Sprintf("%sw%d/%06d", prefix, w, i)
				value := fmt.Sprintf("value-%d-%d-%d", w, i, time.Now().UnixNano())
				rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
				res, err := pick(w+i).Put(rctx, key, []byte(value))
				rcancel()
				if err != nil {
					log.failed()
					// Back off a little so a dead node is not hammered.
					select {
					case <-ctx.Done():
					case <-time.After(20 * time.Millisecond):
					}
					continue
				}
				log.add(key, value, res.Seq)
			}
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// waitAcks waits until log holds at least n acknowledged writes.
func waitAcks(ctx context.Context, log *ackLog, n int) error {
	return testcluster.Poll(ctx, 10*time.Millisecond, strconv.Itoa(n)+" acknowledged writes", func() (bool, error) {
		return log.len() >= n, nil
	})
}

// checkAcked checks that every acknowledged write is on node, with the
// acknowledged value and sequence number: with one prefix listing, and with
// one read per key.
func checkAcked(ctx context.Context, t *testing.T, node *testcluster.Node, prefix string, acks map[string]ack, stale bool) {
	t.Helper()
	list, err := node.List(ctx, prefix, stale)
	if err != nil {
		t.Fatalf("list on node %d: %v", node.ID, err)
	}
	got := make(map[string]testcluster.Entry, len(list))
	for _, e := range list {
		got[e.Key] = e
	}
	missing := 0
	for k, a := range acks {
		e, ok := got[k]
		if !ok || string(e.Value) != a.value || e.Seq != a.seq {
			missing++
			if missing <= 5 {
				t.Errorf("node %d (stale %v): acknowledged %s=%q seq %d, listed %q seq %d (present %v)", node.ID, stale, k, a.value, a.seq, e.Value, e.Seq, ok)
			}
			continue
		}
		one, err := node.Get(ctx, k, stale)
		if err != nil || string(one.Value) != a.value || one.Seq != a.seq {
			missing++
			if missing <= 5 {
				t.Errorf("node %d (stale %v): acknowledged %s=%q seq %d, read %+v %v", node.ID, stale, k, a.value, a.seq, one, err)
			}
		}
	}
	if missing > 0 {
		t.Errorf("node %d (stale %v): %d of %d acknowledged writes missing or wrong", node.ID, stale, missing, len(acks))
	}
}

// checkUniqueSeqs checks that no two acknowledged writes got the same
// sequence number.
func checkUniqueSeqs(t *testing.T, acks map[string]ack) {
	t.Helper()
	seen := make(map[uint64]string, len(acks))
	for k, a := range acks {
		if other, dup := seen[a.seq]; dup {
			t.Errorf("writes %s and %s were both acknowledged with seq %d", k, other, a.seq)
		}
		seen[a.seq] = k
	}
}

// checkStateFile opens a stopped node's state file read-only and runs bbolt's
// consistency check.
func checkStateFile(t *testing.T, dataDir string) {
	t.Helper()
	path := filepath.Join(dataDir, "state.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		var errs []error
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Errorf("bbolt check of %s: %v", path, err)
	}
}

func TestE2ECrashMidStream(t *testing.T) {
	ctx := e2eContext(t)
	c := testcluster.Start(t, 1, testcluster.Options{})
	n := c.Node(1)

	log := newAckLog()
	stop := writeStream(ctx, log, "crash/", 4, func(int) *testcluster.Node { return n })
	if err := waitAcks(ctx, log, 300); err != nil {
		stop()
		t.Fatal(err)
	}
	if err := n.Kill(); err != nil {
		stop()
		t.Fatal(err)
	}
	stop()
	acks := log.snapshot()
	t.Logf("%d writes acknowledged before SIGKILL", len(acks))
	checkUniqueSeqs(t, acks)
	// A killed process leaves the state file as the page cache has it: it
	// must pass the check the node itself runs after an unclean stop.
	checkStateFile(t, n.DataDir)

	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	if err := n.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := n.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastSeq < uint64(len(acks)) {
		t.Errorf("last_seq %d after restart, %d writes were acknowledged", st.LastSeq, len(acks))
	}
	checkAcked(ctx, t, n, "crash/", acks, false)
	checkAcked(ctx, t, n, "crash/", acks, true)
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	checkStateFile(t, n.DataDir)
}

func TestE2EStartupErrors(t *testing.T) {
	ctx := e2eContext(t)
	c := testcluster.Start(t, 1, testcluster.Options{})
	first := c.Node(1)

	run := func(t *testing.T, n *testcluster.Node, wantStderr ...string) {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		start := time.Now()
		res, err := n.Run(rctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("exited with %d after %s; stderr:\n%s", res.ExitCode, time.Since(start).Round(time.Millisecond), res.Stderr)
		if res.ExitCode == 0 || res.ExitCode == -1 {
			t.Errorf("exit code %d, want a failure status", res.ExitCode)
		}
		for _, w := range wantStderr {
			if !strings.Contains(res.Stderr, w) {
				t.Errorf("stderr lacks %q", w)
			}
		}
	}

	t.Run("same data dir and port while running", func(t *testing.T) {
		second := c.NewNode()
		second.ID, second.DataDir, second.HTTPAddr, second.RaftAddr, second.Join = first.ID, first.DataDir, first.HTTPAddr, first.RaftAddr, ""
		// The data dir lock is taken before any port is bound.
		run(t, second, "is in use by another metahost process")
	})
	t.Run("same port, other data dir", func(t *testing.T) {
		second := c.NewNode()
		second.HTTPAddr, second.Join = first.HTTPAddr, ""
		run(t, second, "address already in use")
	})
	t.Run("same data dir while running", func(t *testing.T) {
		second := c.NewNode()
		second.ID, second.DataDir, second.Join = first.ID, first.DataDir, ""
		run(t, second, "in use")
		// The running node is unharmed: its state file is where it was.
		if aside, _ := filepath.Glob(filepath.Join(first.DataDir, "state.db.*")); len(aside) > 0 {
			t.Errorf("the second process moved files of the running node: %v", aside)
		}
		if _, err := first.Put(ctx, "still/here", []byte("yes")); err != nil {
			t.Fatal(err)
		}
		if err := first.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		if e, err := first.Get(ctx, "still/here", false); err != nil || string(e.Value) != "yes" {
			t.Fatalf("after restart: %+v %v", e, err)
		}
	})
	t.Run("data dir of another node id", func(t *testing.T) {
		if err := first.Stop(); err != nil {
			t.Fatal(err)
		}
		other := c.NewNode()
		other.DataDir, other.Join = first.DataDir, ""
		run(t, other, fmt.Sprintf("belongs to node %d, not node %d", first.ID, other.ID))
	})
	t.Run("bad flags", func(t *testing.T) {
		bad := c.NewNode()
		bad.ExtraArgs = []string{"--log-level", "loud"}
		run(t, bad, "log_level")
		bad.ExtraArgs = nil
		bad.HTTPAddr = "nope"
		run(t, bad, "http_addr")
	})
}
