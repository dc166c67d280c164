package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/metahost/metahost/host/server/servertest"
	"github.com/metahost/metahost/sdk/plugintest"
)

const namingPkg = "github.com/metahost/metahost/examples/validator-instance-naming"

func auth() []string { return []string{"Authorization", "Bearer " + servertest.Token} }

// pluginStatus is the part of a plugin's status the tests read.
type pluginStatus struct {
	Entry struct {
		Name, Kind, Runtime, Active string
		Enabled                     bool
	} `json:"entry"`
	Loaded string `json:"loaded_version"`
	Calls  uint64 `json:"calls"`
}

func TestPluginAPIValidatorLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm module")
	}
	s := servertest.Start(t, servertest.Options{})
	wasm := plugintest.Build(t, namingPkg)
	sha := plugintest.SHA256(wasm)
	reg := func(name, query string, body []byte, hdr ...string) servertest.Response {
		return servertest.Do(t, http.MethodPut, s.URL+"/v1/plugins/"+name+"?"+query, string(body), hdr...)
	}

	t.Run("refusals", func(t *testing.T) {
		cases := []struct {
			name, plugin, query string
			body                []byte
			hdr                 []string
			status              int
			text                string
		}{
			{"no token", "naming", "kind=validator&version=1.0.0&sha256=" + sha, wasm, nil, 401, "token"},
			{"sha256 mismatch", "naming", "kind=validator&version=1.0.0&sha256=" + strings.Repeat("a", 64), wasm, auth(), 400, "not the pinned"},
			{"not a module", "naming", "kind=validator&version=1.0.0&sha256=" + plugintest.SHA256([]byte("garbage")), []byte("garbage"), auth(), 400, "plugin refused"},
			{"wrong kind", "naming", "kind=policy&version=1.0.0&config=analytics&sha256=" + sha, wasm, auth(), 400, "not compaction_policy"},
			{"config the plugin refuses", "naming", "kind=validator&version=1.0.0&config=bad-team&sha256=" + sha, wasm, auth(), 400, "may not contain"},
			{"bad name", "Naming", "kind=validator&version=1.0.0&sha256=" + sha, wasm, auth(), 400, "plugin name"},
			{"bad timeout", "naming", "kind=validator&version=1&call_timeout_ms=x&sha256=" + sha, wasm, auth(), 400, "call_timeout_ms"},
			{"wasm provider", "naming", "kind=provider&version=1&sha256=" + sha, wasm, auth(), 400, "process runtime"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := reg(tc.plugin, tc.query, tc.body, tc.hdr...)
				if r.Status != tc.status || !strings.Contains(r.Body, tc.text) {
					t.Errorf("got %d %s, want %d containing %q", r.Status, r.Body, tc.status, tc.text)
				}
				var e struct{ Code, Message string }
				if json.Unmarshal([]byte(r.Body), &e) != nil || e.Code == "" {
					t.Errorf("body %q is not {code, message}", r.Body)
				}
			})
		}
		if r := servertest.Do(t, http.MethodGet, s.URL+"/v1/plugins", "", auth()...); r.Status != 200 || !strings.Contains(r.Body, `"plugins":[]`) {
			t.Errorf("catalog after refusals: %d %s", r.Status, r.Body)
		}
	})

	r := reg("naming", "kind=validator&version=1.0.0&config=analytics,payments&sha256="+sha, wasm, auth()...)
	if r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	r = servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/bind", `{"operation":"create_instance"}`, auth()...)
	if r.Status != 200 {
		t.Fatalf("bind: %d %s", r.Status, r.Body)
	}
	for _, bad := range []struct{ body, status, text string }{
		{`{"table_id":1}`, "400", "is a validator"},
		{`{"operation":"Bad Op"}`, "400", "operation"},
		{`{"nope":1}`, "400", "bad binding"},
	} {
		r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/bind", bad.body, auth()...)
		if !strings.HasPrefix(r.Body, "{") || !strings.Contains(r.Body, bad.text) || r.Status != 400 {
			t.Errorf("bind %s: %d %s", bad.body, r.Status, r.Body)
		}
	}

	create := func(id string) servertest.Response {
		body := `{"instance_id":"` + id + `","name":"n","user_id":"u","vault":{"hdfs_info":{"build_conf":{"fs_name":"hdfs://127.0.0.1:8020","user":"hadoop"},"prefix":"analytics/data"}}}`
		return servertest.Do(t, http.MethodPost, msURL(s, "create_instance", ""), body)
	}
	denied := "{\n    \"code\": \"INVALID_ARGUMENT\",\n    \"msg\": \"instance_id \\\"rogue\\\" must start with a team prefix (analytics-, payments-)\"\n}\n"
	if r := create("rogue"); r.Status != 400 || r.Body != denied {
		t.Errorf("create_instance rogue: %d %q, want 400 %q", r.Status, r.Body, denied)
	}
	if r := create("analytics-1"); strings.Contains(r.Body, "team prefix") {
		t.Errorf("create_instance analytics-1 denied by the validator: %s", r.Body)
	}
	// The denied request changed nothing.
	if r := servertest.Do(t, http.MethodGet, msURL(s, "get_instance", "instance_id=rogue"), ""); r.Status == 200 {
		t.Errorf("rogue exists: %s", r.Body)
	}

	var st pluginStatus
	r = servertest.Do(t, http.MethodGet, s.URL+"/v1/plugins/naming", "", auth()...)
	if err := json.Unmarshal([]byte(r.Body), &st); err != nil || st.Loaded != "1.0.0" || st.Calls < 2 || st.Entry.Kind != "validator" {
		t.Errorf("status: %s (%v)", r.Body, err)
	}

	metrics := servertest.Do(t, http.MethodGet, s.URL+"/v1/metrics", "").Body
	for _, want := range []string{
		`metahost_plugin_calls_total{kind="validator",plugin="naming",runtime="wasm"}`,
		`metahost_plugin_breaker_open{kind="validator",plugin="naming",runtime="wasm"} 0`,
		`metahost_plugin_enabled{kind="validator",plugin="naming",runtime="wasm"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/v1/metrics lacks %s", want)
		}
	}

	// A disabled validator cannot answer; its fail_closed binding denies.
	if r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/disable", "", auth()...); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := create("analytics-2"); r.Status != 500 || !strings.Contains(r.Body, "validator naming failed") {
		t.Errorf("with the validator disabled: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/enable", "", auth()...); r.Status != 200 {
		t.Fatalf("enable: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, http.MethodDelete, s.URL+"/v1/plugins/naming", "", auth()...); r.Status != 409 {
		t.Errorf("deregister while bound: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/unbind", `{"operation":"create_instance"}`, auth()...); r.Status != 200 {
		t.Fatalf("unbind: %d %s", r.Status, r.Body)
	}
	if r := create("rogue"); strings.Contains(r.Body, "team prefix") {
		t.Errorf("still denied after unbind: %s", r.Body)
	}
	if r := servertest.Do(t, http.MethodDelete, s.URL+"/v1/plugins/naming", "", auth()...); r.Status != 200 {
		t.Errorf("deregister: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, http.MethodGet, s.URL+"/v1/plugins/naming", "", auth()...); r.Status != 404 {
		t.Errorf("after deregister: %d %s", r.Status, r.Body)
	}
}

func TestPluginValidatorsOnOtherSurfaces(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm module")
	}
	s := servertest.Start(t, servertest.Options{})
	wasm := plugintest.Build(t, namingPkg)
	r := servertest.Do(t, http.MethodPut, s.URL+"/v1/plugins/naming?kind=validator&version=1&config=analytics&sha256="+plugintest.SHA256(wasm), string(wasm), auth()...)
	if r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	for _, op := range []string{"begin_txn", "put", "kv_put"} {
		if r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/bind", `{"operation":"`+op+`"}`, auth()...); r.Status != 200 {
			t.Fatalf("bind %s: %d %s", op, r.Status, r.Body)
		}
	}
	// Compute-node methods: the instance comes from the cloud_unique_id.
	begin := func(cuid string) servertest.Response {
		return servertest.Do(t, http.MethodPost, s.URL+"/MetaService/begin_txn?token="+servertest.Token,
			`{"cloud_unique_id":"`+cuid+`","txn_info":{"db_id":1,"label":"l1","table_ids":[2],"timeout_ms":10000}}`)
	}
	if r := begin("1:rogue:be1"); r.Status != 200 || !strings.Contains(r.Body, `"code":"INVALID_ARGUMENT"`) || !strings.Contains(r.Body, "team prefix") {
		t.Errorf("begin_txn for rogue: %d %s", r.Status, r.Body)
	}
	if r := begin("1:analytics-1:be1"); strings.Contains(r.Body, "team prefix") {
		t.Errorf("begin_txn for analytics-1 denied by the validator: %s", r.Body)
	}
	// OpenTSDB put and KV writes carry no instance: allowed while the
	// validator answers, denied (fail_closed) once it cannot.
	put := func() servertest.Response {
		return servertest.Do(t, http.MethodPost, s.URL+"/api/put", `{"metric":"m","timestamp":1700000000,"value":1,"tags":{"h":"a"}}`)
	}
	kvPut := func() servertest.Response {
		return servertest.Do(t, http.MethodPut, s.URL+"/v1/kv/k", "v", auth()...)
	}
	if r := put(); r.Status != 204 {
		t.Errorf("put: %d %s", r.Status, r.Body)
	}
	if r := kvPut(); r.Status != 200 {
		t.Errorf("kv put: %d %s", r.Status, r.Body)
	}
	if r := servertest.Do(t, http.MethodPost, s.URL+"/v1/plugins/naming/disable", "", auth()...); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := put(); r.Status != 400 || !strings.Contains(r.Body, `"error"`) || !strings.Contains(r.Body, "validator naming failed") {
		t.Errorf("put with the validator disabled: %d %s", r.Status, r.Body)
	}
	if r := kvPut(); r.Status != 403 || !strings.Contains(r.Body, "validator naming failed") {
		t.Errorf("kv put with the validator disabled: %d %s", r.Status, r.Body)
	}
}
