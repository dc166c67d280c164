package otsdb

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseTimeseries(t *testing.T) {
	cases := []struct {
		in     string
		metric string
		tags   string // JavaMapString of the tags
		err    string
	}{
		{"sys.cpu.user", "sys.cpu.user", "{}", ""},
		{"", "", "{}", ""},
		{"sys.cpu.user{}", "sys.cpu.user", "{}", ""},
		{"{}", "", "{}", ""},
		{"}", "}", "{}", ""},
		{"sys.cpu.user{host=web01}", "sys.cpu.user", "{host=web01}", ""},
		{"proc.stat.cpu{host=foo,type=idle}", "proc.stat.cpu", "{host=foo, type=idle}", ""},
		{"m{type=idle,host=foo}", "m", "{host=foo, type=idle}", ""},
		{"m{dc=lga,host=web01}", "m", "{host=web01, dc=lga}", ""},
		{"m{host=*}", "m", "{host=*}", ""},
		{"m{host=a|b}", "m", "{host=a|b}", ""},
		{"m{host=a,host=a}", "m", "{host=a}", ""},
		{"m{b=c}}", "m", "{b=c}}", ""},
		{"a{b{c=d}", "a", "{b{c=d}", ""},
		{"sys.cpu.user{host=web01", "", "", "Missing '}' at the end of: sys.cpu.user{host=web01"},
		{"{", "", "", "Missing '}' at the end of: {"},
		{"m{host=web01}x", "", "", "Missing '}' at the end of: m{host=web01}x"},
		{"sys.cpu.user{host}", "", "", "When parsing tag 'host': invalid tag: host"},
		{"m{host=}", "", "", "When parsing tag 'host=': invalid tag: host="},
		{"m{=v}", "", "", "When parsing tag '=v': invalid tag: =v"},
		{"m{=}", "", "", "When parsing tag '=': invalid tag: ="},
		{"m{a=b=c}", "", "", "When parsing tag 'a=b=c': invalid tag: a=b=c"},
		{"m{,}", "", "", "When parsing tag '': invalid tag: "},
		{"m{a=1,}", "", "", "When parsing tag '': invalid tag: "},
		{"m{dc=lga,host=web01,host=web02}", "", "", "When parsing tag 'host=web02': duplicate tag: host=web02, tags={host=web01, dc=lga}"},
	}
	for _, c := range cases {
		metric, tags, err := ParseTimeseries(c.in)
		if c.err != "" {
			var e *Error
			if !errors.As(err, &e) || e.Code != 500 || e.Message != c.err || e.Details != "" {
				t.Errorf("ParseTimeseries(%q) err = %v, want 500 %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || metric != c.metric || JavaMapString(tags) != c.tags {
			t.Errorf("ParseTimeseries(%q) = %q, %s, %v; want %q, %s", c.in, metric, JavaMapString(tags), err, c.metric, c.tags)
		}
	}
}

func TestJavaSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{",", []string{}},
		{",,", []string{}},
		{"a", []string{"a"}},
		{"a,b", []string{"a", "b"}},
		{"a,,b", []string{"a", "", "b"}},
		{"a,b,,", []string{"a", "b"}},
		{",a", []string{"", "a"}},
	}
	for _, c := range cases {
		if got := JavaSplit(c.in, ','); !slices.Equal(got, c.want) {
			t.Errorf("JavaSplit(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseBackScan(t *testing.T) {
	good := map[string]int32{"0": 0, "1": 1, "+5": 5, "-5": -5, "007": 7, "24": 24, "2147483647": 2147483647, "-2147483648": -2147483648}
	for in, want := range good {
		if got, ok := ParseBackScan(in); !ok || got != want {
			t.Errorf("ParseBackScan(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "abc", "5.0", " 5", "5 ", "2147483648", "-2147483649", "+", "0x10", "1e3"} {
		if _, ok := ParseBackScan(in); ok {
			t.Errorf("ParseBackScan(%q) accepted", in)
		}
	}
}

func parseLastGET(t *testing.T, raw string) (LastQuery, error) {
	t.Helper()
	params, err := DecodeQueryString(raw)
	if err != nil {
		t.Fatalf("DecodeQueryString(%q): %v", raw, err)
	}
	q, err := ParseLastQueryParams(params)
	if err != nil {
		return q, err
	}
	return q, q.Check()
}

func TestLastQueryGET(t *testing.T) {
	cases := []struct {
		raw  string
		want LastQuery
	}{
		{"timeseries=sys.cpu.user{host=web01}", LastQuery{Queries: []LastSubQuery{{Metric: "sys.cpu.user", Tags: []Tag{{Key: "host", Value: "web01"}}}}}},
		{"timeseries=sys.cpu.user&resolve", LastQuery{ResolveNames: true, Queries: []LastSubQuery{{Metric: "sys.cpu.user", Tags: []Tag{}}}}},
		{"timeseries=sys.cpu.user&resolve=false&back_scan=0", LastQuery{ResolveNames: true, Queries: []LastSubQuery{{Metric: "sys.cpu.user", Tags: []Tag{}}}}},
		{"tsuids=000001000001000001,000001000001000002&back_scan=24&resolve=true",
			LastQuery{ResolveNames: true, BackScan: 24, Queries: []LastSubQuery{{TSUIDs: []string{"000001000001000001", "000001000001000002"}}}}},
		{"tsuids=000001000001000001&tsuids=000001000001000002&back_scan=1&back_scan=%2B2",
			LastQuery{BackScan: 2, Queries: []LastSubQuery{{TSUIDs: []string{"000001000001000001"}}, {TSUIDs: []string{"000001000001000002"}}}}},
		// timeseries sub-queries come before tsuids ones whatever the URL order.
		{"tsuids=000001000001000001&timeseries=m%7Bhost%3Dweb01%7D",
			LastQuery{Queries: []LastSubQuery{{Metric: "m", Tags: []Tag{{Key: "host", Value: "web01"}}}, {TSUIDs: []string{"000001000001000001"}}}}},
	}
	for _, c := range cases {
		q, err := parseLastGET(t, c.raw)
		if err != nil || !reflect.DeepEqual(q, c.want) {
			t.Errorf("GET %q = %+v, %v\n want %+v", c.raw, q, err, c.want)
		}
	}
}

// TestLastQueryGETErrors covers the §9 B cases that are decided before
// storage is consulted.
func TestLastQueryGETErrors(t *testing.T) {
	cases := []struct {
		raw           string
		code          int
		msg, details  string
		wrappedDetail bool
	}{
		{"", 400, "Missing sub queries", "", false},
		{"resolve&back_scan=1", 400, "Missing sub queries", "", false},
		{"timeseries=sys.cpu.user{host=web01}&back_scan=abc", 400, "Unable to parse back_scan parameter", "", false},
		{"timeseries=sys.cpu.user&back_scan=", 400, "Unable to parse back_scan parameter", "", false},
		{"timeseries=sys.cpu.user&back_scan=1", 400, "Tags cannot be null or empty when getting a TSUID", "", true},
		{"timeseries=sys.cpu.user{}&back_scan=1", 400, "Tags cannot be null or empty when getting a TSUID", "", true},
		{"timeseries=", 400, "Metric cannot be null or empty", "", true},
		{"timeseries={host=web01}", 400, "Metric cannot be null or empty", "", true},
		{"timeseries=sys.cpu.user{host=web01", 500, "Missing '}' at the end of: sys.cpu.user{host=web01", "", false},
		{"timeseries=sys.cpu.user{host}", 500, "When parsing tag 'host': invalid tag: host", "", false},
		// back_scan is parsed before the timeseries syntax.
		{"timeseries=sys.cpu.user{host&back_scan=x", 400, "Unable to parse back_scan parameter", "", false},
		{"tsuids=", 400, "UID was empty", "", true},
		{"tsuids=,", 400, "Metric cannot be null or empty", "", true},
		{"tsuids=000001000001000001,,000001000001000002", 400, "UID was empty", "", true},
		{"tsuids=00000100000100000G", 400, "contains illegal character for hexBinary: 00000100000100000G", "", true},
		{"tsuids=0000010000010000x", 400, "contains illegal character for hexBinary: 00000010000010000x", "", true},
		{"tsuids=000001000001", 400, "TSUID must not be null and must have a metric and at least one tag pair", "", true},
		{"tsuids=000001000001000001&back_scan=-1", 400, "Backscan must be zero or a positive number", "", true},
		// The first failing sub-query wins.
		{"timeseries=&tsuids=zz", 400, "Metric cannot be null or empty", "", true},
		{"timeseries=m&tsuids=zz", 400, "contains illegal character for hexBinary: zz", "", true},
	}
	for _, c := range cases {
		_, err := parseLastGET(t, c.raw)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("GET %q: err %v", c.raw, err)
			continue
		}
		details := c.details
		if c.wrappedDetail {
			details = c.msg
		}
		if e.Code != c.code || e.Message != c.msg || e.Details != details {
			t.Errorf("GET %q: got %d %q %q, want %d %q %q", c.raw, e.Code, e.Message, e.Details, c.code, c.msg, details)
		}
	}
}

func TestDecodeLastQueryBody(t *testing.T) {
	cases := []struct {
		name, body string
		want       LastQuery
	}{
		{"postMetricMetaWithTags", `{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}}]}`,
			LastQuery{Queries: []LastSubQuery{{Metric: "sys.cpu.user", Tags: []Tag{{Key: "host", Value: "web01"}}}}}},
		{"postMetricMetaWithoutTagsResolve", `{"queries":[{"metric":"sys.cpu.user"}],"resolveNames":true}`,
			LastQuery{ResolveNames: true, Queries: []LastSubQuery{{Metric: "sys.cpu.user"}}}},
		{"postMetricBackscanWithTags", `{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}}],"backScan":1}`,
			LastQuery{BackScan: 1, Queries: []LastSubQuery{{Metric: "sys.cpu.user", Tags: []Tag{{Key: "host", Value: "web01"}}}}}},
		{"docs example", `{"queries":[{"metric":"sys.cpu.0","tags":{"host":"web01","dc":"lga"}},{"tsuids":["000001000002000042","000001000002000043"]}],"resolveNames":true,"backScan":24}`,
			LastQuery{ResolveNames: true, BackScan: 24, Queries: []LastSubQuery{
				{Metric: "sys.cpu.0", Tags: []Tag{{Key: "host", Value: "web01"}, {Key: "dc", Value: "lga"}}},
				{TSUIDs: []string{"000001000002000042", "000001000002000043"}}}}},
		{"coercions", `{"backScan":"24","resolveNames":"true","queries":[{"metric":42,"tsuids":[1,null,"a"],"tags":{"k":7}}]}`,
			LastQuery{ResolveNames: true, BackScan: 24, Queries: []LastSubQuery{{Metric: "42", TSUIDs: []string{"1", "", "a"}, Tags: []Tag{{Key: "k", Value: "7"}}}}}},
		{"float truncated", `{"backScan":2.9,"queries":[]}`, LastQuery{BackScan: 2, Queries: []LastSubQuery{}}},
		{"bool forms", `{"resolveNames":1}`, LastQuery{ResolveNames: true}},
		{"bool zero", `{"resolveNames":0,"backScan":null}`, LastQuery{}},
		{"bool False", `{"resolveNames":" False "}`, LastQuery{}},
		{"bool -0", `{"resolveNames":-0}`, LastQuery{ResolveNames: true}},
		{"backScan empty string", `{"backScan":""}`, LastQuery{}},
		{"backScan NaN", `{"backScan":NaN}`, LastQuery{}},
		{"null body", `null`, LastQuery{}},
		{"null queries", `{"queries":null}`, LastQuery{}},
		{"null sub-query", `{"queries":[null]}`, LastQuery{Queries: []LastSubQuery{{}}}},
		{"whitespace and trailing", " \n{\"backScan\":3} trailing", LastQuery{BackScan: 3}},
	}
	for _, c := range cases {
		q, err := DecodeLastQueryBody([]byte(c.body))
		if err != nil || !reflect.DeepEqual(q, c.want) {
			t.Errorf("%s: %+v, %v\n want %+v", c.name, q, err, c.want)
		}
	}
}

func TestDecodeLastQueryBodyErrors(t *testing.T) {
	cases := []struct {
		name, body, msg, detailsHas string
	}{
		{"empty", ``, MsgMissingMessageContent, DetailsMissingMessage},
		{"resolve field", `{"queries":[{"metric":"sys.cpu.user"}],"resolve":true}`, MsgUnableToParseJSON,
			`Unrecognized field "resolve" (class net.opentsdb.tsd.QueryRpc$LastPointQuery), not marked as ignorable (3 known properties: "resolveNames", "backScan", "queries"])`},
		{"unknown sub field", `{"queries":[{"metric":"m","tsuid":["a"]}]}`, MsgUnableToParseJSON, `Unrecognized field "tsuid"`},
		{"whitespace only", `   `, MsgUnableToParseJSON, "No content to map"},
		{"array body", `[]`, MsgUnableToParseJSON, "START_ARRAY"},
		{"number body", `5`, MsgUnableToParseJSON, "VALUE_NUMBER_INT"},
		{"bad json", `{"queries":[}`, MsgUnableToParseJSON, ""},
		{"backScan word", `{"backScan":"abc"}`, MsgUnableToParseJSON, "not a valid int value"},
		{"backScan overflow", `{"backScan":2147483648}`, MsgUnableToParseJSON, "out of range of int"},
		{"backScan string overflow", `{"backScan":"2147483648"}`, MsgUnableToParseJSON, "out of range of int"},
		{"backScan float overflow", `{"backScan":3e9}`, MsgUnableToParseJSON, "out of range of int"},
		{"backScan bool", `{"backScan":true}`, MsgUnableToParseJSON, "VALUE_TRUE"},
		{"resolveNames word", `{"resolveNames":"yes"}`, MsgUnableToParseJSON, `only "true" or "false" recognized`},
		{"resolveNames float", `{"resolveNames":1.0}`, MsgUnableToParseJSON, "VALUE_NUMBER_FLOAT"},
		{"queries object", `{"queries":{}}`, MsgUnableToParseJSON, "START_OBJECT"},
		{"queries string", `{"queries":"m"}`, MsgUnableToParseJSON, "VALUE_STRING"},
		{"sub-query number", `{"queries":[1]}`, MsgUnableToParseJSON, "VALUE_NUMBER_INT"},
		{"tsuids string", `{"queries":[{"tsuids":"000001000001000001"}]}`, MsgUnableToParseJSON, "VALUE_STRING"},
		{"tsuids nested", `{"queries":[{"tsuids":[["a"]]}]}`, MsgUnableToParseJSON, "START_ARRAY"},
		{"tags array", `{"queries":[{"tags":[]}]}`, MsgUnableToParseJSON, "START_ARRAY"},
		{"metric object", `{"queries":[{"metric":{}}]}`, MsgUnableToParseJSON, "START_OBJECT"},
		{"nullx", `nullx`, MsgUnableToParseJSON, "Unrecognized token 'nullx'"},
	}
	for _, c := range cases {
		_, err := DecodeLastQueryBody([]byte(c.body))
		var e *Error
		if !errors.As(err, &e) || e.Code != 400 || e.Message != c.msg || !strings.Contains(e.Details, c.detailsHas) {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
}

func TestLastQueryCheckPOST(t *testing.T) {
	cases := []struct {
		body, msg string
	}{
		{`{"queries":[]}`, "Missing sub queries"},
		{`{}`, "Missing sub queries"},
		{`null`, "Missing sub queries"},
		{`{"queries":[{"tags":{"host":"web01"}}]}`, "Metric cannot be null or empty"},
		{`{"queries":[null]}`, "Metric cannot be null or empty"},
		{`{"queries":[{"metric":"m","tsuids":[]}],"backScan":1}`, "Tags cannot be null or empty when getting a TSUID"},
		{`{"queries":[{"metric":"","tsuids":["000001000001000001"]}],"backScan":-1}`, "Backscan must be zero or a positive number"},
		{`{"queries":[{"tsuids":[null]}]}`, "UID was empty"},
		{`{"queries":[{"metric":"m"}],"backScan":-1}`, ""}, // the metric path's negative check needs storage
		{`{"queries":[{"metric":"m","tags":{"host":"web01"}}],"backScan":1}`, ""},
	}
	for _, c := range cases {
		q, err := DecodeLastQueryBody([]byte(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		err = q.Check()
		got := ""
		if err != nil {
			got = err.(*Error).Message
		}
		if got != c.msg {
			t.Errorf("Check(%s) = %q, want %q", c.body, got, c.msg)
		}
	}
}
