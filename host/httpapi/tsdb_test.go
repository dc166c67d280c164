package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/metahost/metahost/host/server"
	"github.com/metahost/metahost/host/server/servertest"
)

// Clocks of the conformance fixture (spec §9): W during puts, Q during
// queries.
const (
	clockW = int64(1388534400000) // 2014-01-01T00:00Z
	clockQ = int64(1356998400000) // 2013-01-01T00:00Z
	tsuid1 = "000001000001000001"
	tsuid2 = "000001000001000002"
)

type tsdbEnv struct {
	t     *testing.T
	s     *servertest.Server
	clock *servertest.Clock
}

type envOption func(*server.Config)

func metaOff(c *server.Config) { f := false; c.TSDB.MetaTracking = &f }

func autoCreateMetricsOff(c *server.Config) { f := false; c.TSDB.AutoCreateMetrics = &f }

// newTSDB starts a server with an injected clock set to W.
func newTSDB(t *testing.T, opts ...envOption) *tsdbEnv {
	t.Helper()
	clock := servertest.NewClock(time.UnixMilli(clockW))
	s := servertest.Start(t, servertest.Options{Clock: clock, Edit: func(c *server.Config) {
		for _, o := range opts {
			o(c)
		}
	}})
	return &tsdbEnv{t: t, s: s, clock: clock}
}

// fixture starts fixture F: UIDs sys.cpu.user=1, sys.cpu.system=2, host=1,
// web01=1, web02=2, created by puts at timestamp 3600 (a 1970 row no case
// reads) that also give both sys.cpu.user series a counter.
func fixture(t *testing.T, opts ...envOption) *tsdbEnv {
	e := newTSDB(t, opts...)
	e.post("/api/put", `[{"metric":"sys.cpu.user","timestamp":3600,"value":1,"tags":{"host":"web01"}},`+
		`{"metric":"sys.cpu.user","timestamp":3600,"value":1,"tags":{"host":"web02"}},`+
		`{"metric":"sys.cpu.system","timestamp":3600,"value":1,"tags":{"host":"web01"}}]`, 204, "")
	return e
}

func (e *tsdbEnv) at(ms int64) { e.clock.Set(time.UnixMilli(ms)) }

// put writes sys.cpu.user{host=host} at the put clock W.
func (e *tsdbEnv) put(ts int64, value, host string) {
	e.t.Helper()
	e.putAt(clockW, ts, value, host)
}

func (e *tsdbEnv) putAt(w, ts int64, value, host string) {
	e.t.Helper()
	e.at(w)
	body := fmt.Sprintf(`{"metric":"sys.cpu.user","timestamp":%d,"value":%s,"tags":{"host":%q}}`, ts, value, host)
	e.post("/api/put", body, 204, "")
}

func (e *tsdbEnv) do(method, path, body string) servertest.Response {
	e.t.Helper()
	r := servertest.Do(e.t, method, e.s.URL+path, body)
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		e.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return r
}

// post sends a POST and checks status and, unless want is empty, the body.
func (e *tsdbEnv) post(path, body string, status int, want string) servertest.Response {
	e.t.Helper()
	r := e.do("POST", path, body)
	if r.Status != status || (want != "" && r.Body != want) || (want == "" && status == 204 && r.Body != "") {
		e.t.Fatalf("POST %s %s: %d %s, want %d %s", path, body, r.Status, r.Body, status, want)
	}
	return r
}

// last queries at clock Q (or the given clock) and returns the response.
func (e *tsdbEnv) last(method, query, body string) servertest.Response {
	e.t.Helper()
	return e.do(method, "/api/query/last"+query, body)
}

// pt renders a result object without metric/tags.
func pt(ts int64, v, tsuid string) string {
	return fmt.Sprintf(`{"timestamp":%d,"value":%q,"tsuid":%q}`, ts, v, tsuid)
}

// rpt renders a resolved result object.
func rpt(ts int64, v, tsuid, metric, host string) string {
	return fmt.Sprintf(`{"metric":%q,"timestamp":%d,"value":%q,"tags":{"host":%q},"tsuid":%q}`, metric, ts, v, host, tsuid)
}

func arr(objs ...string) string { return "[" + strings.Join(objs, ",") + "]" }

// sameResults compares two JSON arrays as multisets of objects.
func sameResults(t *testing.T, got, want string) bool {
	t.Helper()
	norm := func(s string) ([]string, error) {
		var xs []map[string]any
		if err := json.Unmarshal([]byte(s), &xs); err != nil {
			return nil, err
		}
		out := make([]string, len(xs))
		for i, x := range xs {
			b, _ := json.Marshal(x)
			out[i] = string(b)
		}
		sort.Strings(out)
		return out, nil
	}
	g, err := norm(got)
	if err != nil {
		t.Errorf("response %q is not a JSON array of objects: %v", got, err)
		return false
	}
	w, err := norm(want)
	if err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

func (e *tsdbEnv) expectLast(method, query, body, want string) {
	e.t.Helper()
	r := e.last(method, query, body)
	if r.Status != 200 || !sameResults(e.t, r.Body, want) {
		e.t.Fatalf("%s /api/query/last%s %s: %d %s, want 200 %s", method, query, body, r.Status, r.Body, want)
	}
}

func (e *tsdbEnv) expectError(method, path, body string, status int, want string) {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.Status != status || r.Body != want {
		e.t.Fatalf("%s %s %q: %d %s, want %d %s", method, path, body, r.Status, r.Body, status, want)
	}
}

func errBody(code int, msg, details string) string {
	d := ""
	if details != "" {
		d = fmt.Sprintf(`,"details":%q`, details)
	}
	return fmt.Sprintf(`{"error":{"code":%d,"message":%q%s}}`, code, msg, d)
}

// wrappedErr is a 400 whose message and details are both text.
func wrappedErr(text string) string { return errBody(400, text, text) }

func TestTSDBConformanceLastSuccess(t *testing.T) {
	cases := []struct {
		name   string
		opts   []envOption
		setup  func(e *tsdbEnv)
		method string
		query  string
		body   string
		q      int64 // query clock (0: Q)
		want   string
		exact  bool // compare the body byte for byte
	}{
		{name: "1 qsMetricMeta", setup: func(e *tsdbEnv) { e.put(1388534400, "42", "web01") },
			query: "?timeseries=sys.cpu.user%7Bhost=web01%7D", want: arr(pt(1388534400000, "42", tsuid1)), exact: true},
		{name: "2 qsMetricMetaScan", setup: putsW, query: "?timeseries=sys.cpu.user",
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "24", tsuid2)), exact: true},
		{name: "3 qsMetricMetaScanResolve", setup: putsW, query: "?timeseries=sys.cpu.user&resolve",
			want: arr(rpt(1388534400000, "42", tsuid1, "sys.cpu.user", "web01"), rpt(1388534400000, "24", tsuid2, "sys.cpu.user", "web02")), exact: true},
		{name: "3b resolve=false still resolves", setup: putsW, query: "?timeseries=sys.cpu.user&resolve=false",
			want: arr(rpt(1388534400000, "42", tsuid1, "sys.cpu.user", "web01"), rpt(1388534400000, "24", tsuid2, "sys.cpu.user", "web02"))},
		{name: "4 qsMetricMetaScanOneMissing", setup: func(e *tsdbEnv) { e.put(1388534400, "24", "web02") },
			query: "?timeseries=sys.cpu.user", want: arr(pt(1388534400000, "24", tsuid2))},
		{name: "5 qsMetricMetaScanNoResults", query: "?timeseries=sys.cpu.user", want: "[]", exact: true},
		{name: "6 qsMetricMetaScanBackscanZero", setup: putsW, query: "?timeseries=sys.cpu.user&back_scan=0",
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "24", tsuid2))},
		{name: "7 qsMetricBackscan", setup: func(e *tsdbEnv) { e.put(1356998400, "42", "web01") },
			query: "?timeseries=sys.cpu.user{host=web01}&back_scan=1", want: arr(pt(1356998400000, "42", tsuid1)), exact: true},
		{name: "8 qsMetricBackscanResolved", setup: func(e *tsdbEnv) { e.put(1356998400, "42", "web01") },
			query: "?timeseries=sys.cpu.user{host=web01}&back_scan=1&resolve=true",
			want:  arr(rpt(1356998400000, "42", tsuid1, "sys.cpu.user", "web01")), exact: true},
		{name: "9 qsMetricBackscanNoResult", query: "?timeseries=sys.cpu.user{host=web01}&back_scan=1", want: "[]", exact: true},
		{name: "13 qsTSUIDMeta", setup: putsW, query: "?tsuids=" + tsuid1, want: arr(pt(1388534400000, "42", tsuid1)), exact: true},
		{name: "14 qsTSUIDMetaCommaSeparated", setup: putsW, query: "?tsuids=" + tsuid1 + "," + tsuid2,
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "24", tsuid2)), exact: true},
		{name: "15 qsTSUIDMetaTwoQueries", setup: putsW, query: "?tsuids=" + tsuid1 + "&tsuids=" + tsuid2,
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "24", tsuid2)), exact: true},
		{name: "15b no de-duplication", setup: putsW, query: "?tsuids=" + tsuid1 + "&tsuids=" + tsuid1,
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "42", tsuid1))},
		{name: "15c lower-case and odd-length TSUIDs come back normalised", setup: putsW, query: "?tsuids=00001000001000001",
			want: arr(pt(1388534400000, "42", tsuid1))},
		{name: "16 qsTSUIDMetaNoResults", query: "?tsuids=" + tsuid1, want: "[]", exact: true},
		{name: "17 qsTSUIDBackscan", setup: putsQ, query: "?tsuids=" + tsuid1 + "&back_scan=1",
			want: arr(pt(1356998400000, "42", tsuid1)), exact: true},
		{name: "18 qsTSUIDBackscanNoResult", setup: func(e *tsdbEnv) { e.put(1356998400, "24", "web02") },
			query: "?tsuids=" + tsuid1 + "&back_scan=1", want: "[]", exact: true},
		{name: "22 postMetricMetaWithTags", setup: putsW, method: "POST",
			body: `{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}}]}`, want: arr(pt(1388534400000, "42", tsuid1)), exact: true},
		{name: "23 postMetricMetaWithoutTags", setup: putsW, method: "POST", body: `{"queries":[{"metric":"sys.cpu.user"}]}`,
			want: arr(pt(1388534400000, "42", tsuid1), pt(1388534400000, "24", tsuid2))},
		{name: "24 postMetricMetaWithoutTagsResolve", setup: putsW, method: "POST",
			body: `{"queries":[{"metric":"sys.cpu.user"}],"resolveNames":true}`,
			want: arr(rpt(1388534400000, "42", tsuid1, "sys.cpu.user", "web01"), rpt(1388534400000, "24", tsuid2, "sys.cpu.user", "web02"))},
		{name: "25 postMetricBackscanWithTags", setup: putsQ, method: "POST",
			body: `{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}}],"backScan":1}`, want: arr(pt(1356998400000, "42", tsuid1))},
		{name: "25b POST query string flags are ignored", setup: putsQ, method: "POST", query: "?back_scan=1&resolve",
			body: `{"queries":[{"tsuids":["` + tsuid1 + `"]}]}`, want: "[]"},
		{name: "25c mixed sub-queries", setup: putsQ, method: "POST",
			body: `{"queries":[{"tsuids":["` + tsuid2 + `"]},{"metric":"sys.cpu.user","tags":{"host":"web01"}}],"backScan":"24","resolveNames":"true"}`,
			want: arr(rpt(1356998400000, "24", tsuid2, "sys.cpu.user", "web02"), rpt(1356998400000, "42", tsuid1, "sys.cpu.user", "web01"))},
		{name: "28 getLastPointMetricZeroBackscanMostRecent", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) {
			e.put(1356998400, "42", "web01")
			e.put(1356998401, "24", "web01")
			e.put(1356998402, "1", "web01")
		}, query: "?tsuids=" + tsuid1, want: arr(pt(1356998402000, "1", tsuid1)), exact: true},
		{name: "30 meta off, metric path", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) { e.put(1356998400, "42", "web01") },
			query: "?timeseries=sys.cpu.user{host=web01}", want: "[]", exact: true},
		{name: "33 ms and float", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) { e.put(1356998400500, "42.5", "web01") },
			query: "?tsuids=" + tsuid1 + "&back_scan=1", want: arr(pt(1356998400500, "42.5", tsuid1)), exact: true},
		{name: "33b value texts", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) {
			e.put(1356998400, `"1e7"`, "web01")
			e.put(1356998400, `"-0.0"`, "web02")
		}, query: "?tsuids=" + tsuid1 + "," + tsuid2, want: arr(pt(1356998400000, "1.0E7", tsuid1), pt(1356998400000, "-0.0", tsuid2))},
		{name: "35a seconds up to 4294967295", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) { e.put(4294967295, "1", "web01") },
			q: 4294967295000, query: "?tsuids=" + tsuid1, want: arr(pt(4294967295000, "1", tsuid1)), exact: true},
		{name: "35b milliseconds from 4294967296", opts: []envOption{metaOff}, setup: func(e *tsdbEnv) { e.put(4294967296, "1", "web01") },
			q: 4294967296, query: "?tsuids=" + tsuid1, want: arr(pt(4294967296, "1", tsuid1)), exact: true},
		{name: "35c counter method, fresh series", setup: func(e *tsdbEnv) {
			e.putAt(4294967296, 4294967296, "1", "web03")
		}, query: "?tsuids=000001000001000003", want: arr(pt(4294967296, "1", "000001000001000003")), exact: true},
		{name: "v1 route and upper-case endpoint", setup: putsW, query: "", method: "GET-v1",
			want: arr(pt(1388534400000, "42", tsuid1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := fixture(t, c.opts...)
			if c.setup != nil {
				c.setup(e)
			}
			e.at(clockQ)
			if c.q != 0 {
				e.at(c.q)
			}
			method, path := c.method, "/api/query/last"+c.query
			switch method {
			case "":
				method = "GET"
			case "GET-v1":
				method, path = "GET", "/api/v1/QUERY/LAST/?tsuids="+tsuid1
			}
			r := e.do(method, path, c.body)
			if r.Status != 200 {
				t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
			}
			if c.exact {
				if r.Body != c.want {
					t.Fatalf("%s %s:\n got %s\nwant %s", method, path, r.Body, c.want)
				}
			} else if !sameResults(t, r.Body, c.want) {
				t.Fatalf("%s %s:\n got %s\nwant %s (any order)", method, path, r.Body, c.want)
			}
		})
	}
}

// putsW writes 42 (web01) and 24 (web02) at 1388534400.
func putsW(e *tsdbEnv) {
	e.put(1388534400, "42", "web01")
	e.put(1388534400, "24", "web02")
}

// putsQ writes 42 (web01) and 24 (web02) at 1356998400.
func putsQ(e *tsdbEnv) {
	e.put(1356998400, "42", "web01")
	e.put(1356998400, "24", "web02")
}

// Case 31: the counter method looks only at the hour of the last write, so
// a backfilled point needs back_scan; a newer write moves the counter.
func TestTSDBConformanceCounterQuirk(t *testing.T) {
	e := fixture(t)
	now := time.Date(2026, 3, 4, 10, 17, 0, 0, time.UTC).UnixMilli()
	h := now / 1000 / 3600 * 3600
	e.putAt(now, h-3600, "7", "web01")
	e.at(now)
	e.expectLast("GET", "?tsuids="+tsuid1, "", "[]")
	e.expectLast("GET", "?tsuids="+tsuid1+"&back_scan=1", "", arr(pt((h-3600)*1000, "7", tsuid1)))
	e.putAt(now, h+1, "8", "web01")
	e.at(now)
	e.expectLast("GET", "?tsuids="+tsuid1, "", arr(pt((h+1)*1000, "8", tsuid1)))
	// Back-scan never looks past the current hour, but finds a point later
	// than now inside it.
	e.putAt(now, h+3600, "9", "web01")
	e.at(now)
	e.expectLast("GET", "?tsuids="+tsuid1+"&back_scan=5", "", arr(pt((h+1)*1000, "8", tsuid1)))
	// The write of 9 moved the counter to now again: hour h, whose row still
	// has 8 as its newest cell.
	e.expectLast("GET", "?tsuids="+tsuid1, "", arr(pt((h+1)*1000, "8", tsuid1)))
}

func TestTSDBConformanceLastErrors(t *testing.T) {
	e := fixture(t)
	e.at(clockQ)
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"38 qsEmpty", "GET", "/api/query/last", "", 400, errBody(400, "Missing sub queries", "")},
		{"39 postEmptyList", "POST", "/api/query/last", `{"queries":[]}`, 400, errBody(400, "Missing sub queries", "")},
		{"39 postEmpty", "POST", "/api/query/last", `{}`, 400, errBody(400, "Missing sub queries", "")},
		{"39b null body", "POST", "/api/query/last", `null`, 400, errBody(400, "Missing sub queries", "")},
		{"40 empty body", "POST", "/api/query/last", "", 400,
			errBody(400, "Missing message content", "Supply valid JSON formatted data in the body of your request")},
		{"42 qsMetricBackscanMissingTags", "GET", "/api/query/last?timeseries=sys.cpu.user&back_scan=1", "", 400,
			wrappedErr("Tags cannot be null or empty when getting a TSUID")},
		{"43 qsMetricNSUNMetric", "GET", "/api/query/last?timeseries=sys.cpu.nice{host=web01}", "", 400,
			wrappedErr("No such name for 'metrics': 'sys.cpu.nice'")},
		{"43b unknown tagk", "GET", "/api/query/last?timeseries=sys.cpu.user{dc=web01}", "", 400,
			wrappedErr("No such name for 'tagk': 'dc'")},
		{"43c unknown tagv", "GET", "/api/query/last?timeseries=sys.cpu.user{host=web99}&back_scan=2", "", 400,
			wrappedErr("No such name for 'tagv': 'web99'")},
		{"43d filters are literal values", "GET", "/api/query/last?timeseries=sys.cpu.user{host=*}", "", 400,
			wrappedErr("No such name for 'tagv': '*'")},
		{"46 bad back_scan", "GET", "/api/query/last?timeseries=sys.cpu.user{host=web01}&back_scan=abc", "", 400,
			errBody(400, "Unable to parse back_scan parameter", "")},
		{"51 empty timeseries", "GET", "/api/query/last?timeseries=", "", 400, wrappedErr("Metric cannot be null or empty")},
		{"51 POST without metric", "POST", "/api/query/last", `{"queries":[{"tags":{"host":"web01"}}]}`, 400,
			wrappedErr("Metric cannot be null or empty")},
		{"52 missing brace", "GET", "/api/query/last?timeseries=sys.cpu.user{host=web01", "", 500,
			errBody(500, "Missing '}' at the end of: sys.cpu.user{host=web01", "")},
		{"52 invalid tag", "GET", "/api/query/last?timeseries=sys.cpu.user{host}", "", 500,
			errBody(500, "When parsing tag 'host': invalid tag: host", "")},
		{"54 PUT", "PUT", "/api/query/last", "", 405,
			errBody(405, "Method not allowed", "The HTTP method [PUT] is not permitted for this endpoint")},
		{"55 DELETE", "DELETE", "/api/query/last?tsuids=" + tsuid1, "", 400,
			errBody(400, "Bad request", "Deleting data is not enabled (tsd.http.query.allow_delete=false)")},
		{"56 v2", "GET", "/api/v2/query/last?tsuids=" + tsuid1, "", 501,
			errBody(501, "Requested API version is greater than the max implemented", "API version [2] is greater than the max [1]")},
		{"bad version", "GET", "/api/v1x/query/last?tsuids=" + tsuid1, "", 400,
			errBody(400, "Invalid API version format supplied", "API version [1x] cannot be parsed to an integer")},
		{"unknown endpoint", "GET", "/api/nope", "", 404, `{"error":{"code":404,"message":"Endpoint not found"}}`},
		{"bad hex", "GET", "/api/query/last?tsuids=00000G000001000001", "", 400,
			wrappedErr("contains illegal character for hexBinary: 00000G000001000001")},
		{"empty tsuid piece", "GET", "/api/query/last?tsuids=," + tsuid1, "", 400, wrappedErr("UID was empty")},
		{"short tsuid", "GET", "/api/query/last?tsuids=000001000001", "", 400,
			wrappedErr("TSUID must not be null and must have a metric and at least one tag pair")},
		{"negative back_scan with tsuids", "GET", "/api/query/last?tsuids=" + tsuid1 + "&back_scan=-1", "", 400,
			wrappedErr("Backscan must be zero or a positive number")},
		{"negative back_scan on a meta scan with matches", "GET", "/api/query/last?timeseries=sys.cpu.user&back_scan=-1", "", 400,
			wrappedErr("Backscan must be zero or a positive number")},
		{"first error wins", "GET", "/api/query/last?timeseries=sys.cpu.nice&tsuids=zz", "", 400,
			wrappedErr("contains illegal character for hexBinary: zz")},
		{"jsonp wraps errors", "GET", "/api/query/last?jsonp=cb", "", 400, "cb(" + errBody(400, "Missing sub queries", "") + ")"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			e.expectError(c.method, c.path, c.body, c.status, c.want)
		})
	}
	t.Run("41 resolve is not a POST field", func(t *testing.T) {
		e.t = t
		r := e.do("POST", "/api/query/last", `{"queries":[{"metric":"sys.cpu.user"}],"resolve":true}`)
		var env struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Details string `json:"details"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.Body), &env); err != nil || r.Status != 400 || env.Error.Code != 400 ||
			env.Error.Message != "Unable to parse the given JSON" || !strings.Contains(env.Error.Details, `Unrecognized field "resolve"`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("negative back_scan on a meta scan without matches", func(t *testing.T) {
		e.t = t
		e.expectLast("GET", "?timeseries=sys.cpu.system%7Bhost=web02%7D&back_scan=-1", "", "[]")
	})
	t.Run("jsonp wraps results", func(t *testing.T) {
		e.t = t
		r := e.do("GET", "/api/query/last?tsuids="+tsuid1+"&jsonp=fn", "")
		if r.Status != 200 || r.Body != "fn([])" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

func TestTSDBConformancePut(t *testing.T) {
	e := newTSDB(t)
	one := `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`
	two := `[` + one + `,{"metric":"sys.cpu.system","timestamp":1365465600,"value":24,"tags":{"host":"web01"}}]`
	details := func(body string) string {
		return body
	}
	cases := []struct {
		name, method, query, body string
		status                    int
		want                      string
	}{
		{"59 putSingle", "POST", "", one, 204, ""},
		{"60 putTwo", "POST", "", two, 204, ""},
		{"61 putSingleSummary", "POST", "?summary", one, 200, `{"success":1,"failed":0}`},
		{"62 putSingleDetails", "POST", "?details", one, 200, `{"success":1,"failed":0,"errors":[]}`},
		{"62 putSingleSummaryAndDetails", "POST", "?summary&details", one, 200, `{"success":1,"failed":0,"errors":[]}`},
		{"63 putTwoSummary", "POST", "?summary", two, 200, `{"success":2,"failed":0}`},
		{"summary=false is still summary", "POST", "?summary=false", one, 200, `{"success":1,"failed":0}`},
		{"sync with sync_timeout reports timeouts", "POST", "?sync&sync_timeout=100&summary", one, 200, `{"success":1,"timeouts":0,"failed":0}`},
		{"sync_timeout must be an integer", "POST", "?sync_timeout=abc", one, 500, errBody(500, `For input string: "abc"`, "")},
		{"v1 put", "POST", "", one, 204, ""},
		{"66 badMethod", "GET", "", "", 405, errBody(405, "Method not allowed", "The HTTP method [GET] is not permitted for this endpoint")},
		{"69 noContent", "POST", "", "", 400, errBody(400, "Missing request content", "")},
		{"68 notJSON", "POST", "", "Hello World", 400, errBody(400, "The JSON must start as an object or an array", "")},
		{"whitespace only", "POST", "", "  \n ", 400, errBody(400, "Missing request content", "")},
		{"70 empty array", "POST", "", "[]", 400, errBody(400, "No datapoints found in content", "")},
		{"71 one bad point, no details", "POST", "", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"notanumber","tags":{"host":"web01"}}`, 400,
			`{"error":{"code":400,"message":"One or more data points had errors","details":"Please see the TSD logs or append \"details\" to the put request"}}`},
		{"71b summary with a bad point", "POST", "?summary", `[` + one + `,{"metric":"sys.cpu.user","timestamp":1365465600,"value":"x","tags":{"host":"web01"}}]`, 400,
			`{"success":1,"failed":1}`},
		{"72 missingMetric", "POST", "?details", `{"timestamp":1365465600,"value":"42","tags":{"host":"web01"}}`, 400,
			details(`{"success":0,"failed":1,"errors":[{"datapoint":{"timestamp":1365465600,"value":"42","tags":{"host":"web01"}},"error":"Metric name was empty"}]}`)},
		{"72 nullMetric", "POST", "?details", `{"metric":null,"timestamp":1365465600,"value":"42","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"timestamp":1365465600,"value":"42","tags":{"host":"web01"}},"error":"Metric name was empty"}]}`},
		{"73 missingTimestamp", "POST", "?details", `{"metric":"sys.cpu.user","value":"42","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":0,"value":"42","tags":{"host":"web01"}},"error":"Invalid timestamp"}]}`},
		{"73 nullTimestamp", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":null,"value":"42","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":0,"value":"42","tags":{"host":"web01"}},"error":"Invalid timestamp"}]}`},
		{"73 invalidTimestamp", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":-1,"value":"42","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":-1,"value":"42","tags":{"host":"web01"}},"error":"Invalid timestamp"}]}`},
		{"74 missingValue", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"tags":{"host":"web01"}},"error":"Empty value"}]}`},
		{"74 nullValue", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":null,"tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"tags":{"host":"web01"}},"error":"Empty value"}]}`},
		{"74 emptyValue", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"","tags":{"host":"web01"}},"error":"Empty value"}]}`},
		{"75 badValue", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"notanumber","tags":{"host":"web01"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"notanumber","tags":{"host":"web01"}},"error":"Unable to parse value to a number"}]}`},
		{"77 missingTags", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42"}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42"},"error":"Missing tags"}]}`},
		{"77 nullTags", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42","tags":null}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42"},"error":"Missing tags"}]}`},
		{"77 emptyTags", "POST", "?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42","tags":{}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42","tags":{}},"error":"Missing tags"}]}`},
		{"null datapoint", "POST", "?details", `[null]`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":null,"error":"Unexpected null datapoint encountered in set."}]}`},
		{"not finite", "POST", "?details", `{"metric":"m","timestamp":1,"value":"1e999","tags":{"k":"v"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"m","timestamp":1,"value":"1e999","tags":{"k":"v"}},"error":"value is NaN or Infinite: Infinity for metric=m timestamp=1"}]}`},
		{"bad timestamp", "POST", "?details", `{"metric":"m","timestamp":10000000000000,"value":42,"tags":{"k":"v"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"m","timestamp":10000000000000,"value":"42","tags":{"k":"v"}},"error":"bad timestamp=10000000000000 when trying to add value=[42]/0 to metric=m, tags={k=v}"}]}`},
		{"invalid metric name", "POST", "?details", `{"metric":"a b","timestamp":1,"value":42,"tags":{"k":"v"}}`, 400,
			`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"a b","timestamp":1,"value":"42","tags":{"k":"v"}},"error":"Invalid metric name (\"a b\"): illegal character:  "}]}`},
		{"errors in processing order", "POST", "?details", `[{"metric":"m","timestamp":1,"value":"x","tags":{"k":"v"}},` + one + `,{"metric":"m","timestamp":0,"value":1,"tags":{"k":"v"}}]`, 400,
			`{"success":1,"failed":2,"errors":[{"datapoint":{"metric":"m","timestamp":1,"value":"x","tags":{"k":"v"}},"error":"Unable to parse value to a number"},` +
				`{"datapoint":{"metric":"m","timestamp":0,"value":"1","tags":{"k":"v"}},"error":"Invalid timestamp"}]}`},
		{"67 badJSON", "POST", "", `{"metric":"sys.cpu.user,"timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`, 400, ""},
		{"85 ValueNaNCase", "POST", "?details", `{"metric":"m","timestamp":1,"value":Nan,"tags":{"k":"v"}}`, 400, ""},
		{"85 ValueINFUnsigned", "POST", "?details", `{"metric":"m","timestamp":1,"value":INF,"tags":{"k":"v"}}`, 400, ""},
		{"85 ValueINFCase", "POST", "?details", `{"metric":"m","timestamp":1,"value":+inf,"tags":{"k":"v"}}`, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			path := "/api/put"
			if strings.HasPrefix(c.name, "v1") {
				path = "/api/v1/put"
			}
			r := e.do(c.method, path+c.query, c.body)
			if r.Status != c.status {
				t.Fatalf("status %d %s, want %d %s", r.Status, r.Body, c.status, c.want)
			}
			if c.want == "" && c.status == 400 {
				// Parse errors: the message is fixed, the details are the parser's.
				var env struct {
					Error struct {
						Code    int
						Message string
					}
				}
				if err := json.Unmarshal([]byte(r.Body), &env); err != nil || env.Error.Message != "Unable to parse the given JSON" || env.Error.Code != 400 {
					t.Fatalf("body %s", r.Body)
				}
				return
			}
			if r.Body != c.want {
				t.Fatalf("\n got %s\nwant %s", r.Body, c.want)
			}
		})
	}
}

func TestTSDBConformanceUnknownMetric(t *testing.T) {
	e := newTSDB(t, autoCreateMetricsOff)
	e.post("/api/put?details", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`, 400,
		`{"success":0,"failed":1,"errors":[{"datapoint":{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42","tags":{"host":"web01"}},"error":"Unknown metric"}]}`)
	// Once the metric has a UID, tag names and values are still auto-created.
	if r := e.do("GET", "/api/uid/assign?metric=sys.cpu.user", ""); r.Status != 200 || r.Body != `{"metric":{"sys.cpu.user":"000001"}}` {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	e.post("/api/put?summary", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`, 200, `{"success":1,"failed":0}`)
	e.at(1365465600000)
	e.expectLast("GET", "?tsuids="+tsuid1+"&back_scan=1", "", arr(pt(1365465600000, "42", tsuid1)))
}

func TestTSDBConformanceUIDs(t *testing.T) {
	t.Run("86 assignment order", func(t *testing.T) {
		e := newTSDB(t)
		e.put(1388534400, "1", "web01")
		e.put(1388534400, "2", "web02")
		e.post("/api/put", `{"metric":"sys.cpu.system","timestamp":1388534400,"value":3,"tags":{"host":"web01"}}`, 204, "")
		e.expectLast("GET", "?timeseries=sys.cpu.user&timeseries=sys.cpu.system&resolve", "", arr(
			rpt(1388534400000, "1", "000001000001000001", "sys.cpu.user", "web01"),
			rpt(1388534400000, "2", "000001000001000002", "sys.cpu.user", "web02"),
			rpt(1388534400000, "3", "000002000001000001", "sys.cpu.system", "web01")))
	})
	t.Run("88 rejected points assign no UIDs", func(t *testing.T) {
		e := newTSDB(t)
		e.post("/api/put", `{"metric":"a","timestamp":1,"value":"x","tags":{"k":"v"}}`, 400, "")
		e.post("/api/put", `{"metric":"b","timestamp":1388534400,"value":1,"tags":{"k2":"v2"}}`, 204, "")
		e.expectLast("GET", "?timeseries=b", "", arr(pt(1388534400000, "1", "000001000001000001")))
	})
	t.Run("Java HashMap order assigns tag UIDs", func(t *testing.T) {
		e := newTSDB(t)
		// {dc,host} iterates host, dc: host gets tagk 1, dc tagk 2.
		e.post("/api/put", `{"metric":"m","timestamp":1388534400,"value":1,"tags":{"dc":"lga","host":"web01"}}`, 204, "")
		e.expectLast("GET", "?timeseries=m&resolve", "", arr(
			`{"metric":"m","timestamp":1388534400000,"value":"1","tags":{"host":"web01","dc":"lga"},"tsuid":"000001000001000001000002000002"}`))
		r := e.last("GET", "?timeseries=m&resolve", "")
		if !strings.Contains(r.Body, `"tags":{"host":"web01","dc":"lga"}`) {
			t.Fatalf("tags not in Java order: %s", r.Body)
		}
	})
	t.Run("meta scan matches tag subsets, back_scan the exact series", func(t *testing.T) {
		e := newTSDB(t)
		e.post("/api/put", `[{"metric":"m","timestamp":1388534400,"value":1,"tags":{"host":"a","dc":"x"}},`+
			`{"metric":"m","timestamp":1388534400,"value":2,"tags":{"host":"b","dc":"x"}},`+
			`{"metric":"m","timestamp":1388534400,"value":3,"tags":{"host":"a"}}]`, 204, "")
		e.expectLast("GET", "?timeseries=m{dc=x}", "", arr(
			pt(1388534400000, "1", "000001000001000001000002000002"), pt(1388534400000, "2", "000001000001000003000002000002")))
		e.expectLast("GET", "?timeseries=m{host=a}", "", arr(
			pt(1388534400000, "1", "000001000001000001000002000002"), pt(1388534400000, "3", "000001000001000001")))
		e.expectLast("GET", "?timeseries=m{host=a}&back_scan=1", "", arr(pt(1388534400000, "3", "000001000001000001")))
		e.expectLast("GET", "?timeseries=m{host=a,dc=x}&back_scan=1&resolve", "", arr(
			`{"metric":"m","timestamp":1388534400000,"value":"1","tags":{"host":"a","dc":"x"},"tsuid":"000001000001000001000002000002"}`))
	})
}

func TestTSDBSuggestAssignVersion(t *testing.T) {
	e := newTSDB(t)
	e.post("/api/put", `[{"metric":"sys.cpu.user","timestamp":1,"value":1,"tags":{"host":"web01"}},`+
		`{"metric":"sys.cpu.system","timestamp":1,"value":1,"tags":{"host":"web02"}},{"metric":"disk","timestamp":1,"value":1,"tags":{"host":"web01"}}]`, 204, "")
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"suggest metrics", "GET", "/api/suggest?type=metrics&q=sys", "", 200, `["sys.cpu.system","sys.cpu.user"]`},
		{"suggest all", "GET", "/api/suggest?type=metrics", "", 200, `["disk","sys.cpu.system","sys.cpu.user"]`},
		{"suggest max", "GET", "/api/suggest?type=tagv&max=1", "", 200, `["web01"]`},
		{"suggest POST", "POST", "/api/suggest", `{"type":"tagk","q":"h","max":5}`, 200, `["host"]`},
		{"suggest missing type", "GET", "/api/suggest?q=a", "", 400, errBody(400, "Missing parameter <code>type</code>", "")},
		{"suggest bad type", "GET", "/api/suggest?type=nope", "", 400, errBody(400, "Invalid 'type' parameter:nope", "")},
		{"suggest bad max", "GET", "/api/suggest?type=tagk&max=x", "", 400, errBody(400, "Unable to parse 'max' as a number", "")},
		{"assign", "GET", "/api/uid/assign?metric=new.metric,sys.cpu.user&tagv=a%20b", "", 400,
			`{"tagv":{},"tagv_errors":{"a b":"Invalid tagv (\"a b\"): illegal character:  "},"metric_errors":{"sys.cpu.user":"Name already exists with UID: 000001"},"metric":{"new.metric":"000004"}}`},
		{"assign POST", "POST", "/api/uid/assign", `{"tagk":["dc"]}`, 200, `{"tagk":{"dc":"000002"}}`},
		{"assign nothing", "GET", "/api/uid/assign", "", 400, errBody(400, "Missing values to assign UIDs", "")},
		{"assign method", "PUT", "/api/uid/assign?metric=x", "", 405, errBody(405, "Method not allowed", "The HTTP method [PUT] is not permitted for this endpoint")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			if !strings.HasPrefix(c.name, "assign") {
				e.expectError(c.method, c.path, c.body, c.status, c.want)
				return
			}
			// Key order follows Java's HashMap: compare as JSON values.
			r := e.do(c.method, c.path, c.body)
			var got, want any
			if r.Status != c.status || json.Unmarshal([]byte(r.Body), &got) != nil || json.Unmarshal([]byte(c.want), &want) != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%d %s, want %d %s", r.Status, r.Body, c.status, c.want)
			}
		})
	}
	t.Run("version", func(t *testing.T) {
		e.t = t
		r := e.do("GET", "/api/version", "")
		var v map[string]string
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil || r.Status != 200 || v["version"] != "2.4.1" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

func TestTSDBGzipBody(t *testing.T) {
	e := newTSDB(t)
	r := e.do("POST", "/api/put", "")
	if r.Status != 400 {
		t.Fatalf("%d", r.Status)
	}
	body := gzipped(t, `{"metric":"m","timestamp":1388534400,"value":5,"tags":{"k":"v"}}`)
	r = servertest.Do(t, "POST", e.s.URL+"/api/put?summary", body, "Content-Encoding", "gzip")
	if r.Status != 200 || r.Body != `{"success":1,"failed":0}` {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = servertest.Do(t, "POST", e.s.URL+"/api/put", "not gzip", "Content-Encoding", "gzip")
	if r.Status != 400 || !strings.Contains(r.Body, `"message":"Unable to decompress the request content"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTSDBRequireToken(t *testing.T) {
	e := newTSDB(t, func(c *server.Config) { c.TSDB.RequireToken = true })
	e.expectError("GET", "/api/version", "", 401, errBody(401, "Unauthorized", "missing or invalid token"))
	r := servertest.Do(t, "GET", e.s.URL+"/api/version?token="+url.QueryEscape(servertest.Token), "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

// putBody renders n points of metric m, series host=<prefix>-<i>, dc=lga, at
// second ts with value i.
func putBody(m, prefix string, n int, ts int64) string {
	var b strings.Builder
	b.Grow(n * 96)
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metric":%q,"timestamp":%d,"value":%d,"tags":{"host":"%s-%d","dc":"lga"}}`, m, ts, i, prefix, i)
	}
	b.WriteByte(']')
	return b.String()
}

// BenchmarkTSDBIngest measures /api/put throughput over HTTP on one node
// (raft log fsync on): 8 concurrent clients, 1,000-point bodies, each
// client writing its own 1,000 series. ns/op is per body; points/s is the
// figure to read.
func BenchmarkTSDBIngest(b *testing.B) {
	s := servertest.Start(b, servertest.Options{})
	const clients, batch, variants = 8, 1000, 8
	bodies := make([][]string, clients)
	now := time.Now().Unix()
	for c := range bodies {
		for v := 0; v < variants; v++ {
			bodies[c] = append(bodies[c], putBody("bench.ingest", fmt.Sprintf("c%d", c), batch, now+int64(v)))
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	post := func(body string) error {
		resp, err := client.Post(s.URL+"/api/put", "application/json", strings.NewReader(body))
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 204 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	// Warm up: create the UIDs and rows.
	for c := range bodies {
		if err := post(bodies[c][0]); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		c := int(next.Add(1)-1) % clients
		for i := 0; pb.Next(); i++ {
			if err := post(bodies[c][i%variants]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	el := time.Since(start)
	b.ReportMetric(float64(b.N*batch)/el.Seconds(), "points/s")
	// CPU per point (client and server together, all threads): the figure
	// that does not depend on how busy the machine is.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Microsecond)/float64(b.N*batch), "cpu-µs/point")
}

// BenchmarkTSDBQueryLast measures /api/query/last latency over HTTP: one
// series by TSUID (counter method), one series by metric and tags with a
// back-scan, and a metric with 10,000 series (meta scan).
func BenchmarkTSDBQueryLast(b *testing.B) {
	s := servertest.Start(b, servertest.Options{})
	ts := time.Now().Unix()
	for i := 0; i < 10; i++ {
		r := servertest.Do(b, "POST", s.URL+"/api/put", putBody("bench.wide", fmt.Sprintf("h%d", i), 1000, ts))
		if r.Status != 204 {
			b.Fatal(r.Status, r.Body)
		}
	}
	r := servertest.Do(b, "POST", s.URL+"/api/put", putBody("bench.one", "h", 1, ts))
	if r.Status != 204 {
		b.Fatal(r.Status, r.Body)
	}
	client := &http.Client{}
	var one []struct {
		TSUID string `json:"tsuid"`
	}
	r = servertest.Do(b, "GET", s.URL+"/api/query/last?timeseries=bench.one", "")
	if err := json.Unmarshal([]byte(r.Body), &one); err != nil || len(one) != 1 {
		b.Fatal(r.Status, r.Body, err)
	}
	cases := []struct{ name, query string }{
		{"one_series_tsuid", "?tsuids=" + one[0].TSUID},
		{"one_series_backscan24", "?timeseries=bench.one%7Bhost=h-0,dc=lga%7D&back_scan=24"},
		{"metric_10000_series", "?timeseries=bench.wide"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			check := servertest.Do(b, "GET", s.URL+"/api/query/last"+c.query, "")
			if check.Status != 200 || check.Body == "[]" {
				b.Fatal(check.Status, check.Body[:min(len(check.Body), 200)])
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				resp, err := client.Get(s.URL + "/api/query/last" + c.query)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

// checkEnvelope fails unless r is a well-formed OpenTSDB answer: JSON with
// the OpenTSDB content type, and an error envelope whose code equals the
// status for every status >= 400.
func checkEnvelope(t *testing.T, r servertest.Response) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if r.Status == 204 {
		if r.Body != "" {
			t.Fatalf("204 with body %q", r.Body)
		}
		return
	}
	if !json.Valid([]byte(r.Body)) {
		t.Fatalf("%d: body is not JSON: %q", r.Status, r.Body)
	}
	if r.Status >= 400 && !strings.HasPrefix(r.Body, `{"success":`) {
		var env struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.Body), &env); err != nil || env.Error.Code != r.Status || env.Error.Message == "" {
			t.Fatalf("%d: bad error envelope %q", r.Status, r.Body)
		}
	}
}

// FuzzTSDBPut posts arbitrary bodies to /api/put?details on a real server:
// every answer is a well-formed 200/204/400, never a 5xx.
func FuzzTSDBPut(f *testing.F) {
	for _, s := range []string{
		`{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`,
		`[{"metric":"m","timestamp":1,"value":"1.5e3","tags":{"a":"b","c":"d"}},null,{"metric":"","timestamp":0}]`,
		`[]`, ``, `   `, `Hello`, `{"metric":"m","timestamp":"12","value":NaN,"tags":{"k":"v"}}`,
		`[{"metric":"m","timestamp":9999999999999,"value":-0.0,"tags":{"k":"v","k2":"v2","k3":"v3","k4":"v4","k5":"v5","k6":"v6","k7":"v7","k8":"v8","k9":"v9"}}]`,
		`{"metric":"a\u0000b","timestamp":1,"value":"1","tags":{"k\u00e9":"v"}}`,
	} {
		f.Add(s)
	}
	s := servertest.Start(f, servertest.Options{})
	f.Fuzz(func(t *testing.T, body string) {
		r := servertest.Do(t, "POST", s.URL+"/api/put?details", body)
		checkEnvelope(t, r)
		if r.Status != 200 && r.Status != 204 && r.Status != 400 {
			t.Fatalf("status %d %s for %q", r.Status, r.Body, body)
		}
	})
}

// FuzzTSDBLast sends arbitrary query strings and bodies to /api/query/last:
// every answer is well formed; 500 only for what OpenTSDB answers with 500
// (timeseries syntax and malformed percent-escapes).
func FuzzTSDBLast(f *testing.F) {
	for _, c := range [][2]string{
		{"timeseries=sys.cpu.user{host=web01}", ""},
		{"tsuids=000001000001000001,zz&back_scan=-3&resolve", ""},
		{"timeseries=sys.cpu.user{host=web01&back_scan=1", ""},
		{"timeseries=%zz", ""},
		{"", `{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}},{"tsuids":["000001000001000002"]}],"backScan":"2","resolveNames":1}`},
		{"", `{"queries":[{"metric":null,"tsuids":[null]}]}`},
		{"jsonp=f", `{"queries":`},
	} {
		f.Add(c[0], c[1])
	}
	s := servertest.Start(f, servertest.Options{})
	r := servertest.Do(f, "POST", s.URL+"/api/put", `[{"metric":"sys.cpu.user","timestamp":1,"value":1,"tags":{"host":"web01"}},`+
		`{"metric":"sys.cpu.user","timestamp":2,"value":2.5,"tags":{"host":"web02"}}]`)
	if r.Status != 204 {
		f.Fatal(r.Status, r.Body)
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) || !utf8.ValidString(query) {
			return // not a valid request line
		}
		method := "GET"
		if body != "" {
			method = "POST"
		}
		r := servertest.Do(t, method, s.URL+"/api/query/last?"+query, body)
		if strings.Contains(query, "jsonp=") {
			return // wrapped answers are not JSON
		}
		checkEnvelope(t, r)
		switch r.Status {
		case 200, 400:
		case 500:
			if !strings.Contains(r.Body, "escape sequence") &&
				(method != "GET" || !(strings.Contains(r.Body, "Missing '}'") || strings.Contains(r.Body, "When parsing tag"))) {
				t.Fatalf("500 %s for %q", r.Body, query)
			}
		default:
			t.Fatalf("status %d %s for %q %q", r.Status, r.Body, query, body)
		}
	})
}

// processCPU returns the user+system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Points, UIDs and counters survive a restart (they are replicated state,
// not memory).
func TestTSDBSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clock := servertest.NewClock(time.UnixMilli(clockW))
	s := servertest.Start(t, servertest.Options{Clock: clock, DataDir: dir})
	r := servertest.Do(t, "POST", s.URL+"/api/put", `{"metric":"m","timestamp":1388534400,"value":"1.5","tags":{"k":"v"}}`)
	if r.Status != 204 {
		t.Fatal(r.Status, r.Body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = servertest.Start(t, servertest.Options{Clock: clock, DataDir: dir})
	r = servertest.Do(t, "GET", s.URL+"/api/query/last?timeseries=m&resolve", "")
	if r.Status != 200 || r.Body != `[{"metric":"m","timestamp":1388534400000,"value":"1.5","tags":{"k":"v"},"tsuid":"000001000001000001"}]` {
		t.Fatal(r.Status, r.Body)
	}
	// New names continue the UID sequence.
	r = servertest.Do(t, "POST", s.URL+"/api/put", `{"metric":"m2","timestamp":1388534400,"value":2,"tags":{"k":"v"}}`)
	if r.Status != 204 {
		t.Fatal(r.Status, r.Body)
	}
	r = servertest.Do(t, "GET", s.URL+"/api/query/last?timeseries=m2", "")
	if r.Status != 200 || !strings.Contains(r.Body, `"tsuid":"000002000001000001"`) {
		t.Fatal(r.Status, r.Body)
	}
}

func TestTSDBConfigValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(*server.Config)
		ok   bool
	}{
		{"defaults", func(*server.Config) {}, true},
		{"listener", func(c *server.Config) { c.TSDB.ListenAddr = "127.0.0.1:4242" }, true},
		{"bad listener", func(c *server.Config) { c.TSDB.ListenAddr = "4242" }, false},
		{"negative max_tags", func(c *server.Config) { c.TSDB.MaxTags = -1 }, false},
		{"retention under an hour", func(c *server.Config) { c.TSDB.Retention.Duration = time.Minute }, false},
		{"retention", func(c *server.Config) { c.TSDB.Retention.Duration = 7 * 24 * time.Hour }, true},
		{"negative body limit", func(c *server.Config) { c.TSDB.MaxBodyBytes = -1 }, false},
	}
	for _, c := range cases {
		cfg := server.Default()
		c.edit(&cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}
