package httpapi_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/server/servertest"
)

const msPrefix = "/MetaService/http/"

func msURL(s *servertest.Server, route, query string) string {
	u := s.URL + msPrefix + route + "?token=" + servertest.Token
	if query != "" {
		u += "&" + query
	}
	return u
}

// msOK is the exact body of a successful J reply.
const msOK = "{\n    \"code\": \"OK\",\n    \"msg\": \"\"\n}\n"

// msErr is the exact body of a J error reply: the classic envelope with
// rapidjson's escaping (which, for the messages of these tests, is Go's
// without HTML escaping) and the framework's trailing newline.
func msErr(category, msg string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(msg)
	return "{\n    \"code\": \"" + category + "\",\n    \"msg\": " + strings.TrimSuffix(b.String(), "\n") + "\n}\n"
}

// msCheckEnvelope checks that b, answered with HTTP status, is a classic
// envelope whose code is the status's category and whose message is empty
// exactly when the status is 200.
func msCheckEnvelope(t *testing.T, route string, status int, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("{\n    \"code\": \"")) || !bytes.HasSuffix(b, []byte("}\n")) {
		t.Fatalf("%s: %d: not an envelope: %q", route, status, b)
	}
	var env struct {
		Code string  `json:"code"`
		Msg  *string `json:"msg"`
	}
	if err := json.Unmarshal(b, &env); err != nil || env.Msg == nil {
		t.Fatalf("%s: %d: bad envelope %q: %v", route, status, b, err)
	}
	want := map[int]string{200: "OK", 400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 409: "ALREADY_EXISTED", 500: "INTERNAL_ERROR"}[status]
	if want == "" || env.Code != want {
		t.Fatalf("%s: status %d with code %q: %q", route, status, env.Code, b)
	}
	if status == 200 && *env.Msg != "" {
		t.Fatalf("%s: OK with a message: %q", route, b)
	}
	if status != 200 && *env.Msg == "" {
		t.Fatalf("%s: error without a message: %q", route, b)
	}
}

func TestMetaServiceTokenAndRouting(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	cases := []struct {
		name, method, url, body string
		status                  int
		want                    string
	}{
		{"no token", "GET", s.URL + msPrefix + "get_instance", "", 403, "incorrect token, token=(not given)\n"},
		{"empty token", "GET", s.URL + msPrefix + "get_instance?token=", "", 403, "incorrect token, token=(not given)\n"},
		{"wrong token", "GET", s.URL + msPrefix + "get_instance?token=bad", "", 403, "incorrect token, token=bad\n"},
		{"token not percent-decoded", "GET", s.URL + msPrefix + "x?token=a%20b", "", 403, "incorrect token, token=a%20b\n"},
		{"unknown route with bad token", "GET", s.URL + msPrefix + "nope?token=x", "", 403, "incorrect token, token=x\n"},
		{"last token wins", "GET", s.URL + msPrefix + "nope?token=bad&token=" + servertest.Token, "", 200, msOK},
		{"unknown route", "POST", msURL(s, "alter_obj_info", ""), "{}", 200, msOK},
		{"empty route", "GET", s.URL + "/MetaService/http?token=" + servertest.Token, "", 200, msOK},
		{"upper-case version", "GET", msURL(s, "V1/get_instance", ""), "", 200, msOK},
		{"v2 is unknown", "GET", msURL(s, "v2/get_instance", ""), "", 200, msOK},
		{"notify_decommissioned has no v1", "PUT", msURL(s, "v1/notify_decommissioned", ""), "{}", 200, msOK},
		{"decode_key without key", "GET", msURL(s, "decode_key", ""), "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"no key to decode\"\n}\n"},
		{"normalised path", "GET", s.URL + "/MetaService/http//v1//decode_key/?token=" + servertest.Token, "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"no key to decode\"\n}\n"},
		{"fully qualified service", "GET", s.URL + "/doris.cloud.MetaService/http/decode_key?token=" + servertest.Token, "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"no key to decode\"\n}\n"},
		{"undecodable key", "GET", msURL(s, "decode_key", "key=0110aa"), "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"failed to decode key, key=0110aa\"\n}\n"},
		{"non-hex key decodes as zero bytes", "GET", msURL(s, "decode_key", "key=zz"), "", 200, "┌─ 0. key space: 0\n│ \n▼ \nzz\n\n"},
		{"show_meta_ranges", "GET", msURL(s, "show_meta_ranges", ""), "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"this method only support fdb txn kv\"\n}\n"},
		{"encode_key unknown type", "GET", msURL(s, "encode_key", "key_type=Nope"), "", 400, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"key_type not supported: Nope\"\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := servertest.Do(t, c.method, c.url, c.body)
			if r.Status != c.status || r.Body != c.want {
				t.Fatalf("got %d %q\nwant %d %q", r.Status, r.Body, c.status, c.want)
			}
		})
	}
}

func TestMetaServiceDecodeKeySeed(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	key := "0110696e7374616e636500011072656772657373696f6e5f696e7374616e6365300001"
	want := "┌───────────────────────── 0. key space: 1\n│ ┌─────────────────────── 1. instance\n│ │                     ┌─ 2. regression_instance0\n│ │                     │ \n▼ ▼                     ▼ \n" + key + "\n\n"
	if r := servertest.Do(t, "GET", msURL(s, "decode_key", "key="+key), ""); r.Status != 200 || r.Body != want {
		t.Fatalf("decode_key: %d %q", r.Status, r.Body)
	}
	wantASCII := "/------------------------- 0. key space: 1\n| /----------------------- 1. instance\n| |                     /- 2. regression_instance0\n| |                     | \nv v                     v \n" + key + "\n\n"
	if r := servertest.Do(t, "GET", msURL(s, "v1/decode_key", "key="+key+"&unicode=false"), ""); r.Status != 200 || r.Body != wantASCII {
		t.Fatalf("decode_key unicode=false: %d %q", r.Status, r.Body)
	}
	enc := servertest.Do(t, "GET", msURL(s, "encode_key", "key_type=InstanceKey&instance_id=test"), "")
	if enc.Status != 200 || !strings.HasSuffix(enc.Body, `\x01\x10\x69\x6e\x73\x74\x61\x6e\x63\x65\x00\x01\x10\x74\x65\x73\x74\x00\x01`+"\n\n") {
		t.Fatalf("encode_key: %d %q", enc.Status, enc.Body)
	}
}

func TestMetaServiceFraming(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := servertest.Do(t, "POST", msURL(s, "v1/create_instance", ""), "{not json", "Content-Type", "text/plain")
	if r.Status != 400 || !strings.HasPrefix(r.Body, "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"parse http request 'v1/create_instance': INVALID_ARGUMENT:") || !strings.HasSuffix(r.Body, "}\n") {
		t.Fatalf("parse error: %d %q", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/plain" {
		t.Fatalf("content type %q, want the request's", ct)
	}
	r = servertest.Do(t, "POST", msURL(s, "create_instance", ""), "")
	if r.Status != 400 || !strings.Contains(r.Body, "parse http request 'create_instance': INVALID_ARGUMENT:") {
		t.Fatalf("empty body: %d %q", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		t.Fatalf("content type %q without one in the request", ct)
	}
	big := `{"instance_id":"` + strings.Repeat("x", 1<<20) + `"}`
	r = servertest.Do(t, "POST", msURL(s, "create_instance", ""), big)
	if r.Status != 400 || !strings.Contains(r.Body, "request body exceeds 1048576 bytes") {
		t.Fatalf("oversized body: %d %.200q", r.Status, r.Body)
	}
}
