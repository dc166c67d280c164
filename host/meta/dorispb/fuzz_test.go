package dorispb

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// unmarshalSeeds are bodies in the style of the meta-service routes.
var unmarshalSeeds = []string{
	`{"instance_id":"inst_a","user_id":"10000","name":"user_1","obj_info":{"ak":"ak","sk":"sk","bucket":"b","prefix":"p","endpoint":"e","external_endpoint":"x","region":"r","provider":"COS"}}`,
	`{"instance_id":"i","vault":{"hdfs_info":{"build_conf":{"fs_name":"hdfs://nn:8020","user":"u","hdfs_confs":[{"key":"k","value":"v"}]},"prefix":"p"}},"ram_user":{"user_id":"u","ak":"a","sk":"s"},"sse_enabled":true}`,
	`{"instance_id":"i","cluster":{"cluster_name":"c","cluster_id":"id","type":"COMPUTE","nodes":[{"cloud_unique_id":"1:i:x","ip":"127.0.0.1","heartbeat_port":"9050","node_type":""}],"properties":{"k":"v"}}}`,
	`{"cloud_unique_id":"1:i:x","cluster":{"cluster_id":"id","cluster_status":"SUSPENDED","mysql_user_name":["root"],"cluster_policy":{"type":"ActiveStandby","standby_cluster_names":["b"]}},"op":99}`,
	`{instance_id:'i',"cluster":{"nodes":[[{"ip":"\u00e9\ud83d\ude00"}],null,]},}`,
	`{"a":[1,-2.5e3,true,false,null,{"b":{}}],"obj_info":{"provider":-1,"cred_provider_type":7}}`,
	`{"cluster":{"ctime":"9223372036854775807","mtime":-9223372036854775808}}`,
	``, `{`, `[]`, `{"":1}`, "{\"x\":\"\xff\"}",
}

// fuzzRoundTrip checks that a successful Unmarshal re-marshals to JSON that
// unmarshals to the same message, and that re-marshalling is stable.
func fuzzRoundTrip(t *testing.T, data []byte, newMsg func() Message) {
	m := newMsg()
	if err := Unmarshal(data, m); err != nil {
		if _, ok := err.(*ParseError); !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	out := MarshalJSON(m)
	m2 := newMsg()
	if err := Unmarshal(out, m2); err != nil {
		t.Fatalf("re-unmarshal of %s: %v", out, err)
	}
	if a, b := DebugString(m), DebugString(m2); a != b {
		t.Fatalf("round trip differs:\n%s\n%s", a, b)
	}
	if out2 := MarshalJSON(m2); string(out2) != string(out) {
		t.Fatalf("marshal not stable:\n%s\n%s", out, out2)
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON output %s", out)
	}
	_ = ByteSize(m)
	_ = ShortDebugString(m)
	if env := EnvelopeMessage(MetaServiceCode_OK, "", m); !json.Valid(env) {
		t.Fatalf("invalid envelope %s", env)
	}
}

func FuzzUnmarshalCreateInstanceRequest(f *testing.F) {
	for _, s := range unmarshalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTrip(t, data, func() Message { return new(CreateInstanceRequest) })
	})
}

func FuzzUnmarshalAlterClusterRequest(f *testing.F) {
	for _, s := range unmarshalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTrip(t, data, func() Message { return new(AlterClusterRequest) })
	})
}

// FuzzUnmarshalAnyMessage picks the message type with the first byte.
func FuzzUnmarshalAnyMessage(f *testing.F) {
	for i, s := range unmarshalSeeds {
		f.Add(byte(i), []byte(s))
	}
	f.Add(byte(40), []byte(`{"rowset_id":1,"segments_key_bounds":[{"min_key":"AA","max_key":"_-8"}],"delete_predicate":{"version":1}}`))
	msgs := allMessages()
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		proto := msgs[int(which)%len(msgs)]
		fuzzRoundTrip(t, data, func() Message {
			m := reflect.New(reflect.TypeOf(proto).Elem()).Interface()
			return m.(Message)
		})
	})
}

// FuzzPrettyJSON checks that whatever PrettyJSON accepts comes out as valid
// JSON with the same value, and that pretty-printing is idempotent.
func FuzzPrettyJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":[1,{"b":null}],"c":"\u003c\u2028\ud83d\ude00"}`, `[-0,1e2,1.5e-7,18446744073709551616]`,
		`"x"`, `{"a":{"a":{"a":[]}}}`, "\"\xff\"", `{"dup":1,"dup":[true,false]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := PrettyJSON(in)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q for %q", out, in)
		}
		var a, b any
		if err := json.Unmarshal(in, &a); err != nil {
			t.Fatalf("PrettyJSON accepted %q which is not JSON: %v", in, err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("value changed: %q -> %q", in, out)
		}
		again, err := PrettyJSON(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
	})
}

// FuzzProtoJSONString checks the protobuf string escaper: its output is a
// JSON string, and valid UTF-8 input survives unchanged.
func FuzzProtoJSONString(f *testing.F) {
	for _, s := range []string{"", "a<b>\"\\\x00\x7f", "\u2028\U0001D173é", "a\xff\xc3(\xed\xa0\x80\xc1\x81"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendProtoJSONString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q -> %q: %v", s, out, err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("%q -> %q -> %q", s, out, got)
		}
		if _, err := PrettyJSON(out); err != nil {
			t.Fatalf("rapidjson-style reader rejects %q: %v", out, err)
		}
	})
}
