package dorispb

import (
	"encoding/json"
	"testing"
)

func TestEnvelopeSpecExamples(t *testing.T) {
	tests := []struct {
		name   string
		code   MetaServiceCode
		msg    string
		result []byte
		want   string
	}{
		{
			// spec §1.6 exact bytes (the framework's trailing "\n" is not ours).
			"error", MetaServiceCode_INVALID_ARGUMENT, "no key to decode", nil,
			"{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"no key to decode\"\n}",
		},
		{
			// spec §1.4 process_unknown body.
			"unknown route", MetaServiceCode_OK, "", nil,
			"{\n    \"code\": \"OK\",\n    \"msg\": \"\"\n}",
		},
		{
			"classic OK hides msg", MetaServiceCode_OK, "OK", nil,
			"{\n    \"code\": \"OK\",\n    \"msg\": \"\"\n}",
		},
		{
			"tablet not found is 500 in classic", MetaServiceCode_TABLET_NOT_FOUND, "tablet 1 has been dropped", nil,
			"{\n    \"code\": \"INTERNAL_ERROR\",\n    \"msg\": \"tablet 1 has been dropped\"\n}",
		},
		{
			// get_instance error: result is the empty InstanceInfoPB.
			"get_instance error", MetaServiceCode_INVALID_ARGUMENT, "empty instance_id and cloud_unique_id", MarshalJSON(&InstanceInfoPB{}),
			"{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"empty instance_id and cloud_unique_id\",\n    \"result\": {}\n}",
		},
		{
			"get_obj_store_info error", MetaServiceCode_INVALID_ARGUMENT, "cloud unique id not set",
			MarshalJSON(&GetObjStoreInfoResponse{Status: &MetaServiceResponseStatus{Code: Some(MetaServiceCode_INVALID_ARGUMENT), Msg: Some("cloud unique id not set")}}),
			"{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"cloud unique id not set\",\n    \"result\": {\n        \"status\": {\n" +
				"            \"code\": \"INVALID_ARGUMENT\",\n            \"msg\": \"cloud unique id not set\"\n        }\n    }\n}",
		},
		{
			"unparsable result", MetaServiceCode_OK, "", []byte{},
			"{\n    \"code\": \"OK\",\n    \"msg\": \"\",\n    \"code\": \"INTERNAL_ERROR\",\n    \"msg\": \"JSON parse error\"\n}",
		},
		{
			"result ends at NUL like c_str()", MetaServiceCode_OK, "", []byte("[1]\x00garbage"),
			"{\n    \"code\": \"OK\",\n    \"msg\": \"\",\n    \"result\": [\n        1\n    ]\n}",
		},
		{
			"rapidjson escaping of msg", MetaServiceCode_INVALID_ARGUMENT, "q\"\\/\b\f\n\r\t\x01\x1f\x7f<>&\u2028é\xff",
			nil,
			"{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"q\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f<>&\u2028é\xff\"\n}",
		},
		{
			// protobuf escapes <, U+2028 and NUL; rapidjson decodes and re-escapes.
			"protobuf escapes re-emitted by rapidjson", MetaServiceCode_OK, "",
			MarshalJSON(&RamUserPB{UserID: Some("<a>\u2028\x00\x1f/")}),
			"{\n    \"code\": \"OK\",\n    \"msg\": \"\",\n    \"result\": {\n        \"user_id\": \"<a>\u2028\\u0000\\u001F/\"\n    }\n}",
		},
	}
	for _, tc := range tests {
		if got := string(Envelope(tc.code, tc.msg, tc.result)); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestEnvelopeGetInstanceExample is the spec §4.3 example, pretty-printed
// with rapidjson's 4-space layout.
func TestEnvelopeGetInstanceExample(t *testing.T) {
	want := `{
    "code": "OK",
    "msg": "",
    "result": {
        "user_id": "10000",
        "instance_id": "inst_a",
        "name": "user_1",
        "obj_info": [
            {
                "ctime": "1733650571",
                "mtime": "1733650571",
                "id": "1",
                "ak": "test-ak1",
                "sk": "test-sk1",
                "bucket": "test-bucket",
                "prefix": "test-prefix",
                "endpoint": "test-endpoint",
                "region": "test-region",
                "provider": "BOS",
                "external_endpoint": "test-external-endpoint",
                "encryption_info": {
                    "encryption_method": "AES_256_ECB",
                    "key_id": "1"
                },
                "sse_enabled": false
            }
        ],
        "status": "NORMAL",
        "iam_user": {
            "user_id": "",
            "ak": "",
            "sk": "",
            "external_id": "inst_a"
        },
        "sse_enabled": false,
        "enable_storage_vault": false
    }
}`
	if got := string(EnvelopeMessage(MetaServiceCode_OK, "", freshLegacyInstance())); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	st := &MetaServiceResponseStatus{Code: Some(MetaServiceCode_ALREADY_EXISTED), Msg: Some("x")}
	if got := string(StatusEnvelope(st, nil)); got != "{\n    \"code\": \"ALREADY_EXISTED\",\n    \"msg\": \"x\"\n}" {
		t.Fatalf("StatusEnvelope: %q", got)
	}
	if got := string(AppendEnvelope([]byte("#"), "OK", "OK", nil)); got != "#{\n    \"code\": \"OK\",\n    \"msg\": \"OK\"\n}" {
		t.Fatalf("AppendEnvelope: %q", got)
	}
}

func TestPrettyJSON(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{}`, `{}`},
		{`[]`, `[]`},
		{` {"a" : [ ] , "b":{ }} `, "{\n    \"a\": [],\n    \"b\": {}\n}"},
		{`[1,[2,{"x":null}],true,false,"s"]`, "[\n    1,\n    [\n        2,\n        {\n            \"x\": null\n        }\n    ],\n    true,\n    false,\n    \"s\"\n]"},
		{`"a\/b\u00e9\ud83d\ude00\u0000"`, "\"a/bé😀\\u0000\""},
		{`-0`, `0`},
		{`18446744073709551615`, `18446744073709551615`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`18446744073709551616`, `18446744073709552000.0`},
		{`1.5`, `1.5`},
		{`1e2`, `100.0`},
		{`1E21`, `1e21`},
		{`1.5e-7`, `1.5e-7`},
		{`1e-7`, `1e-7`},
		{`0.001`, `0.001`},
		{`-0.0`, `-0.0`},
		{`1e-400`, `0.0`},
		{`123.456e5`, `12345600.0`},
		{`{"dup":1,"dup":2}`, "{\n    \"dup\": 1,\n    \"dup\": 2\n}"},
	}
	for _, tc := range tests {
		got, err := PrettyJSON([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		``, ` `, `{`, `[1,]`, `{"a":1,}`, `{'a':1}`, `{a:1}`, `01`, `1.`, `.5`, `+1`, `1e`, `1e400`,
		`"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, "\"\x01\"", `"\x"`, `"abc`, `tru`, `nul`, `[1 2]`, `{"a" 1}`, `1 2`, `NaN`,
	}
	for _, in := range bad {
		if got, err := PrettyJSON([]byte(in)); err == nil {
			t.Errorf("%q: expected error, got %q", in, got)
		}
	}
}

// TestPrettyJSONDeepNesting checks the recursion bound on hostile input.
func TestPrettyJSONDeepNesting(t *testing.T) {
	deep := make([]byte, 0, 2*(maxPrettyDepth+10))
	for range maxPrettyDepth + 10 {
		deep = append(deep, '[')
	}
	for range maxPrettyDepth + 10 {
		deep = append(deep, ']')
	}
	if _, err := PrettyJSON(deep); err == nil {
		t.Fatal("expected an error for nesting beyond maxPrettyDepth")
	}
	if _, err := PrettyJSON(deep[5 : len(deep)-5][:0]); err == nil {
		t.Fatal("empty input must fail")
	}
	ok := deep[20 : len(deep)-20]
	out, err := PrettyJSON(ok)
	if err != nil || !json.Valid(out) {
		t.Fatalf("nesting within the bound must work: %v", err)
	}
}
