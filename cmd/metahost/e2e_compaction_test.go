package main

// End-to-end test of the compaction scheduler on a 3-node cluster of real
// processes: the leader registers the first-party wasm policies from its
// plugin directory, binds size_based as the default and compacts the loads
// a compute node writes through the followers; every node's
// /api/compaction/show agrees; the table is rebound to time_series through
// /v1/plugins without a restart and the next evaluation follows it. After a
// leadership transfer the new leader schedules.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/compaction"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/testcluster"
	"github.com/metahost/metahost/sdk/plugintest"
)

type e2eShow struct {
	Policy  string   `json:"cumulative policy type"`
	Point   int64    `json:"cumulative point"`
	Rowsets []string `json:"rowsets"`
	Missing []string `json:"missing_rowsets"`
	Paths   []struct {
		List string `json:"path list"`
	} `json:"stale version path"`
}

func TestE2ECompactionScheduler(t *testing.T) {
	ctx := e2eContext(t)
	dir := t.TempDir()
	for _, name := range compaction.DefaultPolicies {
		if err := os.WriteFile(filepath.Join(dir, name+".wasm"), plugintest.Build(t, "github.com/metahost/metahost/plugins/"+name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := testcluster.Start(t, 3, testcluster.Options{Config: fmt.Sprintf("[compaction]\nplugin_dir = %q\ninterval = \"50ms\"\nrefresh_interval = \"20ms\"\n", dir)})
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nodes := c.Nodes()
	seq := 0
	call := func(method, body string, resp dorispb.Message) {
		t.Helper()
		n := nodes[seq%len(nodes)]
		seq++
		status, out, err := n.Do(ctx, http.MethodPost, "/MetaService/"+method+"?token="+c.Token(), []byte(body), testcluster.NoToken())
		if err != nil || status != http.StatusOK || !strings.Contains(string(out), `"status":{"code":"OK"`) {
			t.Fatalf("%s on node %d: %d %s (%v)", method, n.ID, status, out, err)
		}
		if err := dorispb.Unmarshal(out, resp); err != nil {
			t.Fatal(err)
		}
	}
	poll := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	show := func(n *testcluster.Node) e2eShow {
		t.Helper()
		status, out, err := n.Do(ctx, http.MethodGet, "/api/compaction/show?tablet_id=7", nil, testcluster.NoToken())
		var s e2eShow
		if err != nil || status != http.StatusOK || json.Unmarshal(out, &s) != nil {
			t.Fatalf("show on node %d: %d %s %v", n.ID, status, out, err)
		}
		return s
	}
	poll("the default policy binding", func() bool {
		_, out, err := leader.Do(ctx, http.MethodGet, "/v1/plugins", nil, nil)
		return err == nil && strings.Contains(string(out), `"policy_bindings":[{"table_id":0,"policy":"size_based"}]`)
	})
	if status, out, err := nodes[1].Do(ctx, http.MethodPost, "/MetaService/http/create_instance?token="+c.Token(),
		[]byte(`{"instance_id":"e2e_compaction","name":"e2e","user_id":"u1","obj_info":{"ak":"AK","sk":"SK","bucket":"b","prefix":"p","endpoint":"127.0.0.1:9000","external_endpoint":"127.0.0.1:9000","region":"r","provider":"S3"}}`),
		testcluster.NoToken()); err != nil || status != http.StatusOK {
		t.Fatalf("create_instance: %d %s %v", status, out, err)
	}
	const cuid = "1:e2e_compaction:be1"
	call("create_tablets", `{"cloud_unique_id":"`+cuid+`","db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":7,
		"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init","start_version":0,"end_version":1,"segments_overlap_pb":"NONOVERLAPPING"}]}]}`, &dorispb.CreateTabletsResponse{})
	load := func(i int) {
		begin := &dorispb.BeginTxnResponse{}
		call("begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":"e2e_%d"}}`, cuid, i), begin)
		rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"r%d","tablet_id":7,"txn_id":%d,"num_rows":10,"total_disk_size":100,"num_segments":1,"segments_overlap_pb":"NONOVERLAPPING"}}`,
			cuid, i, begin.TxnID.Get())
		call("prepare_rowset", rs, &dorispb.CreateRowsetResponse{})
		call("commit_rowset", rs, &dorispb.CreateRowsetResponse{})
		call("commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, cuid, begin.TxnID.Get()), &dorispb.CommitTxnResponse{})
	}
	for i := 0; i < 20; i++ {
		load(i)
	}
	// The scheduler may compact while the loads go in, so the final layout
	// depends on timing; what must hold: the loads are merged (fewer than 5
	// rowsets after the point remain), no version is lost, paths are kept.
	var s e2eShow
	poll("the loads compacted", func() bool {
		s = show(leader)
		return len(s.Rowsets) <= 5 && len(s.Paths) > 0
	})
	if s.Policy != "size_based" || s.Point != 2 || len(s.Missing) != 0 || !strings.HasPrefix(s.Rowsets[0], "[0-1] ") ||
		!strings.HasPrefix(s.Rowsets[len(s.Rowsets)-1], "[") || !strings.Contains(s.Rowsets[len(s.Rowsets)-1], "-21] ") {
		t.Fatalf("show after compaction %+v", s)
	}
	stats := &dorispb.GetTabletStatsResponse{}
	call("get_tablet_stats", `{"cloud_unique_id":"`+cuid+`","tablet_idx":[{"tablet_id":7}]}`, stats)
	if st := stats.TabletStats[0]; st.NumRows.Get() != 200 || st.CumulativeCompactionCnt.Get() < 1 {
		t.Fatalf("stats %s", dorispb.ShortDebugString(st))
	}
	if _, _, err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if got := show(n); strings.Join(got.Rowsets, "|") != strings.Join(show(leader).Rowsets, "|") {
			t.Fatalf("node %d shows %v", n.ID, got.Rowsets)
		}
	}
	// Leadership moves: the old leader stops scheduling, the new one picks
	// up the next loads.
	var next *testcluster.Node
	for _, n := range nodes {
		if n != leader {
			next = n
			break
		}
	}
	if status, out, err := leader.Do(ctx, http.MethodPost, fmt.Sprintf("/v1/ctrl/trigger_transfer_leader?to=%d", next.ID), nil, nil); err != nil || status != http.StatusOK {
		t.Fatalf("transfer leadership: %d %s %v", status, out, err)
	}
	if leader, err = c.WaitLeader(ctx); err != nil || leader != next {
		t.Fatalf("leader after transfer: %v %v", leader, err)
	}
	paths := len(s.Paths)
	for i := 20; i < 30; i++ {
		load(i)
	}
	poll("the new leader to compact", func() bool {
		s = show(leader)
		return len(s.Rowsets) <= 5 && len(s.Paths) > paths && strings.Contains(s.Rowsets[len(s.Rowsets)-1], "-31] ")
	})
	// Rebind table 2 to time_series through a follower; no restart.
	if status, out, err := nodes[2].Do(ctx, http.MethodPost, "/v1/plugins/time_series/bind", []byte(`{"table_id":2}`), nil); err != nil || status != http.StatusOK {
		t.Fatalf("bind: %d %s %v", status, out, err)
	}
	for i := 30; i < 40; i++ {
		load(i)
	}
	poll("the scheduler to apply time_series", func() bool { return show(leader).Policy == "time_series" })
	poll("no compaction running", func() bool {
		_, out, err := leader.Do(ctx, http.MethodGet, "/api/compaction/run_status?tablet_id=7", nil, testcluster.NoToken())
		return err == nil && strings.Contains(string(out), `"run_status" : false`)
	})
	// time_series leaves young rowsets alone (its time threshold is 1 h);
	// size_based would have merged the ten new ones.
	s = show(leader)
	if len(s.Rowsets) < 11 {
		t.Fatalf("after the rebind: %+v", s)
	}
	for i, line := range s.Rowsets[len(s.Rowsets)-10:] {
		if v := 32 + i; !strings.HasPrefix(line, fmt.Sprintf("[%d-%d] ", v, v)) {
			t.Fatalf("after the rebind, rowset %q is not the load of version %d: %+v", line, v, s)
		}
	}
}
