package recycler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
)

const (
	cuid     = "1:inst1:be1"
	tabletID = 10001
)

func brpc(t testing.TB, s *servertest.Server, method, body string, resp dorispb.Message) {
	t.Helper()
	r := servertest.Do(t, "POST", s.URL+"/MetaService/"+method+"?token="+servertest.Token, body, "Content-Type", "application/json")
	if err := dorispb.Unmarshal([]byte(r.Body), resp); err != nil {
		t.Fatalf("%s: %q: %v", method, r.Body, err)
	}
	var head struct {
		Status struct {
			Code string `json:"code"`
		} `json:"status"`
	}
	_ = json.Unmarshal([]byte(r.Body), &head)
	if r.Status != 200 || (head.Status.Code != "" && head.Status.Code != "OK") {
		t.Fatalf("%s %s: %d %s", method, body, r.Status, r.Body)
	}
}

// startVaultTablet starts a node with the hdfs provider, an instance
// whose vault is file://<root>/vault1 and one tablet; it returns the
// directory of the tablet's segment objects.
func startVaultTablet(t *testing.T, withProvider bool) (*servertest.Server, *servertest.Clock, string) {
	t.Helper()
	dir := t.TempDir()
	if withProvider {
		dir = buildProviders(t, "hdfs")
	}
	root := t.TempDir()
	clock := servertest.NewClock(time.Now())
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		c.Vault.ProviderDir = dir
		c.Compaction.PluginDir = t.TempDir() // native policies
		c.Compaction.StaleSweepTime.Duration = time.Minute
		c.Recycler.Interval.Duration = 20 * time.Millisecond
	}})
	probe := "probe=false"
	if withProvider {
		providersRegistered(t, s, "hdfs")
		probe = "probe=true"
	}
	msOK(t, s, "create_instance", probe, `{"instance_id":"inst1","vault":{"name":"v","hdfs_info":{"build_conf":{"fs_name":"file://`+root+`"},"prefix":"vault1"}}}`)
	brpc(t, s, "create_tablets", fmt.Sprintf(`{"cloud_unique_id":%q,"db_id":1,"tablet_metas":[{"table_id":2,"index_id":3,"partition_id":4,"tablet_id":%d,"schema_hash":1,
		"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init","start_version":0,"end_version":1,"num_segments":0,"num_rows":0,"total_disk_size":0,
		"segments_overlap_pb":"NONOVERLAPPING","creation_time":1}]}]}`, cuid, tabletID), &dorispb.CreateTabletsResponse{})

	segDir := filepath.Join(root, "vault1", "data", fmt.Sprint(tabletID))
	if err := os.MkdirAll(segDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return s, clock, segDir
}

// load writes segs segment objects of rowset rs_<i> (all but the missing
// one) and loads the rowset (resource_id "1") into the tablet.
func load(t *testing.T, s *servertest.Server, segDir string, i, segs, missing int, want *bytes.Buffer) []string {
	t.Helper()
	var names []string
	rowset := fmt.Sprintf("rs_%d", i)
	for seg := 0; seg < segs; seg++ {
		body := []byte(fmt.Sprintf("<rowset %d segment %d>", i, seg))
		name := filepath.Join(segDir, fmt.Sprintf("%s_%d.dat", rowset, seg))
		if seg != missing {
			if err := os.WriteFile(name, body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want.Write(body)
		names = append(names, name)
	}
	begin := &dorispb.BeginTxnResponse{}
	brpc(t, s, "begin_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_info":{"db_id":1,"table_ids":[2],"label":"l%d","timeout_ms":60000}}`, cuid, i), begin)
	rs := fmt.Sprintf(`{"cloud_unique_id":%q,"temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":%q,"tablet_id":%d,"txn_id":%d,"resource_id":"1",
		"num_rows":10,"total_disk_size":100,"data_disk_size":100,"index_disk_size":0,"num_segments":%d,"segments_overlap_pb":"NONOVERLAPPING"}}`,
		cuid, rowset, tabletID, begin.TxnID.Get(), segs)
	brpc(t, s, "prepare_rowset", rs, &dorispb.CreateRowsetResponse{})
	brpc(t, s, "commit_rowset", rs, &dorispb.CreateRowsetResponse{})
	brpc(t, s, "commit_txn", fmt.Sprintf(`{"cloud_unique_id":%q,"txn_id":%d}`, cuid, begin.TxnID.Get()), &dorispb.CommitTxnResponse{})
	return names
}

type showOf struct {
	Status  string   `json:"last cumulative status"`
	Rowsets []string `json:"rowsets"`
}

func show(t *testing.T, s *servertest.Server) showOf {
	t.Helper()
	r := servertest.Do(t, "GET", fmt.Sprintf("%s/api/compaction/show?tablet_id=%d", s.URL, tabletID), "")
	var sh showOf
	if err := json.Unmarshal([]byte(r.Body), &sh); err != nil {
		t.Fatalf("show: %d %s", r.Status, r.Body)
	}
	return sh
}

func runCumulative(t *testing.T, s *servertest.Server) {
	t.Helper()
	r := servertest.Do(t, "POST", fmt.Sprintf("%s/api/compaction/run?tablet_id=%d&compact_type=cumulative", s.URL, tabletID), "")
	if r.Status != 200 {
		t.Fatalf("run: %d %s", r.Status, r.Body)
	}
}

// runFails runs a cumulative compaction of the tablet (six rowsets), waits
// for its failure status to contain want and checks the rowsets are
// unchanged.
func runFails(t *testing.T, s *servertest.Server, want string) {
	t.Helper()
	runCumulative(t, s)
	var sh showOf
	poll(t, "the failure recorded", func() bool {
		sh = show(t, s)
		return strings.Contains(sh.Status, want)
	})
	if len(sh.Rowsets) != 6 {
		t.Fatalf("rowsets changed: %q", sh.Rowsets)
	}
}

// TestBuiltinExecutorMergesSegmentObjects: rowsets whose segments are
// objects in an HDFS vault on file:// (the embedded default) are compacted
// by the built-in executor into one output segment object (the inputs'
// concatenation, in version order) through the hdfs provider; once the
// stale path expires the recycler deletes the inputs' objects and keeps the
// output's.
func TestBuiltinExecutorMergesSegmentObjects(t *testing.T) {
	s, clock, segDir := startVaultTablet(t, true)
	var want bytes.Buffer
	var inputs []string
	for i := 1; i <= 5; i++ {
		inputs = append(inputs, load(t, s, segDir, i, 1+i%2, -1, &want)...)
	}
	runCumulative(t, s)
	var out []string
	poll(t, "the compaction", func() bool {
		sh := show(t, s)
		if len(sh.Rowsets) == 2 && strings.HasPrefix(sh.Rowsets[1], "[2-6] ") {
			out = strings.Fields(sh.Rowsets[1])
			return true
		}
		return false
	})
	// "[2-6] <segments> DATA NONOVERLAPPING <rowset id> <size> <unit>"
	if len(out) < 5 || out[1] != "1" {
		t.Fatalf("output rowset line %q", out)
	}
	output := filepath.Join(segDir, out[4]+"_0.dat")
	got, err := os.ReadFile(output)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("merged segment %s: %q (%v), want %q", output, got, err, want.Bytes())
	}
	for _, in := range inputs {
		if _, err := os.Stat(in); err != nil {
			t.Fatalf("input deleted before its stale path expired: %v", err)
		}
	}
	clock.Advance(time.Minute + time.Second)
	poll(t, "the stale rowsets recycled", func() bool { return status(t, s).Totals.RowsetsRecycled == 5 })
	for _, in := range inputs {
		if _, err := os.Stat(in); !os.IsNotExist(err) {
			t.Fatalf("input %s not recycled: %v", in, err)
		}
	}
	if _, err := os.Stat(output); err != nil {
		t.Fatalf("output recycled: %v", err)
	}
	if st := status(t, s); st.Totals.ObjectsDeleted != int64(len(inputs)) || st.PendingRowsets != 0 {
		t.Fatalf("status %+v", st)
	}
}

// TestBuiltinExecutorMissingSegment: when a later segment object of the
// inputs is missing the job fails with the object's key, no output object
// is written and the rowsets are unchanged.
func TestBuiltinExecutorMissingSegment(t *testing.T) {
	s, _, segDir := startVaultTablet(t, true)
	var want bytes.Buffer
	for i := 1; i <= 5; i++ {
		missing := -1
		if i == 2 {
			missing = 1
		}
		load(t, s, segDir, i, 2, missing, &want)
	}
	runFails(t, s, "data/10001/rs_2_1.dat")
	files, err := os.ReadDir(segDir)
	if err != nil || len(files) != 9 {
		t.Fatalf("segment dir holds %d files (%v), want the 9 inputs", len(files), err)
	}
}

// TestBuiltinExecutorProviderMissing: rowsets naming a vault whose provider
// is not registered are not compacted (the job fails with the reason) rather
// than replaced by an output without their objects.
func TestBuiltinExecutorProviderMissing(t *testing.T) {
	s, _, segDir := startVaultTablet(t, false)
	var want bytes.Buffer
	for i := 1; i <= 5; i++ {
		load(t, s, segDir, i, 1, -1, &want)
	}
	runFails(t, s, "not registered")
}
