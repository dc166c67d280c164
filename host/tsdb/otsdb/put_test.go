package otsdb

import (
	"errors"
	"strings"
	"testing"
)

const dpHost = `"tags":{"host":"web01"}`

func mustDecode(t *testing.T, body string) []PutPoint {
	t.Helper()
	pts, err := DecodePutBody([]byte(body))
	if err != nil {
		t.Fatalf("DecodePutBody(%s): %v", body, err)
	}
	return pts
}

func renderPoint(p *PutPoint) string { return string(p.AppendJSON(nil)) }

// TestDecodePutBodyRequestErrors covers §4.1 and cases 67-70, 85.
func TestDecodePutBodyRequestErrors(t *testing.T) {
	cases := []struct {
		name, body, msg string
	}{
		{"noContent", ``, MsgMissingRequestContent},
		{"whitespace only (Go choice)", " \n\t ", MsgMissingRequestContent},
		{"notJSON", `Hello World`, MsgMustStartObjectArray},
		{"string", `"x"`, MsgMustStartObjectArray},
		{"bom", "\uFEFF{}", MsgMustStartObjectArray},
		{"empty array", `[]`, MsgNoDatapoints},
		{"empty array ws", " [ \n ] ", MsgNoDatapoints},
		{"badJSON missing quote", `{"metric":"sys.cpu.user","timestamp:1365465600,"value":42,` + dpHost + `}`, MsgUnableToParseJSON},
		{"ValueNaNCase", `{"metric":"m","timestamp":1,"value":Nan,` + dpHost + `}`, MsgUnableToParseJSON},
		{"ValueINFUnsigned", `{"metric":"m","timestamp":1,"value":INF,` + dpHost + `}`, MsgUnableToParseJSON},
		{"ValueINFCase", `{"metric":"m","timestamp":1,"value":+inf,` + dpHost + `}`, MsgUnableToParseJSON},
		{"-inf", `{"metric":"m","timestamp":1,"value":-inf,` + dpHost + `}`, MsgUnableToParseJSON},
		{"-NaN", `{"metric":"m","timestamp":1,"value":-NaN,` + dpHost + `}`, MsgUnableToParseJSON},
		{"NaNx", `{"metric":"m","timestamp":1,"value":NaNx,` + dpHost + `}`, MsgUnableToParseJSON},
		{"+5", `{"metric":"m","timestamp":1,"value":+5,` + dpHost + `}`, MsgUnableToParseJSON},
		{"value object", `{"metric":"m","timestamp":1,"value":{},` + dpHost + `}`, MsgUnableToParseJSON},
		{"value array", `{"metric":"m","timestamp":1,"value":[1],` + dpHost + `}`, MsgUnableToParseJSON},
		{"metric object", `{"metric":{"a":1},"timestamp":1,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp word", `{"metric":"m","timestamp":"abc","value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp float string", `{"metric":"m","timestamp":"1.5","value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp overflow", `{"metric":"m","timestamp":9223372036854775808,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp string overflow", `{"metric":"m","timestamp":"9223372036854775808","value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp float overflow", `{"metric":"m","timestamp":1e19,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp Infinity", `{"metric":"m","timestamp":Infinity,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp bool", `{"metric":"m","timestamp":true,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"timestamp array", `{"metric":"m","timestamp":[1],"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"tags array", `{"metric":"m","timestamp":1,"value":1,"tags":["a"]}`, MsgUnableToParseJSON},
		{"tags string", `{"metric":"m","timestamp":1,"value":1,"tags":""}`, MsgUnableToParseJSON},
		{"tag value object", `{"metric":"m","timestamp":1,"value":1,"tags":{"a":{}}}`, MsgUnableToParseJSON},
		{"leading zero", `{"metric":"m","timestamp":01,"value":1,` + dpHost + `}`, MsgUnableToParseJSON},
		{"dot no digit", `{"metric":"m","timestamp":1,"value":1.,` + dpHost + `}`, MsgUnableToParseJSON},
		{"exp no digit", `{"metric":"m","timestamp":1,"value":1e,` + dpHost + `}`, MsgUnableToParseJSON},
		{"trailing comma", `{"metric":"m",}`, MsgUnableToParseJSON},
		{"array trailing comma", `[{"metric":"m"},]`, MsgUnableToParseJSON},
		{"single quotes", `{'metric':"m"}`, MsgUnableToParseJSON},
		{"comment", `{/*x*/"metric":"m"}`, MsgUnableToParseJSON},
		{"raw newline in string", "{\"metric\":\"a\nb\"}", MsgUnableToParseJSON},
		{"bad escape", `{"metric":"a\qb"}`, MsgUnableToParseJSON},
		{"bad unicode escape", `{"metric":"a\u12G4"}`, MsgUnableToParseJSON},
		{"unterminated", `{"metric":"abc`, MsgUnableToParseJSON},
		{"unterminated object", `{"metric":"abc"`, MsgUnableToParseJSON},
		{"unterminated array", `[{"metric":"abc"}`, MsgUnableToParseJSON},
		{"number element", `[1]`, MsgUnableToParseJSON},
		{"string element", `[""]`, MsgUnableToParseJSON},
		{"nested array element", `[[]]`, MsgUnableToParseJSON},
		{"missing colon", `{"metric" "m"}`, MsgUnableToParseJSON},
		{"unquoted key", `{metric:"m"}`, MsgUnableToParseJSON},
		{"control char between tokens", "{\"metric\":\x01\"m\"}", MsgUnableToParseJSON},
		{"unknown field bad syntax", `{"x":[1,,2]}`, MsgUnableToParseJSON},
		{"unknown field deep unterminated", `{"x":[[[[[{"a":[`, MsgUnableToParseJSON},
		{"nullx", `[nullx]`, MsgUnableToParseJSON},
		{"truex", `{"value":truex}`, MsgUnableToParseJSON},
	}
	for _, c := range cases {
		_, err := DecodePutBody([]byte(c.body))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: DecodePutBody error %v, want *Error", c.name, err)
			continue
		}
		if e.Code != 400 || e.Message != c.msg {
			t.Errorf("%s: got %d %q (%s), want 400 %q", c.name, e.Code, e.Message, e.Details, c.msg)
		}
		if c.msg == MsgUnableToParseJSON && e.Details == "" {
			t.Errorf("%s: no details", c.name)
		}
		if c.msg != MsgUnableToParseJSON && e.Details != "" {
			t.Errorf("%s: unexpected details %q", c.name, e.Details)
		}
	}
}

// TestDecodePutBodyLeniency checks the kept source text and Jackson
// coercions by rendering the decoded points.
func TestDecodePutBodyLeniency(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string // AppendJSON of each point
	}{
		{"putSingle", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`,
			[]string{`{"metric":"sys.cpu.user","timestamp":1365465600,"value":"42","tags":{"host":"web01"}}`}},
		{"value texts", `[{"value":42.50},{"value":1E2},{"value":true},{"value":false},{"value":-0},{"value":"x y"}]`,
			[]string{`{"timestamp":0,"value":"42.50"}`, `{"timestamp":0,"value":"1E2"}`, `{"timestamp":0,"value":"true"}`,
				`{"timestamp":0,"value":"false"}`, `{"timestamp":0,"value":"-0"}`, `{"timestamp":0,"value":"x y"}`}},
		{"non-numeric tokens", `[{"value":NaN},{"value":Infinity},{"value":+Infinity},{"value":-Infinity},{"value":+INF},{"value":-INF}]`,
			[]string{`{"timestamp":0,"value":"NaN"}`, `{"timestamp":0,"value":"Infinity"}`, `{"timestamp":0,"value":"+Infinity"}`,
				`{"timestamp":0,"value":"-Infinity"}`, `{"timestamp":0,"value":"+INF"}`, `{"timestamp":0,"value":"-INF"}`}},
		{"timestamp coercions", `[{"timestamp":"1365465600"},{"timestamp":" 42 "},{"timestamp":1365465600.9},{"timestamp":-1.9},
			{"timestamp":1.5e3},{"timestamp":null},{},{"timestamp":""},{"timestamp":"null"},{"timestamp":"+7"},{"timestamp":NaN},
			{"timestamp":-0},{"timestamp":9.223372036854775807E18},{"timestamp":"٣"}]`,
			[]string{`{"timestamp":1365465600}`, `{"timestamp":42}`, `{"timestamp":1365465600}`, `{"timestamp":-1}`,
				`{"timestamp":1500}`, `{"timestamp":0}`, `{"timestamp":0}`, `{"timestamp":0}`, `{"timestamp":0}`, `{"timestamp":7}`,
				`{"timestamp":0}`, `{"timestamp":0}`, `{"timestamp":9223372036854775807}`, `{"timestamp":3}`}},
		{"metric and tag coercions", `{"metric":12.0,"tags":{"n":1,"b":true,"z":null,"f":-1e5},"tsuid":7}`,
			[]string{`{"metric":"12.0","timestamp":0,"tags":{"b":"true","f":"-1e5","z":null,"n":"1"},"tsuid":"7"}`}},
		{"nulls omitted", `{"metric":null,"value":null,"tags":null,"tsuid":null}`, []string{`{"timestamp":0}`}},
		{"empty strings kept", `{"metric":"","value":"","tags":{}}`, []string{`{"metric":"","timestamp":0,"value":"","tags":{}}`}},
		{"unknown fields ignored", `{"a":{"b":[1,{"c":null},NaN,"x"]},"metric":"m","Metric":"M","extra":-INF,"z":[[[]]]}`,
			[]string{`{"metric":"m","timestamp":0}`}},
		{"null element", `[null,{"metric":"m"}]`, []string{`null`, `{"metric":"m","timestamp":0}`}},
		{"duplicate fields: last wins", `{"metric":"a","metric":"b","tags":{"x":"1"},"tags":{"y":"2"},"value":1,"value":null}`,
			[]string{`{"metric":"b","timestamp":0,"tags":{"y":"2"}}`}},
		{"duplicate tag keys", `{"tags":{"dc":"1","host":"a","dc":"2"}}`, []string{`{"timestamp":0,"tags":{"host":"a","dc":"2"}}`}},
		{"tag order is Java's", `{"tags":{"dc":"lga","host":"web01"}}`, []string{`{"timestamp":0,"tags":{"host":"web01","dc":"lga"}}`}},
		{"trailing content ignored", `{"metric":"m"} garbage ]]]`, []string{`{"metric":"m","timestamp":0}`}},
		{"trailing after array ignored", `[{"metric":"m"}]{`, []string{`{"metric":"m","timestamp":0}`}},
		{"java trim of control chars", "\x00\x01 {\"metric\":\"m\"} \x1f", []string{`{"metric":"m","timestamp":0}`}},
		{"escapes", `{"metric":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00"}`,
			[]string{`{"metric":"a\"b\\c/d\b\f\n\r\t` + "é中😀" + `","timestamp":0}`}},
		{"lone surrogate", `{"metric":"a\ud83dz\udc00"}`, []string{`{"metric":"a` + "\uFFFD" + `z` + "\uFFFD" + `","timestamp":0}`}},
		{"control char escaped on output", `{"metric":"a\u0001\u001fb"}`, []string{`{"metric":"a\u0001\u001Fb","timestamp":0}`}},
		{"invalid utf-8 replaced", "{\"metric\":\"a\xffb\"}", []string{`{"metric":"a` + "\uFFFD" + `b","timestamp":0}`}},
		{"whitespace", " [ { \"metric\" : \"m\" , \"value\" : 1 } , null ] ", []string{`{"metric":"m","timestamp":0,"value":"1"}`, `null`}},
	}
	for _, c := range cases {
		pts := mustDecode(t, c.body)
		if len(pts) != len(c.want) {
			t.Errorf("%s: %d points, want %d", c.name, len(pts), len(c.want))
			continue
		}
		for i := range pts {
			if got := renderPoint(&pts[i]); got != c.want[i] {
				t.Errorf("%s: point %d\n got  %s\n want %s", c.name, i, got, c.want[i])
			}
		}
	}
}

func TestDecodePutBodyDeepNesting(t *testing.T) {
	deep := `{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `,"metric":"m"}`
	pts := mustDecode(t, deep)
	if got := renderPoint(&pts[0]); got != `{"metric":"m","timestamp":0}` {
		t.Errorf("deep nesting: %s", got)
	}
}

func validate(t *testing.T, body string, cfg PointConfig) (Value, error) {
	t.Helper()
	pts := mustDecode(t, body)
	return ValidatePoint(&pts[0], cfg)
}

// TestValidatePoint covers §4.2 steps 1-6 and cases 71-77.
func TestValidatePoint(t *testing.T) {
	cases := []struct {
		name, body, want string
		kind             error
	}{
		{"null point", `[null]`, "Unexpected null datapoint encountered in set.", ErrNullPoint},
		{"missingMetric", `{"timestamp":1365465600,"value":42,` + dpHost + `}`, "Metric name was empty", ErrMetricEmpty},
		{"nullMetric", `{"metric":null,"timestamp":1365465600,"value":42,` + dpHost + `}`, "Metric name was empty", ErrMetricEmpty},
		{"emptyMetric", `{"metric":"","timestamp":1365465600,"value":42,` + dpHost + `}`, "Metric name was empty", ErrMetricEmpty},
		{"missingTimestamp", `{"metric":"sys.cpu.user","value":42,` + dpHost + `}`, "Invalid timestamp", ErrInvalidTimestamp},
		{"nullTimestamp", `{"metric":"sys.cpu.user","timestamp":null,"value":42,` + dpHost + `}`, "Invalid timestamp", ErrInvalidTimestamp},
		{"invalidTimestamp", `{"metric":"sys.cpu.user","timestamp":-1,"value":42,` + dpHost + `}`, "Invalid timestamp", ErrInvalidTimestamp},
		{"missingValue", `{"metric":"sys.cpu.user","timestamp":1365465600,` + dpHost + `}`, "Empty value", ErrEmptyValue},
		{"nullValue", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":null,` + dpHost + `}`, "Empty value", ErrEmptyValue},
		{"emptyValue", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"",` + dpHost + `}`, "Empty value", ErrEmptyValue},
		{"missingTags", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42}`, "Missing tags", ErrMissingTags},
		{"nullTags", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":null}`, "Missing tags", ErrMissingTags},
		{"emptyTags", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{}}`, "Missing tags", ErrMissingTags},
		{"badValue", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"notanumber",` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueNaN", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":NaN,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueINF", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":+INF,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueNINF", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":-INF,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueInfinity", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":+Infinity,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueNInfinity", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":-Infinity,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"ValueInfinityUnsigned", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":Infinity,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"bool value", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":true,` + dpHost + `}`, "Unable to parse value to a number", ErrValueNotNumber},
		{"overflow", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":1e999,` + dpHost + `}`,
			"value is NaN or Infinite: Infinity for metric=sys.cpu.user timestamp=1365465600", ErrValueNotFinite},
		{"negative overflow", `{"metric":"sys.cpu.user","timestamp":1365465600,"value":"-1e999",` + dpHost + `}`,
			"value is NaN or Infinite: -Infinity for metric=sys.cpu.user timestamp=1365465600", ErrValueNotFinite},
		{"value check before timestamp range", `{"metric":"m","timestamp":99999999999999,"value":"x",` + dpHost + `}`,
			"Unable to parse value to a number", ErrValueNotNumber},
		{"bad timestamp int", `{"metric":"sys.cpu.user","timestamp":10000000000000,"value":42,"tags":{"host":"web01"}}`,
			"bad timestamp=10000000000000 when trying to add value=[42]/0 to metric=sys.cpu.user, tags={host=web01}", ErrBadTimestamp},
		{"bad timestamp float", `{"metric":"sys.cpu.user","timestamp":99999999999999,"value":42.5,"tags":{"dc":"lga","host":"web01"}}`,
			"bad timestamp=99999999999999 when trying to add value=[64, 69, 64, 0, 0, 0, 0, 0]/15 to metric=sys.cpu.user, tags={host=web01, dc=lga}", ErrBadTimestamp},
		{"bad timestamp 2-byte int", `{"metric":"a b","timestamp":99999999999999,"value":-300,"tags":{"k":null}}`,
			"bad timestamp=99999999999999 when trying to add value=[-2, -44]/1 to metric=a b, tags={k=null}", ErrBadTimestamp},
		{"too many tags", `{"metric":"m","timestamp":1,"value":1,"tags":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}}`,
			"Too many tags: 9 maximum allowed: 8, tags: {a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9}", ErrTooManyTags},
		{"too many before metric name", `{"metric":"bad name","timestamp":1,"value":1,"tags":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}}`,
			"Too many tags: 9 maximum allowed: 8, tags: {a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9}", ErrTooManyTags},
		{"invalid metric", `{"metric":"sys cpu","timestamp":1,"value":1,"tags":{"ho st":"web01"}}`,
			`Invalid metric name ("sys cpu"): illegal character:  `, ErrInvalidName},
		{"invalid tag name", `{"metric":"m","timestamp":1,"value":1,"tags":{"ho st":"web 01"}}`,
			`Invalid tag name with value [web 01] ("ho st"): illegal character:  `, ErrInvalidName},
		{"invalid tag value", `{"metric":"m","timestamp":1,"value":1,"tags":{"host":"web#01"}}`,
			`Invalid tag value with key [host] ("web#01"): illegal character: #`, ErrInvalidName},
		{"empty tag name", `{"metric":"m","timestamp":1,"value":1,"tags":{"":"v"}}`,
			`Invalid tag name with value [v]: empty string`, ErrInvalidName},
		{"empty tag value", `{"metric":"m","timestamp":1,"value":1,"tags":{"k":""}}`,
			`Invalid tag value with key [k]: empty string`, ErrInvalidName},
		{"null tag value", `{"metric":"m","timestamp":1,"value":1,"tags":{"k":null}}`,
			`Invalid tag value with key [k]: null`, ErrInvalidName},
		{"null tag value, bad key", `{"metric":"m","timestamp":1,"value":1,"tags":{"k k":null}}`,
			`Invalid tag name with value [null] ("k k"): illegal character:  `, ErrInvalidName},
		// Tags are checked in Java order: host before dc.
		{"tag order", `{"metric":"m","timestamp":1,"value":1,"tags":{"dc":"a b","host":"c d"}}`,
			`Invalid tag value with key [host] ("c d"): illegal character:  `, ErrInvalidName},
	}
	for _, c := range cases {
		_, err := validate(t, c.body, PointConfig{})
		if err == nil {
			t.Errorf("%s: no error, want %q", c.name, c.want)
			continue
		}
		if err.Error() != c.want || !errors.Is(err, c.kind) {
			t.Errorf("%s:\n got  %q\n want %q", c.name, err.Error(), c.want)
		}
	}
}

func TestValidatePointOK(t *testing.T) {
	cases := []struct {
		body, value string
		cfg         PointConfig
	}{
		{`{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`, "42", PointConfig{}},
		{`{"metric":"sys.cpu.user","timestamp":"1365465600","value":"42.5","tags":{"host":"web01"}}`, "42.5", PointConfig{}},
		{`{"metric":"sys.cpu.user","timestamp":9999999999999,"value":-4.2E-3,"tags":{"host":"web01"}}`, "-0.0042", PointConfig{}},
		{`{"metric":"a:b","timestamp":1,"value":1e-999,"tags":{"k":"v:w"}}`, "0.0", PointConfig{Names: NameValidator{AllowSpecialChars: ":"}}},
		{`{"metric":"m","timestamp":1,"value":1,"tags":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}}`, "1", PointConfig{MaxTags: 9}},
	}
	for _, c := range cases {
		v, err := validate(t, c.body, c.cfg)
		if err != nil || v.String() != c.value {
			t.Errorf("ValidatePoint(%s) = %v, %v; want %s", c.body, v, err, c.value)
		}
	}
}

func TestPutResponseMatrix(t *testing.T) {
	pts := mustDecode(t, `[{"metric":"sys.cpu.nice","timestamp":1365465600,"value":"NaN","tags":{"host":"web01"}},null,`+
		`{"metric":"sys.cpu.user","value":42,"tags":{"host":"web01"}}]`)
	var failures []PutFailure
	for i := range pts {
		if _, err := ValidatePoint(&pts[i], PointConfig{}); err != nil {
			failures = append(failures, PutFailure{Point: pts[i], Error: err.Error()})
		}
	}
	cases := []struct {
		name            string
		opts            PutReportOptions
		success, failed int
		failures        []PutFailure
		status          int
		body            string
	}{
		{"none ok", PutReportOptions{}, 2, 0, nil, 204, ""},
		{"none failed", PutReportOptions{}, 1, 1, nil, 400,
			`{"error":{"code":400,"message":"One or more data points had errors","details":"Please see the TSD logs or append \"details\" to the put request"}}`},
		{"summary ok", PutReportOptions{Summary: true}, 1, 0, nil, 200, `{"success":1,"failed":0}`},
		{"summary two", PutReportOptions{Summary: true}, 2, 0, nil, 200, `{"success":2,"failed":0}`},
		{"summary failed", PutReportOptions{Summary: true}, 1, 2, failures, 400, `{"success":1,"failed":2}`},
		{"details ok", PutReportOptions{Details: true}, 1, 0, nil, 200, `{"success":1,"failed":0,"errors":[]}`},
		{"summary+details ok", PutReportOptions{Summary: true, Details: true}, 1, 0, nil, 200, `{"success":1,"failed":0,"errors":[]}`},
		{"sync timeout", PutReportOptions{Summary: true, SyncTimeout: true}, 1, 0, nil, 200, `{"success":1,"timeouts":0,"failed":0}`},
		{"details failed", PutReportOptions{Details: true}, 0, 3, failures, 400,
			`{"success":0,"failed":3,"errors":[` +
				`{"datapoint":{"metric":"sys.cpu.nice","timestamp":1365465600,"value":"NaN","tags":{"host":"web01"}},"error":"Unable to parse value to a number"},` +
				`{"datapoint":null,"error":"Unexpected null datapoint encountered in set."},` +
				`{"datapoint":{"metric":"sys.cpu.user","timestamp":0,"value":"42","tags":{"host":"web01"}},"error":"Invalid timestamp"}]}`},
	}
	for _, c := range cases {
		status, body := PutResponse(c.opts, c.success, c.failed, c.failures)
		if status != c.status || string(body) != c.body {
			t.Errorf("%s: got %d %s\n want %d %s", c.name, status, body, c.status, c.body)
		}
	}
}
