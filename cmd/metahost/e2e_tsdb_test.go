package main

// End-to-end tests of the OpenTSDB last-point API on real metahost
// processes: points put through a follower are read back from every node,
// and a third-party OpenTSDB client (Telegraf's OpenTSDB output, HTTP mode:
// gzip-compressed /api/put batches) writes to the drop-in listener
// configured with [tsdb] listen_addr.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/metric"
	"github.com/influxdata/telegraf/plugins/outputs/opentsdb"
	"github.com/metahost/metahost/host/testcluster"
)

type lastPoint struct {
	Metric    string            `json:"metric"`
	Timestamp int64             `json:"timestamp"`
	Value     string            `json:"value"`
	Tags      map[string]string `json:"tags"`
	TSUID     string            `json:"tsuid"`
}

// queryLast GETs /api/query/last on a node and decodes the answer.
func queryLast(ctx context.Context, base, query string) ([]lastPoint, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/query/last?"+query, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []lastPoint
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("query/last %s: status %d", query, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TSUID < out[j].TSUID })
	return out, nil
}

// avoidHourBoundary waits out the last seconds of an hour: the counter
// method reads the row of the hour of the last write, so a point written
// just before an hour boundary and stored just after it would not be found.
func avoidHourBoundary(ctx context.Context, t *testing.T) {
	t.Helper()
	left := time.Until(time.Now().Truncate(time.Hour).Add(time.Hour))
	if left > 15*time.Second {
		return
	}
	select {
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	case <-time.After(left + time.Second):
	}
}

func TestE2ETSDBPutThroughFollower(t *testing.T) {
	ctx := e2eContext(t)
	avoidHourBoundary(ctx, t)
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
	now := time.Now().Unix()
	body := fmt.Sprintf(`[{"metric":"sys.cpu.user","timestamp":%d,"value":42,"tags":{"host":"web01"}},`+
		`{"metric":"sys.cpu.user","timestamp":%d,"value":"24.5","tags":{"host":"web02"}},`+
		`{"metric":"sys.cpu.user","timestamp":%d,"value":"x","tags":{"host":"web03"}}]`, now, now, now)
	status, out, err := follower.Do(ctx, http.MethodPost, "/api/put?details", []byte(body), testcluster.NoToken())
	if err != nil && testcluster.StatusOf(err) == 0 {
		t.Fatal(err)
	}
	// One bad point: 400 with the good ones stored, as OpenTSDB does.
	if status != http.StatusBadRequest || !strings.Contains(string(out), `"success":2,"failed":1`) {
		t.Fatalf("put via follower: %d %s", status, out)
	}
	want := []lastPoint{
		{Metric: "sys.cpu.user", Timestamp: now * 1000, Value: "42", Tags: map[string]string{"host": "web01"}, TSUID: "000001000001000001"},
		{Metric: "sys.cpu.user", Timestamp: now * 1000, Value: "24.5", Tags: map[string]string{"host": "web02"}, TSUID: "000001000001000002"},
	}
	// Reads are linearizable on every node: the acknowledged put is visible
	// at once, by the counter method and by a back-scan.
	for _, n := range c.Nodes() {
		for _, q := range []string{"timeseries=sys.cpu.user&resolve", "tsuids=000001000001000001,000001000001000002&back_scan=1&resolve"} {
			got, err := queryLast(ctx, n.URL(""), q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("node %d %s: %+v, want %+v", n.ID, q, got, want)
			}
		}
	}
}

// nopLogger satisfies telegraf.Logger and records errors.
type nopLogger struct{ t *testing.T }

func (nopLogger) Level() telegraf.LogLevel            { return telegraf.Info }
func (nopLogger) AddAttribute(string, interface{})    {}
func (l nopLogger) Errorf(f string, a ...interface{}) { l.t.Errorf("telegraf: "+f, a...) }
func (l nopLogger) Error(a ...interface{})            { l.t.Error(append([]interface{}{"telegraf:"}, a...)...) }
func (nopLogger) Warnf(string, ...interface{})        {}
func (nopLogger) Warn(...interface{})                 {}
func (nopLogger) Infof(string, ...interface{})        {}
func (nopLogger) Info(...interface{})                 {}
func (nopLogger) Debugf(string, ...interface{})       {}
func (nopLogger) Debug(...interface{})                {}
func (nopLogger) Tracef(string, ...interface{})       {}
func (nopLogger) Trace(...interface{})                {}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestE2ETSDBTelegrafClient(t *testing.T) {
	ctx := e2eContext(t)
	avoidHourBoundary(ctx, t)
	port := freePort(t)
	c := testcluster.Start(t, 1, testcluster.Options{Config: fmt.Sprintf("[tsdb]\nlisten_addr = \"127.0.0.1:%d\"\n", port)})
	if _, err := c.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	out := &opentsdb.OpenTSDB{Host: "http://127.0.0.1", Port: port, HTTPBatchSize: 3, HTTPPath: "/api/put", Separator: "_", Log: nopLogger{t}}
	if err := out.Connect(); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Second).Truncate(time.Second)
	var ms []telegraf.Metric
	for _, host := range []string{"web01", "web02"} {
		ms = append(ms, metric.New("cpu", map[string]string{"host": host, "dc": "lga"},
			map[string]interface{}{"usage_user": 42.5, "usage_system": int64(7)}, at))
	}
	ms = append(ms, metric.New("mem", map[string]string{"host": "web01"}, map[string]interface{}{"used": uint64(1 << 40)}, at))
	if err := out.Write(ms); err != nil {
		t.Fatal(err)
	}
	// Written again a second later: the last point moves.
	ms = ms[:1]
	ms[0] = metric.New("cpu", map[string]string{"host": "web01", "dc": "lga"}, map[string]interface{}{"usage_user": 0.001}, at.Add(time.Second))
	if err := out.Write(ms); err != nil {
		t.Fatal(err)
	}
	got, err := queryLast(ctx, base, "timeseries=cpu_usage_user&timeseries=cpu_usage_system&timeseries=mem_used&resolve")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range got {
		lines = append(lines, fmt.Sprintf("%s %v %d %s", p.Metric, p.Tags, p.Timestamp, p.Value))
	}
	sort.Strings(lines)
	ts, ts2 := at.Unix()*1000, at.Unix()*1000+1000
	want := []string{
		fmt.Sprintf("cpu_usage_system map[dc:lga host:web01] %d 7", ts),
		fmt.Sprintf("cpu_usage_system map[dc:lga host:web02] %d 7", ts),
		fmt.Sprintf("cpu_usage_user map[dc:lga host:web01] %d 0.001", ts2),
		fmt.Sprintf("cpu_usage_user map[dc:lga host:web02] %d 42.5", ts),
		fmt.Sprintf("mem_used map[host:web01] %d 1099511627776", ts),
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// The drop-in listener serves only /api/.
	resp, err := http.Get(base + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/v1/health on the OpenTSDB listener: %d", resp.StatusCode)
	}
}
