package main

// End-to-end test of the Doris Meta Service API on a 3-node cluster: every
// call is sent to a follower (which forwards mutations to the leader), and
// every node then answers the reads with the same bytes.

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/metahost/metahost/host/testcluster"
)

func TestE2EMetaServiceOnFollowers(t *testing.T) {
	ctx := e2eContext(t)
	c := testcluster.Start(t, 3, testcluster.Options{})
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
	ms := func(ctx context.Context, n *testcluster.Node, route, query, body string) (int, string) {
		t.Helper()
		path := "/MetaService/http/" + route + "?token=" + c.Token()
		if query != "" {
			path += "&" + query
		}
		status, out, err := n.Do(ctx, http.MethodPost, path, []byte(body), testcluster.NoToken())
		if err != nil {
			t.Fatal(err)
		}
		return status, string(out)
	}
	const ok = "{\n    \"code\": \"OK\",\n    \"msg\": \"\"\n}\n"
	steps := []struct {
		route, body string
		status      int
		want        string
	}{
		{"create_instance", `{"instance_id":"e2e_instance","name":"e2e","user_id":"u1","obj_info":{"ak":"AK","sk":"SK","bucket":"b","prefix":"p","endpoint":"127.0.0.1:9000","external_endpoint":"127.0.0.1:9000","region":"r","provider":"S3"}}`, 200, ok},
		{"create_instance", `{"instance_id":"e2e_instance","name":"again","user_id":"u1","obj_info":{"ak":"AK","sk":"SK","bucket":"b","prefix":"p","endpoint":"127.0.0.1:9000","external_endpoint":"127.0.0.1:9000","region":"r","provider":"S3"}}`, 409, ""},
		{"add_cluster", `{"instance_id":"e2e_instance","cluster":{"cluster_name":"cluster_a","cluster_id":"cid_a","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:e2e_instance:be1","ip":"127.0.0.1","heartbeat_port":9050}]}}`, 200, ok},
		{"add_node", `{"instance_id":"e2e_instance","cluster":{"cluster_name":"cluster_a","cluster_id":"cid_a","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:e2e_instance:be2","ip":"127.0.0.2","heartbeat_port":9050}]}}`, 200, ok},
		{"rename_cluster", `{"instance_id":"e2e_instance","cluster":{"cluster_name":"cluster_b","cluster_id":"cid_a"}}`, 200, ok},
		{"drop_cluster", `{"instance_id":"e2e_instance","cluster":{"cluster_name":"nope","cluster_id":"cid_nope"}}`, 404, ""},
	}
	for i, s := range steps {
		n := followers[i%len(followers)]
		status, out := ms(ctx, n, s.route, "", s.body)
		if status != s.status || (s.want != "" && out != s.want) {
			t.Fatalf("%s on follower %d: %d %q, want %d %q", s.route, n.ID, status, out, s.status, s.want)
		}
	}
	if _, _, err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	reads := []struct{ route, query, body string }{
		{"get_instance", "instance_id=e2e_instance", ""},
		{"get_cluster", "", `{"instance_id":"e2e_instance","cloud_unique_id":"1:e2e_instance:be1","cluster_id":"cid_a"}`},
		{"get_obj_store_info", "", `{"cloud_unique_id":"1:e2e_instance:be1"}`},
		{"get_cluster_status", "", `{"instance_ids":["e2e_instance"]}`},
	}
	for _, r := range reads {
		var first string
		for i, n := range c.Nodes() {
			status, out := ms(ctx, n, r.route, r.query, r.body)
			if status != http.StatusOK {
				t.Errorf("%s on node %d: %d %s", r.route, n.ID, status, out)
				continue
			}
			if i == 0 {
				first = out
			} else if out != first {
				t.Errorf("%s differs between node %d and node 1:\n%s\n---\n%s", r.route, n.ID, out, first)
			}
		}
		if testing.Verbose() {
			fmt.Printf("%s:\n%s", r.route, first)
		}
	}
}
