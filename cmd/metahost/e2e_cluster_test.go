package main

// End-to-end tests of a 3-node cluster of real metahost processes: writes
// through followers, the leader killed with SIGKILL in the middle of a write
// stream, a new leader, the killed node restarted and caught up; membership
// changes and the admin API's answers to bad input.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/testcluster"
)

func TestE2EThreeNodeFailover(t *testing.T) {
	ctx := e2eContext(t)
	// Few trailing logs, so that after the snapshot below the restarted
	// node can only catch up by installing the leader's snapshot.
	c := testcluster.Start(t, 3, testcluster.Options{TrailingLogs: 16})
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var followers []*testcluster.Node
	for _, n := range c.Nodes() {
		if n != leader {
			followers = append(followers, n)
		}
	}

	// Every write goes to a follower, which forwards it to the leader.
	log := newAckLog()
	stop := writeStream(ctx, log, "ha/", 4, func(i int) *testcluster.Node { return followers[i%len(followers)] })
	defer stop()
	if err := waitAcks(ctx, log, 200); err != nil {
		t.Fatal(err)
	}

	killedAt := time.Now()
	if err := leader.Kill(); err != nil {
		t.Fatal(err)
	}
	newLeader, err := c.WaitLeaderAmong(ctx, followers...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("node %d killed; node %d leads after %s", leader.ID, newLeader.ID, time.Since(killedAt).Round(time.Millisecond))
	if newLeader == leader {
		t.Fatalf("the killed node %d is still named leader", leader.ID)
	}
	// The stream goes on through the new leader's cluster.
	before := log.len()
	if err := waitAcks(ctx, log, before+200); err != nil {
		t.Fatal(err)
	}
	stop()
	acks := log.snapshot()
	checkUniqueSeqs(t, acks)
	// Compact the log past everything the killed node has.
	if status, body, err := newLeader.Do(ctx, http.MethodPost, "/v1/ctrl/trigger_snapshot", nil, nil); err != nil || status != http.StatusOK {
		t.Fatalf("trigger_snapshot: %d %s %v", status, body, err)
	}
	t.Logf("%d writes acknowledged, %d failed while the leader was gone", len(acks), log.failures())

	if err := leader.Start(); err != nil {
		t.Fatal(err)
	}
	if err := leader.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitVoters(ctx, 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	if restores, err := leader.Metric(ctx, "metahost_snapshot_restores_total"); err != nil || restores < 1 {
		t.Errorf("the restarted node installed %v snapshots (%v), want at least 1", restores, err)
	}
	for _, n := range c.Nodes() {
		checkAcked(ctx, t, n, "ha/", acks, true)  // its own applied state
		checkAcked(ctx, t, n, "ha/", acks, false) // linearizable
	}
}

func TestE2EMembership(t *testing.T) {
	ctx := e2eContext(t)
	c := testcluster.Start(t, 3, testcluster.Options{})
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var follower *testcluster.Node
	for _, n := range c.Nodes() {
		if n != leader {
			follower = n
			break
		}
	}

	t.Run("bad input", func(t *testing.T) {
		cases := []struct {
			name       string
			method     string
			path       string
			body       string
			hdr        http.Header
			wantStatus int
			wantText   string
		}{
			{"join without token", http.MethodPost, "/v1/cluster/join", `{"id":9,"raft_addr":"127.0.0.1:1","http_addr":"127.0.0.1:2"}`, testcluster.NoToken(), http.StatusUnauthorized, ""},
			{"join with a wrong token", http.MethodPost, "/v1/cluster/join", `{"id":9,"raft_addr":"127.0.0.1:1","http_addr":"127.0.0.1:2"}`, http.Header{"Authorization": {"Bearer nope"}}, http.StatusUnauthorized, ""},
			{"join an unreachable address", http.MethodPost, "/v1/cluster/join", `{"id":9,"raft_addr":"127.0.0.1:1","http_addr":"127.0.0.1:2"}`, nil, http.StatusBadRequest, "127.0.0.1:1"},
			{"join with a malformed address", http.MethodPost, "/v1/cluster/join", `{"id":9,"raft_addr":"nohost","http_addr":"127.0.0.1:2"}`, nil, http.StatusBadRequest, "nohost"},
			{"join with id 0", http.MethodPost, "/v1/cluster/join", `{"id":0,"raft_addr":"127.0.0.1:1","http_addr":"127.0.0.1:2"}`, nil, http.StatusBadRequest, ""},
			{"join with a malformed body", http.MethodPost, "/v1/cluster/join", `{"id":`, nil, http.StatusBadRequest, ""},
			{"remove an unknown node", http.MethodPost, "/v1/cluster/remove?node_id=42", "", nil, http.StatusNotFound, "42"},
			{"remove with a malformed id", http.MethodPost, "/v1/cluster/remove?node_id=x", "", nil, http.StatusBadRequest, ""},
			{"delete an unknown node", http.MethodDelete, "/v1/cluster/nodes/42", "", nil, http.StatusNotFound, "42"},
			{"remove without token", http.MethodPost, "/v1/cluster/remove?node_id=2", "", testcluster.NoToken(), http.StatusUnauthorized, ""},
			{"snapshot without token", http.MethodPost, "/v1/ctrl/trigger_snapshot", "", testcluster.NoToken(), http.StatusUnauthorized, ""},
			{"transfer on a follower", http.MethodPost, "/v1/ctrl/trigger_transfer_leader", "", nil, http.StatusNotFound, ""},
			{"unknown admin path", http.MethodGet, "/v1/cluster/nope", "", nil, http.StatusNotFound, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// Sent to a follower: bad input is refused there or by the
				// leader it forwards to, in the same format.
				status, body, err := follower.Do(ctx, tc.method, tc.path, []byte(tc.body), tc.hdr)
				if err != nil {
					t.Fatal(err)
				}
				if status != tc.wantStatus {
					t.Fatalf("status %d, want %d; body %s", status, tc.wantStatus, body)
				}
				var e struct{ Code, Message string }
				if err := json.Unmarshal(body, &e); err != nil || e.Code == "" || e.Message == "" {
					t.Fatalf("body %q is not a JSON error {code, message}", body)
				}
				if !strings.Contains(e.Message, tc.wantText) {
					t.Errorf("message %q lacks %q", e.Message, tc.wantText)
				}
			})
		}
		// None of it changed the membership.
		if err := c.WaitVoters(ctx, 1, 2, 3); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("add and remove", func(t *testing.T) {
		n4, err := c.AddNode(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WaitVoters(ctx, 1, 2, 3, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := follower.Put(ctx, "members/after-join", []byte("4")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.WaitConverged(ctx); err != nil {
			t.Fatal(err)
		}
		if e, err := n4.Get(ctx, "members/after-join", true); err != nil || string(e.Value) != "4" {
			t.Fatalf("node 4 reads %+v, %v", e, err)
		}

		status, body, err := follower.Do(ctx, http.MethodPost, fmt.Sprintf("/v1/cluster/remove?node_id=%d", n4.ID), nil, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("remove node 4: %d %s %v", status, body, err)
		}
		if err := n4.Stop(); err != nil {
			t.Fatal(err)
		}
		remaining := []*testcluster.Node{c.Node(1), c.Node(2), c.Node(3)}
		err = testcluster.Poll(ctx, 50*time.Millisecond, "node 4 gone from the cluster nodes", func() (bool, error) {
			var nodes []testcluster.AdminNode
			if err := leader.GetJSON(ctx, "/v1/cluster/nodes", &nodes); err != nil {
				return false, err
			}
			ids := make([]uint64, 0, len(nodes))
			for _, n := range nodes {
				ids = append(ids, n.ID())
			}
			slices.Sort(ids)
			return slices.Equal(ids, []uint64{1, 2, 3}), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitLeaderAmong(ctx, remaining...); err != nil {
			t.Fatal(err)
		}
	})
}

// failures returns how many writes of the stream failed.
func (l *ackLog) failures() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errs
}
