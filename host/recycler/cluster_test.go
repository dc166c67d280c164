package recycler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/recycler"
	"github.com/metahost/metahost/host/testcluster"
	"github.com/metahost/metahost/internal/testing/miniotest"
)

func clusterStatus(t testing.TB, n *testcluster.Node) (recycler.Status, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var st recycler.Status
	if err := n.GetJSON(ctx, "/v1/recycler", &st); err != nil {
		return st, false
	}
	return st, true
}

// TestRecyclerLeaderChange: on a 3-node cluster of real processes the
// recycler runs on the leader only; the leader is killed in the middle of
// emptying a dropped instance's prefix and the new leader finishes the job
// from the replicated progress, sparing the other instance's objects.
func TestRecyclerLeaderChange(t *testing.T) {
	m := miniotest.Start(t)
	m.MakeBucket(t, bucket)
	mc := m.Client(t)
	dir := buildProviders(t, "s3")
	c := testcluster.Start(t, 3, testcluster.Options{Config: fmt.Sprintf("[vault]\nprovider_dir = %q\n\n[recycler]\ninstance_retention = \"1s\"\ninterval = \"20ms\"\nbatch_size = 1\n", dir)})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put := func(route, body string) {
		t.Helper()
		st, b, err := leader.Do(ctx, "PUT", "/MetaService/http/"+route+"?token="+c.Token(), []byte(body), nil)
		if err != nil || st != 200 {
			t.Fatalf("%s: %d %s %v", route, st, b, err)
		}
	}
	poll(t, "provider discovery", func() bool {
		_, b, err := leader.Do(ctx, "GET", "/v1/plugins", nil, nil)
		return err == nil && strings.Contains(string(b), `"name":"s3"`)
	})
	put("create_instance", objInstance(m, "inst_a", "inst_a", m.SecretKey))
	put("create_instance", objInstance(m, "inst_b", "inst_b", m.SecretKey))
	const nA, nB = 400, 20
	putObjects(t, mc, "inst_a", nA)
	putObjects(t, mc, "inst_b", nB)
	put("drop_instance", `{"instance_id":"inst_a"}`)

	poll(t, "recycling to start on the leader", func() bool {
		st, ok := clusterStatus(t, leader)
		j, has := job(st, "inst_a")
		return ok && has && j.Deleted > 0
	})
	for _, n := range c.Live() {
		if n == leader {
			continue
		}
		v, err := n.Metric(ctx, "metahost_recycler_leader")
		if err != nil || v != 0 {
			t.Fatalf("node %d: metahost_recycler_leader %v %v", n.ID, v, err)
		}
	}
	if err := leader.Kill(); err != nil {
		t.Fatal(err)
	}
	before := countObjects(t, mc, "inst_a/")
	var others []*testcluster.Node
	for _, n := range c.Nodes() {
		if n != leader {
			others = append(others, n)
		}
	}
	next, err := c.WaitLeaderAmong(ctx, others...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("leader %d killed with %d of %d objects left; node %d took over", leader.ID, before, nA, next.ID)
	var final recycler.InstanceJob
	poll(t, "the new leader to finish", func() bool {
		st, ok := clusterStatus(t, next)
		j, has := job(st, "inst_a")
		final = j
		return ok && st.Leader && has && j.State == recycler.StateDone
	})
	if got := countObjects(t, mc, "inst_a/"); got != 0 {
		t.Fatalf("%d objects left", got)
	}
	for _, n := range others {
		if n == next {
			continue
		}
		if st, b, err := n.Do(ctx, "POST", "/v1/recycler/run", nil, nil); err != nil || st != 409 || !strings.Contains(string(b), "NOT_LEADER") {
			t.Fatalf("run on follower %d: %d %s %v", n.ID, st, b, err)
		}
		if st, ok := clusterStatus(t, n); !ok || st.Leader {
			t.Fatalf("follower %d status %+v", n.ID, st)
		}
	}
	if got := countObjects(t, mc, "inst_b/"); got != nB {
		t.Fatalf("inst_b has %d objects, want %d", got, nB)
	}
	// A batch deleted just before the kill may miss its progress record.
	if final.Deleted < int64(nA)-1 || final.Deleted > nA {
		t.Fatalf("job %+v", final)
	}
	b, _ := json.Marshal(final)
	t.Logf("final job %s", b)
}
