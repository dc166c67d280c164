package recycler

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/raftstore/raftstoretest"
	"github.com/metahost/metahost/host/vault"
	"github.com/metahost/metahost/sdk/provider"
	bolt "go.etcd.io/bbolt"
)

func openStore(t testing.TB) *raftstore.Store {
	h := raftstore.Handlers{}
	Register(h)
	return raftstoretest.OpenSingle(t, h)
}

func state(t testing.TB, s *raftstore.Store) Status {
	t.Helper()
	var st Status
	if err := s.View(context.Background(), raftstore.ReadOptions{}, func(tx *bolt.Tx) error { st = readStatus(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCommandsBad: malformed or out-of-place recycler commands are refused
// with a clear error and change nothing.
func TestCommandsBad(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	mustJSON := func(c command) []byte { b, _ := json.Marshal(c); return b }
	if _, err := s.Propose(ctx, commandType, mustJSON(command{Op: opProgress, Instance: "a", State: StateRecycling, Deleted: 3})); err != nil {
		t.Fatal(err)
	}
	before := state(t, s)
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"not json", []byte("{"), "INVALID_ARGUMENT"},
		{"unknown op", mustJSON(command{Op: "explode", Instance: "a"}), "INVALID_ARGUMENT"},
		{"no instance", mustJSON(command{Op: opProgress}), "INVALID_ARGUMENT"},
		{"retry unknown", mustJSON(command{Op: opRetry, Instance: "zz"}), "NOT_FOUND"},
		{"retry not refused", mustJSON(command{Op: opRetry, Instance: "a"}), "INVALID_ARGUMENT"},
		{"foreign key", mustJSON(command{Op: opRowset, Instance: "a", Key: keys.InstanceKey("a")}), "INVALID_ARGUMENT"},
		{"negative count", mustJSON(command{Op: opProgress, Instance: "a", Deleted: -1}), "INVALID_ARGUMENT"},
		{"other instance's rowset", mustJSON(command{Op: opRowset, Instance: "a", Key: keys.RecycleRowsetKey("b", 1, "r")}), "INVALID_ARGUMENT"},
	} {
		_, err := s.Propose(ctx, commandType, c.data)
		var re *raftstore.Error
		if !errors.As(err, &re) || re.Code != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	after := state(t, s)
	a, _ := json.Marshal(before)
	b, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Fatalf("state changed:\n%s\n%s", a, b)
	}
}

// TestProgress: progress records accumulate; done is counted once.
func TestProgress(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	for _, c := range []command{
		{Op: opProgress, Instance: "a", State: StateRecycling, DroppedAt: 7},
		{Op: opProgress, Instance: "a", Vault: "1"},
		{Op: opProgress, Instance: "a", Deleted: 10, Error: "boom"},
		{Op: opProgress, Instance: "a", Deleted: 5, VaultDone: "1"},
		{Op: opProgress, Instance: "a", VaultDone: "1"},
		{Op: opProgress, Instance: "a", State: StateDone, Error: "-"},
		{Op: opProgress, Instance: "a", State: StateDone},
		{Op: opRowset, Instance: "a", Key: keys.RecycleRowsetKey("a", 1, "r"), Deleted: 2},
	} {
		b, _ := json.Marshal(c)
		if _, err := s.Propose(ctx, commandType, b); err != nil {
			t.Fatal(err)
		}
	}
	st := state(t, s)
	if len(st.Instances) != 1 {
		t.Fatalf("%+v", st)
	}
	j := st.Instances[0]
	if j.State != StateDone || j.Deleted != 15 || len(j.VaultsDone) != 1 || j.LastError != "" || j.DroppedAt != 7 || j.CurrentVault != "" || j.FinishedAt == 0 {
		t.Fatalf("job %+v", j)
	}
	// The rowset key did not exist: nothing recycled, but the objects count.
	if st.Totals != (Totals{ObjectsDeleted: 17, InstancesRecycled: 1}) {
		t.Fatalf("totals %+v", st.Totals)
	}
}

func TestRefusal(t *testing.T) {
	obj := func(endpoint, bucket, prefix string) vault.Resolved {
		return vault.Resolved{ID: "1", Config: &provider.Config{Obj: &provider.ObjInfo{Endpoint: endpoint, Bucket: bucket, Prefix: prefix}}}
	}
	hdfs := func(fs, prefix string) vault.Resolved {
		return vault.Resolved{ID: "2", Config: &provider.Config{HDFS: &provider.HDFSInfo{BuildConf: provider.HDFSBuildConf{FsName: fs}, Prefix: prefix}}}
	}
	live := []vault.Resolved{obj("e", "b", "x/live"), hdfs("file:///d/", "h")}
	for _, c := range []struct {
		name string
		v    vault.Resolved
		want string
	}{
		{"own prefix", obj("e", "b", "x/dead"), ""},
		{"prefix sharing letters only", obj("e", "b", "x/liv"), ""},
		{"other bucket", obj("e", "b2", "x"), ""},
		{"other endpoint", obj("e2", "b", "x/live"), ""},
		{"no prefix", obj("e", "b", "/"), "has no prefix"},
		{"parent of live", obj("e", "b", "x"), "overlaps"},
		{"same as live", obj("e", "b", "/x/live/"), "overlaps"},
		{"inside live", obj("e", "b", "x/live/sub"), "overlaps"},
		{"hdfs same fs", hdfs("file:///d", "h/sub"), "overlaps"},
		{"hdfs other prefix", hdfs("file:///d", "g"), ""},
	} {
		got := refusal(c.v, live)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// FuzzCommand: any payload either applies or is refused; never a panic,
// and a refused one changes nothing.
func FuzzCommand(f *testing.F) {
	for _, seed := range []string{`{"op":"progress","instance":"a","deleted":3}`, `{"op":"rowset_done","instance":"a","key":"AQ=="}`,
		`{"op":"retry","instance":"a"}`, `{`, `null`, `{"op":"progress","instance":"","state":"done"}`, `{"op":"progress","instance":"a","deleted":-5}`} {
		f.Add([]byte(seed))
	}
	s := openStore(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = s.Propose(context.Background(), commandType, data)
	})
}

// TestPendingRowsets: only recycle-rowset keys count, across instances,
// whatever other recycle keys surround them.
func TestPendingRowsets(t *testing.T) {
	h := raftstore.Handlers{}
	Register(h)
	h.Add("test.put", func(a *raftstore.Apply) ([]byte, error) { return nil, a.Data().Put(a.Command.Data, []byte("{}")) })
	s := raftstoretest.OpenSingle(t, h)
	for _, k := range [][]byte{
		keys.RecycleTxnKey("a", 1, 2), keys.RecycleRowsetKey("a", 1, "r1"), keys.RecycleRowsetKey("a", 9, "r2"),
		keys.RecycleIndexKey("a", 3), keys.RecycleRowsetKey("a\x00b", 1, "r"), keys.RecycleIndexKey("b", 1),
		keys.RecycleRowsetKey("b", 1, "r3"), keys.RecyclePartitionKey("b", 4), keys.RecycleTxnKey("c", 1, 1),
		keys.InstanceKey("a"), keys.MetaRowsetKey("a", 1, 2),
	} {
		if _, err := s.Propose(context.Background(), "test.put", k); err != nil {
			t.Fatal(err)
		}
	}
	if got := state(t, s).PendingRowsets; got != 4 {
		t.Fatalf("pending rowsets %d, want 4", got)
	}
}
