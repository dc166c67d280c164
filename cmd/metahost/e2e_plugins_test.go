package main

// End-to-end test of the plugin host on a 3-node cluster of real
// processes: a wasm validator registered through one node, bound to
// create_instance, then swapped for a new version under a stream of
// requests to every node. No request of the stream may fail, and once the
// swap is acknowledged every node answers with the new version.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metahost/metahost/host/testcluster"
	"github.com/metahost/metahost/sdk/plugintest"
)

const namingValidator = "github.com/metahost/metahost/examples/validator-instance-naming"

func TestE2EValidatorHotSwap(t *testing.T) {
	ctx := e2eContext(t)
	wasm := plugintest.Build(t, namingValidator)
	sha := plugintest.SHA256(wasm)
	c := testcluster.Start(t, 3, testcluster.Options{})
	nodes := c.Nodes()

	register := func(n *testcluster.Node, version, config string) {
		t.Helper()
		q := url.Values{"kind": {"validator"}, "version": {version}, "sha256": {sha}, "config": {config}}
		status, body, err := n.Do(ctx, http.MethodPut, "/v1/plugins/naming?"+q.Encode(), wasm, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("register %s through node %d: %d %s %v", version, n.ID, status, body, err)
		}
	}
	createInstance := func(ctx context.Context, n *testcluster.Node, team, id string) (int, string, error) {
		body := fmt.Sprintf(`{"instance_id":%q,"name":"n","user_id":"u","vault":{"hdfs_info":{"build_conf":{"fs_name":"hdfs://127.0.0.1:8020","user":"hadoop"},"prefix":"%s/data"}}}`, id, team)
		status, out, err := n.Do(ctx, http.MethodPost, "/MetaService/http/create_instance?token="+c.Token(), []byte(body), testcluster.NoToken())
		return status, string(out), err
	}

	register(nodes[1], "1.0.0", "analytics")
	status, body, err := nodes[2].Do(ctx, http.MethodPost, "/v1/plugins/naming/bind", []byte(`{"operation":"create_instance"}`), nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("bind: %d %s %v", status, body, err)
	}
	for _, n := range nodes {
		if status, out, err := createInstance(ctx, n, "payments", fmt.Sprintf("payments-before-%d", n.ID)); err != nil || status != http.StatusBadRequest || !strings.Contains(out, "team prefix") {
			t.Fatalf("node %d under v1: %d %s %v", n.ID, status, out, err)
		}
	}

	// A stream of allowed requests to every node, across the swap.
	streamAcrossSwap(ctx, t, nodes, func(ctx context.Context, n *testcluster.Node, w, k int) error {
		status, out, err := createInstance(ctx, n, "analytics", fmt.Sprintf("analytics-%d-%d", w, k))
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("%d %s", status, out)
		}
		return err
	}, func() {
		register(nodes[2], "2.0.0", "analytics,payments")
		// Acknowledged: every node's next request runs version 2.
		for _, n := range nodes {
			if status, out, err := createInstance(ctx, n, "payments", fmt.Sprintf("payments-after-%d", n.ID)); err != nil || status != http.StatusOK {
				t.Errorf("node %d right after the swap: %d %s %v", n.ID, status, out, err)
			}
		}
	})
	for _, n := range nodes {
		var st struct {
			Loaded string `json:"loaded_version"`
			Swaps  int    `json:"swaps"`
		}
		status, out, err := n.Do(ctx, http.MethodGet, "/v1/plugins/naming", nil, nil)
		if err != nil || status != http.StatusOK || json.Unmarshal(out, &st) != nil {
			t.Fatalf("status on node %d: %d %s %v", n.ID, status, out, err)
		}
		if st.Loaded != "2.0.0" || st.Swaps != 2 {
			t.Errorf("node %d runs %q after %d loads, want 2.0.0 after 2", n.ID, st.Loaded, st.Swaps)
		}
	}
}

func TestE2EPolicyHotSwap(t *testing.T) {
	ctx := e2eContext(t)
	v1 := plugintest.Build(t, "github.com/metahost/metahost/plugins/size_based")
	v2 := plugintest.Build(t, "github.com/metahost/metahost/plugins/time_series")
	c := testcluster.Start(t, 3, testcluster.Options{})
	nodes := c.Nodes()
	register := func(n *testcluster.Node, version string, wasm []byte) {
		t.Helper()
		q := url.Values{"kind": {"policy"}, "version": {version}, "sha256": {plugintest.SHA256(wasm)}}
		status, body, err := n.Do(ctx, http.MethodPut, "/v1/plugins/pol?"+q.Encode(), wasm, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("register %s through node %d: %d %s %v", version, n.ID, status, body, err)
		}
	}
	// Ten small rowsets above the cumulative point: size_based picks them
	// now, time_series waits for its size, count or time threshold.
	var rs []string
	for v := 2; v <= 11; v++ {
		rs = append(rs, fmt.Sprintf(`{"start_version":%d,"end_version":%d,"num_segments":1,"overlap":"NONOVERLAPPING","total_disk_size":1024,"data_disk_size":1024,"num_rows":10,"creation_time":1700000000}`, v, v))
	}
	evalBody := []byte(`{"now_ms":1700000001000,"tablet":{"tablet_id":1,"cumulative_point":2},"rowsets":[{"start_version":0,"end_version":1,"num_segments":1,"overlap":"NONOVERLAPPING","total_disk_size":1024,"data_disk_size":1024,"num_rows":10,"creation_time":1700000000},` + strings.Join(rs, ",") + `]}`)
	eval := func(ctx context.Context, n *testcluster.Node) (string, error) {
		status, out, err := n.Do(ctx, http.MethodPost, "/v1/plugins/pol/eval", evalBody, nil)
		if err != nil {
			return "", err
		}
		var r struct {
			Policy string   `json:"policy"`
			Picked []string `json:"picked"`
		}
		if status != http.StatusOK || json.Unmarshal(out, &r) != nil {
			return "", fmt.Errorf("node %d: %d %s", n.ID, status, out)
		}
		return fmt.Sprintf("%s:%d", r.Policy, len(r.Picked)), nil
	}

	register(nodes[0], "1", v1)
	for _, n := range nodes {
		if got, err := eval(ctx, n); err != nil || got != "size_based:10" {
			t.Fatalf("node %d under v1: %q %v", n.ID, got, err)
		}
	}
	streamAcrossSwap(ctx, t, nodes, func(ctx context.Context, n *testcluster.Node, _, _ int) error {
		got, err := eval(ctx, n)
		if err == nil && got != "size_based:10" && got != "time_series:0" {
			err = fmt.Errorf("answered %q", got)
		}
		return err
	}, func() {
		register(nodes[1], "2", v2)
		for _, n := range nodes {
			if got, err := eval(ctx, n); err != nil || got != "time_series:0" {
				t.Errorf("node %d right after the swap: %q %v", n.ID, got, err)
			}
		}
	})
}

// streamAcrossSwap runs six clients sending request to every node in turn,
// calls swap once 30 requests have been answered, lets 30 more be answered,
// and fails t if any request of the stream failed.
func streamAcrossSwap(ctx context.Context, t *testing.T, nodes []*testcluster.Node, request func(ctx context.Context, n *testcluster.Node, w, k int) error, swap func()) {
	t.Helper()
	streamCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var sent atomic.Int64
	var mu sync.Mutex
	var failures []string
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; streamCtx.Err() == nil; k++ {
				n := nodes[(w+k)%len(nodes)]
				err := request(streamCtx, n, w, k)
				if streamCtx.Err() != nil {
					return
				}
				sent.Add(1)
				if err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("node %d: %v", n.ID, err))
					mu.Unlock()
				}
			}
		}()
	}
	waitSent := func(what string, n int64) error {
		return testcluster.Poll(ctx, 10*time.Millisecond, what, func() (bool, error) { return sent.Load() >= n, nil })
	}
	err := waitSent("requests before the swap", 30)
	if err == nil {
		swap()
		err = waitSent("requests after the swap", sent.Load()+30)
	}
	stop()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d requests across the swap", sent.Load())
	for _, f := range failures {
		t.Errorf("request failed during the swap: %s", f)
	}
}

// TestE2EPreloadAfterRestart: a node loads its bound plugins when it starts, before any call
// needs them, so the first mutation after a restart does not wait for a cold load.
func TestE2EPreloadAfterRestart(t *testing.T) {
	ctx := e2eContext(t)
	wasm := plugintest.Build(t, namingValidator)
	c := testcluster.Start(t, 1, testcluster.Options{})
	n := c.Node(1)
	q := url.Values{"kind": {"validator"}, "version": {"1.0.0"}, "sha256": {plugintest.SHA256(wasm)}, "config": {"analytics"}}
	if status, body, err := n.Do(ctx, http.MethodPut, "/v1/plugins/naming?"+q.Encode(), wasm, nil); err != nil || status != http.StatusOK {
		t.Fatalf("register: %d %s %v", status, body, err)
	}
	if status, body, err := n.Do(ctx, http.MethodPost, "/v1/plugins/naming/bind", []byte(`{"operation":"create_instance"}`), nil); err != nil || status != http.StatusOK {
		t.Fatalf("bind: %d %s %v", status, body, err)
	}
	if err := n.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	// No create_instance is sent: only the preload can load the validator.
	err := testcluster.Poll(ctx, 20*time.Millisecond, "the bound validator to be preloaded", func() (bool, error) {
		var st struct {
			Loaded string `json:"loaded_version"`
			Calls  int    `json:"calls"`
		}
		status, out, err := n.Do(ctx, http.MethodGet, "/v1/plugins/naming", nil, nil)
		if err != nil || status != http.StatusOK || json.Unmarshal(out, &st) != nil {
			return false, fmt.Errorf("status: %d %s %v", status, out, err)
		}
		if st.Calls != 0 {
			return false, fmt.Errorf("the validator was called %d times", st.Calls)
		}
		return st.Loaded == "1.0.0", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(n.LogTail(50), "bound plugins preloaded") {
		t.Errorf("no preload in the log:\n%s", n.LogTail(50))
	}
}
