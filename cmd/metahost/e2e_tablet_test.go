package main

// End-to-end test of the compute-node write path on a 3-node cluster: loads
// and a compaction job are sent to followers (forwarded to the leader), and
// every node then serves the same rowsets and stats.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/testcluster"
)

func TestE2ETabletWritePathOnFollowers(t *testing.T) {
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
	seq := 0
	// call sends a brpc method to the next follower and decodes the answer.
	call := func(ctx context.Context, n *testcluster.Node, method, body string, resp dorispb.Message) {
		t.Helper()
		if n == nil {
			n = followers[seq%len(followers)]
			seq++
		}
		status, out, err := n.Do(ctx, http.MethodPost, "/MetaService/"+method+"?token="+c.Token(), []byte(body), testcluster.NoToken())
		if err != nil {
			t.Fatal(err)
		}
		if err := dorispb.Unmarshal(out, resp); err != nil || status != http.StatusOK || !strings.Contains(string(out), `"status":{"code":"OK"`) {
			t.Fatalf("%s on node %d: %d %s (%v)", method, n.ID, status, out, err)
		}
	}
	if status, out, err := followers[0].Do(ctx, http.MethodPost, "/MetaService/http/create_instance?token="+c.Token(),
		[]byte(`{"instance_id":"e2e_tablets","name":"e2e","user_id":"u1","obj_info":{"ak":"AK","sk":"SK","bucket":"b","prefix":"p","endpoint":"127.0.0.1:9000","external_endpoint":"127.0.0.1:9000","region":"r","provider":"S3"}}`),
		testcluster.NoToken()); err != nil || status != http.StatusOK {
		t.Fatalf("create_instance: %d %s %v", status, out, err)
	}
	const cuid = "1:e2e_tablets:be1"
	call(ctx, nil, "create_tablets", `{"cloud_unique_id":"`+cuid+`","db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":7,
		"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init","start_version":0,"end_version":1}]}]}`, &dorispb.CreateTabletsResponse{})
	for i := 0; i < 10; i++ {
		begin := &dorispb.BeginTxnResponse{}
		call(ctx, nil, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"label":"e2e_%d"}}`, cuid, i), begin)
		rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"r%d","tablet_id":7,"txn_id":%d,"num_rows":10,"total_disk_size":100,"num_segments":1}}`,
			cuid, i, begin.TxnID.Get())
		call(ctx, nil, "prepare_rowset", rs, &dorispb.CreateRowsetResponse{})
		call(ctx, nil, "commit_rowset", rs, &dorispb.CreateRowsetResponse{})
		call(ctx, nil, "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, cuid, begin.TxnID.Get()), &dorispb.CommitTxnResponse{})
	}
	job := `"idx":{"tablet_id":7},"compaction":[{"id":"e2e_job","type":"CUMULATIVE","base_compaction_cnt":0,"cumulative_compaction_cnt":0,
		"expiration":9999999999,"lease":9999999999,"input_versions":[2,11],"output_versions":[11],"output_rowset_ids":["out"],"txn_id":[4242],
		"num_input_rowsets":10,"num_output_rowsets":1,"size_input_rowsets":1000,"size_output_rowsets":900,"output_cumulative_point":12}]`
	call(ctx, nil, "start_tablet_job", `{"cloud_unique_id":"`+cuid+`","job":{`+job+`}}`, &dorispb.StartTabletJobResponse{})
	out := `{"cloud_unique_id":"` + cuid + `","temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"out","tablet_id":7,"txn_id":4242,"start_version":2,"end_version":11,"num_rows":100,"total_disk_size":900,"num_segments":1}}`
	call(ctx, nil, "prepare_rowset", out, &dorispb.CreateRowsetResponse{})
	call(ctx, nil, "commit_rowset", out, &dorispb.CreateRowsetResponse{})
	call(ctx, nil, "finish_tablet_job", `{"cloud_unique_id":"`+cuid+`","action":"COMMIT","job":{`+job+`}}`, &dorispb.FinishTabletJobResponse{})
	if _, _, err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	var first string
	for i, n := range c.Nodes() {
		resp := &dorispb.GetRowsetResponse{}
		call(ctx, n, "get_rowset", `{"cloud_unique_id":"`+cuid+`","idx":{"tablet_id":7},"start_version":0,"end_version":-1,
			"base_compaction_cnt":0,"cumulative_compaction_cnt":1,"cumulative_point":12}`, resp)
		got := string(dorispb.MarshalJSON(resp))
		var versions []string
		for _, r := range resp.RowsetMeta {
			versions = append(versions, fmt.Sprintf("[%d-%d]", r.StartVersion.Get(), r.EndVersion.Get()))
		}
		if strings.Join(versions, "") != "[0-1][2-11]" || resp.Stats.DataSize.Get() != 900 || resp.Stats.CumulativePoint.Get() != 12 {
			t.Fatalf("node %d: %s", n.ID, got)
		}
		if i == 0 {
			first = got
		} else if got != first {
			t.Fatalf("node %d differs:\n%s\n%s", n.ID, got, first)
		}
	}
}
