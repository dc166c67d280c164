package recycler_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/internal/testing/miniotest"
	"github.com/minio/minio-go/v7"
)

const bucket = "shared"

// objInstance is a create_instance body with an S3 obj_info on MinIO.
func objInstance(m *miniotest.Server, id, prefix, sk string) string {
	return fmt.Sprintf(`{"instance_id":%q,"name":%q,"user_id":"u","obj_info":{"ak":%q,"sk":%q,"bucket":%q,"prefix":%q,
		"endpoint":%q,"external_endpoint":%q,"region":%q,"provider":"S3","use_path_style":true}}`,
		id, id, m.AccessKey, sk, bucket, prefix, m.Endpoint, m.Endpoint, m.Region)
}

// startS3 starts MinIO with the shared bucket and a node with the s3
// provider registered whose recycler keeps a dropped instance a minute and
// runs a round every interval.
func startS3(t testing.TB, interval time.Duration) (*miniotest.Server, *minio.Client, *servertest.Server, *servertest.Clock) {
	t.Helper()
	m := miniotest.Start(t)
	m.MakeBucket(t, bucket)
	mc := m.Client(t)
	dir := buildProviders(t, "s3")
	clock := servertest.NewClock(time.Now())
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		c.Vault.ProviderDir = dir
		c.Recycler.InstanceRetention.Duration = time.Minute
		c.Recycler.Interval.Duration = interval
	}})
	providersRegistered(t, s, "s3")
	return m, mc, s, clock
}

// putObjects writes n small objects under prefix, 16 at a time.
func putObjects(t testing.TB, c *minio.Client, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var mu sync.Mutex
	var firstErr error
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			body := []byte(fmt.Sprintf("object %d", i))
			if _, err := c.PutObject(ctx, bucket, fmt.Sprintf("%s/data/%d/obj_%05d.dat", prefix, i%7, i), bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
}

func countObjects(t testing.TB, c *minio.Client, prefix string) int {
	t.Helper()
	n := 0
	for o := range c.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		n++
	}
	return n
}

// TestRecycleDroppedInstance: two instances share a MinIO bucket; the
// dropped one's prefix is emptied through the s3 provider after the
// retention, in batches, with progress in /v1/recycler and the metrics;
// the other instance's objects (and an object under a prefix that merely
// starts with the same letters) survive. A restart in the middle of the
// deletion resumes it.
func TestRecycleDroppedInstance(t *testing.T) {
	m := miniotest.Start(t)
	m.MakeBucket(t, bucket)
	mc := m.Client(t)
	dir := buildProviders(t, "s3")
	data := t.TempDir()
	clock := servertest.NewClock(time.Now())
	edit := func(c *server.Config) {
		c.Vault.ProviderDir = dir
		c.Recycler.InstanceRetention.Duration = time.Hour
		c.Recycler.Interval.Duration = 20 * time.Millisecond
		c.Recycler.BatchSize = 5
	}
	s := servertest.Start(t, servertest.Options{Clock: clock, DataDir: data, Edit: edit})
	providersRegistered(t, s, "s3")

	msOK(t, s, "create_instance", "", objInstance(m, "inst_a", "inst_a", m.SecretKey))
	msOK(t, s, "create_instance", "", objInstance(m, "inst_b", "/inst_b/", m.SecretKey))
	const nA, nB = 600, 40
	putObjects(t, mc, "inst_a", nA)
	putObjects(t, mc, "inst_b", nB)
	putObjects(t, mc, "inst_ab", 3) // shares the first letters of inst_a's prefix only

	msOK(t, s, "drop_instance", "", `{"instance_id":"inst_a"}`)
	// Within the retention nothing happens.
	if err := s.Store().Barrier(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := status(t, s); len(st.Instances) != 0 || countObjects(t, mc, "inst_a/") != nA {
		t.Fatalf("recycled within the retention: %+v", st)
	}
	clock.Advance(time.Hour + time.Second)
	// Stop the node in the middle of the deletion.
	poll(t, "recycling to start", func() bool {
		j, ok := job(status(t, s), "inst_a")
		return ok && j.Deleted > 0
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	left := countObjects(t, mc, "inst_a/")
	if left == 0 {
		t.Log("the deletion finished before the restart; resumption not exercised this run")
	} else {
		t.Logf("stopped with %d of %d objects left", left, nA)
	}
	s = servertest.Start(t, servertest.Options{Clock: clock, DataDir: data, Edit: edit})
	var final struct {
		deleted int64
		state   string
		vault   []string
	}
	poll(t, "recycling to finish after the restart", func() bool {
		j, ok := job(status(t, s), "inst_a")
		final.deleted, final.state, final.vault = j.Deleted, j.State, j.VaultsDone
		return ok && j.State == "done"
	})
	if got := countObjects(t, mc, "inst_a/"); got != 0 {
		t.Fatalf("%d objects left under inst_a/", got)
	}
	if got := countObjects(t, mc, "inst_b/"); got != nB {
		t.Fatalf("inst_b has %d objects, want %d", got, nB)
	}
	if got := countObjects(t, mc, "inst_ab/"); got != 3 {
		t.Fatalf("inst_ab has %d objects, want 3", got)
	}
	// A batch deleted just as the node stopped may miss its progress record:
	// the count may fall short by at most one batch (5).
	if final.deleted < nA-5 || final.deleted > nA || len(final.vault) != 1 || final.vault[0] != "1" {
		t.Fatalf("job after the restart: %+v (left before restart %d)", final, left)
	}
	st := status(t, s)
	if !st.Leader || st.Totals.ObjectsDeleted != final.deleted || st.Totals.InstancesRecycled != 1 {
		t.Fatalf("status %+v", st)
	}
	if _, ok := job(st, "inst_b"); ok {
		t.Fatal("live instance has a recycling job")
	}
	r := servertest.Do(t, "GET", s.URL+"/v1/metrics", "")
	for _, want := range []string{fmt.Sprintf("metahost_recycler_objects_deleted_total %d", final.deleted), "metahost_recycler_instances_recycled_total 1", "metahost_recycler_leader 1"} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
}

// TestRecyclerRefusesSharedPrefix: a dropped instance whose prefix holds a
// live instance's prefix, or whose vault has no prefix, is refused: no
// object is deleted and the reason is shown.
func TestRecyclerRefusesSharedPrefix(t *testing.T) {
	m, mc, s, clock := startS3(t, 20*time.Millisecond)
	msOK(t, s, "create_instance", "", objInstance(m, "outer", "data", m.SecretKey))
	msOK(t, s, "create_instance", "", objInstance(m, "inner", "data/inner", m.SecretKey))
	msOK(t, s, "create_instance", "", objInstance(m, "whole", "", m.SecretKey))
	putObjects(t, mc, "data/inner", 4)
	msOK(t, s, "drop_instance", "", `{"instance_id":"outer"}`)
	msOK(t, s, "drop_instance", "", `{"instance_id":"whole"}`)
	clock.Advance(2 * time.Minute)
	poll(t, "both refused", func() bool {
		st := status(t, s)
		a, ok1 := job(st, "outer")
		b, ok2 := job(st, "whole")
		return ok1 && ok2 && a.State == "refused" && b.State == "refused" &&
			strings.Contains(a.LastError, "overlaps a live instance") && strings.Contains(b.LastError, "has no prefix")
	})
	if got := countObjects(t, mc, "data/inner/"); got != 4 {
		t.Fatalf("live objects deleted: %d left", got)
	}
	// Retry answers for an unknown instance and a refused one.
	if r := servertest.Do(t, "POST", tok(s.URL+"/v1/recycler/instances/nope/retry"), ""); r.Status != 404 {
		t.Fatalf("retry unknown: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, "POST", tok(s.URL+"/v1/recycler/instances/outer/retry"), ""); r.Status != 200 {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	r := servertest.Do(t, "POST", tok(s.URL+"/v1/recycler/run"), "")
	if r.Status != 200 || !strings.Contains(r.Body, `"leader":true`) || !strings.Contains(r.Body, `"instance_id":"outer"`) {
		t.Fatalf("run: %d %s", r.Status, r.Body)
	}
	poll(t, "refused again", func() bool {
		j, _ := job(status(t, s), "outer")
		return j.State == "refused"
	})
	if r := servertest.Do(t, "POST", tok(s.URL+"/v1/recycler/instances/outer/retry"), ""); r.Status != 400 && r.Status != 200 {
		t.Fatalf("retry refused: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, "GET", s.URL+"/v1/recycler", ""); r.Status != 401 {
		t.Fatalf("no token: %d", r.Status)
	}
}

// BenchmarkRecycleInstance measures the recycler emptying a dropped
// instance's prefix on MinIO (objects/s), batches of 1000.
func BenchmarkRecycleInstance(b *testing.B) {
	m, mc, s, clock := startS3(b, time.Hour) // rounds run from the benchmark
	const n = 2000
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		id := fmt.Sprintf("bench_%d", i)
		msOK(b, s, "create_instance", "", objInstance(m, id, id, m.SecretKey))
		putObjects(b, mc, id, n)
		msOK(b, s, "drop_instance", "", `{"instance_id":"`+id+`"}`)
		clock.Advance(2 * time.Minute)
		b.StartTimer()
		start := time.Now()
		r := servertest.Do(b, "POST", tok(s.URL+"/v1/recycler/run"), "")
		total += time.Since(start)
		if j, _ := job(status(b, s), id); r.Status != 200 || j.State != "done" || j.Deleted != n {
			b.Fatalf("run: %d %s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "objects/s")
}
