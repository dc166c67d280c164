package otsdb

import (
	"encoding/json"
	"testing"
)

func TestFormatError(t *testing.T) {
	cases := []struct {
		code         int
		msg, details string
		want         string
	}{
		{400, "Missing sub queries", "", `{"error":{"code":400,"message":"Missing sub queries"}}`},
		{400, "Missing message content", "Supply valid JSON formatted data in the body of your request",
			`{"error":{"code":400,"message":"Missing message content","details":"Supply valid JSON formatted data in the body of your request"}}`},
		{400, "No such name for 'tagv': '000002553'", "No such name for 'tagv': '000002553'",
			`{"error":{"code":400,"message":"No such name for 'tagv': '000002553'","details":"No such name for 'tagv': '000002553'"}}`},
		{500, "Missing '}' at the end of: sys.cpu.user{host=web01", "",
			`{"error":{"code":500,"message":"Missing '}' at the end of: sys.cpu.user{host=web01"}}`},
		{405, "Method not allowed", "The HTTP method [PUT] is not permitted for this endpoint",
			`{"error":{"code":405,"message":"Method not allowed","details":"The HTTP method [PUT] is not permitted for this endpoint"}}`},
		{501, "Requested API version is greater than the max implemented", "API version [2] is greater than the max [1]",
			`{"error":{"code":501,"message":"Requested API version is greater than the max implemented","details":"API version [2] is greater than the max [1]"}}`},
		{400, "q\"b\\s/\b\f\n\r\t\x00\x1f\x7fé中", "",
			`{"error":{"code":400,"message":"q\"b\\s/\b\f\n\r\t\u0000\u001F` + "\x7fé中" + `"}}`},
	}
	for _, c := range cases {
		got := string(FormatError(c.code, c.msg, c.details))
		if got != c.want {
			t.Errorf("FormatError(%d, %q, %q)\n got  %s\n want %s", c.code, c.msg, c.details, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("invalid JSON %s", got)
		}
	}
	if got := string(NotFoundBody()); got != `{"error":{"code":404,"message":"Endpoint not found"}}` {
		t.Errorf("NotFoundBody = %s", got)
	}
	e := &Error{Code: 400, Message: "m", Details: "d"}
	if string(e.Body()) != `{"error":{"code":400,"message":"m","details":"d"}}` || e.Error() != "m: d" {
		t.Errorf("Error.Body/Error: %s %q", e.Body(), e.Error())
	}
}

// TestLastResults covers §6.3 examples.
func TestLastResults(t *testing.T) {
	cases := []struct {
		in   []LastResult
		want string
	}{
		{nil, `[]`},
		{[]LastResult{{Timestamp: 1388534400000, Value: "42", TSUID: "000001000001000001"}},
			`[{"timestamp":1388534400000,"value":"42","tsuid":"000001000001000001"}]`},
		{[]LastResult{{Resolved: true, Metric: "sys.cpu.user", Tags: []Tag{{Key: "host", Value: "web01"}},
			Timestamp: 1388534400000, Value: "42", TSUID: "000001000001000001"},
			{Timestamp: 1356998400500, Value: "42.5", TSUID: "000001000001000002"}},
			`[{"metric":"sys.cpu.user","timestamp":1388534400000,"value":"42","tags":{"host":"web01"},"tsuid":"000001000001000001"},` +
				`{"timestamp":1356998400500,"value":"42.5","tsuid":"000001000001000002"}]`},
	}
	for _, c := range cases {
		if got := string(FormatLastResults(c.in)); got != c.want {
			t.Errorf("FormatLastResults\n got  %s\n want %s", got, c.want)
		}
	}
}

func TestWrapJSONP(t *testing.T) {
	if got := string(WrapJSONP("cb", []byte(`[]`))); got != `cb([])` {
		t.Errorf("WrapJSONP = %s", got)
	}
}
