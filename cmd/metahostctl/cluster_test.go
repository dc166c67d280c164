package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/testcluster"
)

// TestMembersOnThreeNodes runs the cluster commands against three real
// metahost processes: status on a follower, the member list, a snapshot,
// removing a member and adding it back.
func TestMembersOnThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes")
	}
	c := testcluster.Start(t, 3, testcluster.Options{})
	n1, n2, n3 := c.Node(1), c.Node(2), c.Node(3)
	on := func(n *testcluster.Node, args ...string) result {
		return ctlEnv(t, nil, "", append([]string{"--addr", n.HTTPAddr, "--token", c.Token()}, args...)...)
	}
	check := func(name string, r result, code int, want ...string) {
		t.Helper()
		if r.code != code {
			t.Fatalf("%s: exit %d, want %d\n%s%s", name, r.code, code, r.out, r.err)
		}
		for _, w := range want {
			if !regexpMatch(w, r.out) {
				t.Fatalf("%s: stdout does not match %q:\n%s", name, w, r.out)
			}
		}
	}
	// Under load leadership may move; ask a node that is not the leader.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	follower := n2
	if leader == n2 {
		follower = n3
	}
	check("status on a follower", on(follower, "status"), 0, fmt.Sprintf(`(?m)^ID:\s+%d$`, follower.ID), `(?m)^State:\s+Follower$`,
		fmt.Sprintf(`(?m)^Leader:\s+%d \(raft %s, http %s\)$`, leader.ID, leader.RaftAddr, leader.HTTPAddr), `(?m)^Voters:\s+1 \(.*\), 2 \(.*\), 3 \(raft `+n3.RaftAddr)
	check("members list", on(n3, "members", "list"), 0, `(?m)^1\s+`+n1.RaftAddr+`\s+`+n1.HTTPAddr+`$`, `(?m)^3\s+`+n3.RaftAddr+`\s+`+n3.HTTPAddr+`$`)
	check("snapshot on a follower", on(n3, "snapshot"), 0, `^snapshot taken on `+n3.HTTPAddr+`\n$`)
	check("remove through a follower", on(n2, "members", "remove", "3"), 0, `^removed node 3\n$`)
	if err := c.WaitVoters(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	if r := on(n1, "members", "list"); r.code != 0 || strings.Contains(r.out, n3.RaftAddr) {
		t.Fatalf("node 3 still listed: %+v", r)
	}
	check("remove again", on(n1, "members", "remove", "3"), 1)
	check("add it back", on(n1, "members", "add", "--id", "3", "--raft-addr", n3.RaftAddr, "--http-addr", n3.HTTPAddr), 0,
		`^added node 3 \(raft `+n3.RaftAddr+`, http `+n3.HTTPAddr+`\)\n$`)
	if err := c.WaitVoters(ctx, 1, 2, 3); err != nil {
		t.Fatal(err)
	}
}
