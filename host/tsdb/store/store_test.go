package store

import (
	"bytes"
	"context"
	"fmt"
	"github.com/metahost/metahost/host/raftstore/raftstoretest"
	"github.com/metahost/metahost/internal/testing/testclock"
	"path/filepath"
	"testing"
	"time"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// openService starts a single-node raft store with the tsdb handlers.
func openService(t testing.TB, cfg Config, clock *testclock.Clock) *Service {
	t.Helper()
	svc := New(cfg, nil)
	h := raftstore.Handlers{}
	svc.Register(h)
	svc.Attach(raftstoretest.OpenSingleAt(t, h, clock.Now))
	return svc
}

func point(metric string, ts int64, value string, tags ...string) otsdb.PutPoint {
	p := otsdb.PutPoint{Metric: metric, Timestamp: ts, Value: value, HasMetric: true, HasValue: true, HasTags: true}
	for i := 0; i+1 < len(tags); i += 2 {
		p.Tags = append(p.Tags, otsdb.Tag{Key: tags[i], Value: tags[i+1]})
	}
	p.Tags = otsdb.JavaTagOrder(p.Tags)
	return p
}

func lastTSUID(t *testing.T, svc *Service, backScan int32, tsuids ...string) []otsdb.LastResult {
	t.Helper()
	q := otsdb.LastQuery{BackScan: backScan, Queries: []otsdb.LastSubQuery{{TSUIDs: tsuids}}}
	r, err := svc.Last(context.Background(), &q, raftstore.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRetentionKeepsCounterRow(t *testing.T) {
	clock := testclock.New(time.Date(2026, 1, 10, 12, 30, 0, 0, time.UTC))
	cfg := DefaultConfig()
	cfg.Retention = 48 * time.Hour
	svc := openService(t, cfg, clock)
	ctx := context.Background()
	now := clock.Now().Unix()
	// Series A: written 3 days ago (old rows only; its counter row is old).
	// Series B: written 3 days ago and now.
	clock.Set(time.Unix(now-3*86400, 0))
	rep, err := svc.Put(ctx, []otsdb.PutPoint{
		point("m", now-3*86400-7200, "1", "host", "a"),
		point("m", now-3*86400, "2", "host", "a"),
		point("m", now-3*86400, "3", "host", "b"),
	})
	if err != nil || rep.Success != 3 {
		t.Fatal(rep, err)
	}
	clock.Set(time.Unix(now, 0))
	if _, err := svc.Put(ctx, []otsdb.PutPoint{point("m", now, "4", "host", "b")}); err != nil {
		t.Fatal(err)
	}
	n, err := svc.RetainOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Deleted: A's older row and B's old row; kept: A's counter row.
	if n != 2 {
		t.Fatalf("deleted %d rows, want 2", n)
	}
	a, b := "000001000001000001", "000001000001000002"
	if r := lastTSUID(t, svc, 0, a, b); len(r) != 2 || r[0].Value != "2" || r[1].Value != "4" {
		t.Fatalf("counter method after retention: %+v", r)
	}
	// Back-scan over the deleted hours finds nothing older than the age but A's counter row.
	if r := lastTSUID(t, svc, 24*5, b); len(r) != 1 || r[0].Value != "4" {
		t.Fatalf("back-scan: %+v", r)
	}
	if n, err := svc.RetainOnce(ctx); err != nil || n != 0 {
		t.Fatalf("second pass deleted %d, %v", n, err)
	}
	// Count the rows left in the state.
	rows := 0
	err = svc.store.View(ctx, raftstore.ReadOptions{}, func(tx *bolt.Tx) error {
		c := raftstore.Data(tx).Cursor()
		p := familyPrefix(nil, infixRow)
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			rows++
		}
		return nil
	})
	if err != nil || rows != 2 {
		t.Fatalf("%d rows left (%v), want 2", rows, err)
	}
}

func TestRetentionPaginates(t *testing.T) {
	clock := testclock.New(time.Date(2026, 1, 10, 12, 30, 0, 0, time.UTC))
	cfg := DefaultConfig()
	cfg.Retention = time.Hour
	cfg.MetaTracking = false
	svc := openService(t, cfg, clock)
	ctx := context.Background()
	old := clock.Now().Unix() - 10*86400
	var pts []otsdb.PutPoint
	for i := 0; i < retainLimit+100; i++ {
		pts = append(pts, point("m", old, "1", "host", fmt.Sprint("h", i)))
	}
	if rep, err := svc.Put(ctx, pts); err != nil || rep.Success != len(pts) {
		t.Fatal(rep, err)
	}
	n, err := svc.RetainOnce(ctx)
	if err != nil || n != len(pts) {
		t.Fatalf("deleted %d, %v; want %d", n, err, len(pts))
	}
}

func TestApplyIsDeterministic(t *testing.T) {
	// The same command applied to two empty states yields identical states.
	enc := newPutEncoder(flagAutoMetrics|flagAutoTagks|flagAutoTagvs|flagMeta, 0)
	for i := 0; i < 50; i++ {
		v, _ := otsdb.ParseValue(fmt.Sprint(i))
		enc.add(fmt.Sprint("m", i%3), otsdb.JavaTagOrder([]otsdb.Tag{{Key: "host", Value: fmt.Sprint("h", i%7)}, {Key: "dc", Value: "x"}}), int64(i)*1000+1e12, v)
	}
	dump := func() map[string]string {
		db := openBolt(t)
		svc := New(DefaultConfig(), nil)
		cmd := &raftstore.Command{Type: cmdPut, Time: 1700000000e9, Data: enc.bytes()}
		out := map[string]string{}
		err := db.Update(func(tx *bolt.Tx) error {
			if _, err := svc.applyPut(&raftstore.Apply{Tx: tx, Index: 1, Command: cmd}); err != nil {
				return err
			}
			return tx.Bucket([]byte("data")).ForEach(func(k, v []byte) error {
				out[string(k)] = string(v)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := dump(), dump()
	if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("states differ or are empty (%d keys)", len(a))
	}
}

func openBolt(t testing.TB) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "s.db"), 0o600, &bolt.Options{NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("data")); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCommandCodecs(t *testing.T) {
	enc := newPutEncoder(flagMeta, 0)
	v, _ := otsdb.ParseValue("42.5")
	enc.add("m", []otsdb.Tag{{Key: "k", Value: "v"}}, 123, v)
	d, err := newPutDecoder(enc.bytes())
	if err != nil {
		t.Fatal(err)
	}
	var p decodedPoint
	if err := d.next(&p); err != nil || string(p.metric) != "m" || len(p.kv) != 2 || p.ms != 123 || d.more() {
		t.Fatalf("%+v %v", p, err)
	}
	if dv, ok := otsdb.DecodeValue(p.value, p.vflags); !ok || dv.String() != "42.5" {
		t.Fatalf("value %v", dv)
	}
	fs := []pointFailure{{3, "Unknown metric"}, {7, "x"}}
	got, err := decodeFailures(encodeFailures(fs))
	if err != nil || fmt.Sprint(got) != fmt.Sprint(fs) {
		t.Fatalf("%v %v", got, err)
	}
	as := []assignEntry{{KindTagk, "host"}, {KindMetric, "a\x00b"}}
	ga, err := decodeAssign(encodeAssign(as))
	if err != nil || fmt.Sprint(ga) != fmt.Sprint(as) {
		t.Fatalf("%v %v", ga, err)
	}
	rc := retainCmd{cutoff: -5, limit: 9, after: []byte{1, 2}}
	gr, err := decodeRetain(rc.encode())
	if err != nil || fmt.Sprint(gr) != fmt.Sprint(rc) {
		t.Fatalf("%v %v", gr, err)
	}
	bad := [][]byte{nil, {2, 0}, {putVersion}, {putVersion, 0, 5, 'a'}, {putVersion, 0, 1, 'm', 1, 1, 'k'}, {putVersion, 0, 1, 'm', 0, 2, 7}}
	for _, b := range bad {
		d, err := newPutDecoder(b)
		if err != nil {
			continue
		}
		var p decodedPoint
		for d.more() && err == nil {
			err = d.next(&p)
		}
		if err == nil {
			t.Errorf("%x decoded", b)
		}
	}
}

func TestUnescapeField(t *testing.T) {
	for _, v := range [][]byte{{}, {0}, {0, 0, 1}, {1, 0, 0xff}, []byte("abc")} {
		enc := appendCtrKey(nil, v)
		prefixLen := len(familyPrefix(nil, infixCtr))
		got, rest, err := unescapeField(nil, enc[prefixLen:])
		if err != nil || string(got) != string(v) || len(rest) != 0 {
			t.Errorf("%x: %x %x %v", v, got, rest, err)
		}
	}
	for _, in := range [][]byte{nil, {0x10}, {0x10, 0}, {0x10, 0, 2}, {0x11}} {
		if _, _, err := unescapeField(nil, in); err == nil {
			t.Errorf("%x unescaped", in)
		}
	}
}

// A command applied in a transaction that is then rolled back (raftstore
// does so when a later command of the batch fails) must leave no trace in
// the shared cache: its replay has to write the UIDs again.
func TestRollbackDoesNotPoisonCache(t *testing.T) {
	db := openBolt(t)
	svc := New(DefaultConfig(), nil)
	enc := newPutEncoder(svc.putFlags(), 0)
	v, _ := otsdb.ParseValue("1")
	enc.add("m", []otsdb.Tag{{Key: "k", Value: "v"}}, 1e12, v)
	cmd := &raftstore.Command{Type: cmdPut, Time: 1e18, Data: enc.bytes()}
	tx, err := db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.applyPut(&raftstore.Apply{Tx: tx, Index: 1, Command: cmd}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := svc.applyPut(&raftstore.Apply{Tx: tx, Index: 1, Command: cmd})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		r := newReader(tx.Bucket([]byte("data")))
		for _, c := range []struct {
			k    Kind
			name string
		}{{KindMetric, "m"}, {KindTagk, "k"}, {KindTagv, "v"}} {
			if id, ok := r.uid(c.k, c.name); !ok || id.Int() != 1 {
				return fmt.Errorf("%s %q: uid %v %v after replay", c.k, c.name, id, ok)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.uids.series[string(mustSeriesKey(t, enc.bytes()))]; !ok {
		t.Fatal("the committed apply was not published to the cache")
	}
}

func mustSeriesKey(t *testing.T, cmd []byte) []byte {
	t.Helper()
	d, err := newPutDecoder(cmd)
	if err != nil {
		t.Fatal(err)
	}
	var p decodedPoint
	if err := d.next(&p); err != nil {
		t.Fatal(err)
	}
	return p.series
}

// The background loop runs retention on the leader.
func TestRunRetainsInBackground(t *testing.T) {
	clock := testclock.New(time.Date(2026, 1, 10, 12, 30, 0, 0, time.UTC))
	cfg := DefaultConfig()
	cfg.Retention = time.Hour
	cfg.RetentionInterval = 10 * time.Millisecond
	cfg.MetaTracking = false
	svc := openService(t, cfg, clock)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	old := clock.Now().Unix() - 86400
	if _, err := svc.Put(ctx, []otsdb.PutPoint{point("m", old, "1", "k", "v")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if r := lastTSUID(t, svc, 48, "000001000001000001"); len(r) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired row was not deleted by the background loop")
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-done:
			t.Fatal("Run returned early")
		}
	}
}
