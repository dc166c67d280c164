package main

import (
	"testing"

	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/validator"
)

const config = "analytics,payments"

func cases() []plugintest.ValidatorCase {
	deny := func(msg string) validator.Response { return validator.Denied("INVALID_ARGUMENT", msg) }
	return []plugintest.ValidatorCase{
		{Name: "no instance", Request: validator.Request{Surface: "kv", Operation: "put"}, Want: validator.Allowed()},
		{Name: "team prefix", Request: validator.Request{Surface: "meta_service", Operation: "create_instance",
			InstanceID: "analytics-prod"}, Want: validator.Allowed()},
		{Name: "no team prefix", Request: validator.Request{Surface: "meta_service", Operation: "create_instance",
			InstanceID: "prod"}, Want: deny(`instance_id "prod" must start with a team prefix (analytics-, payments-)`)},
		{Name: "prefix only", Request: validator.Request{Operation: "create_instance", InstanceID: "payments-"},
			Want: deny(`instance_id "payments-" must start with a team prefix (analytics-, payments-)`)},
		{Name: "vault prefix of the team", Request: validator.Request{Operation: "create_instance", InstanceID: "payments-eu",
			Body: []byte(`{"instance_id":"payments-eu","obj_info":[{"bucket":"b","prefix" : "payments/eu"}]}`)},
			Want: validator.Allowed()},
		{Name: "vault prefix of another team", Request: validator.Request{Operation: "create_instance", InstanceID: "payments-eu",
			Body: []byte(`{"instance_id":"payments-eu","obj_info":[{"prefix":"payments/eu"},{"prefix":"analytics/x"}]}`)},
			Want: deny(`vault prefix "analytics/x" of instance "payments-eu" must start with "payments/" or "payments-"`)},
	}
}

// TestNative checks the validator logic natively.
func TestNative(t *testing.T) {
	n := &naming{}
	if err := n.configure([]byte(config)); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases() {
		got, err := n.Validate(&c.Request)
		if err != nil || got != c.Want {
			t.Errorf("%s: got %+v %v, want %+v", c.Name, got, err, c.Want)
		}
	}
	for _, bad := range []string{"", " , ", "a-b", "x/y"} {
		if err := (&naming{}).configure([]byte(bad)); err == nil {
			t.Errorf("configure(%q) accepted", bad)
		}
	}
}

// TestWasmPlugin runs the plugin contract against the wasm build, comparing with the native logic.
func TestWasmPlugin(t *testing.T) {
	wasm := plugintest.Build(t, ".")
	n := &naming{}
	if err := n.configure([]byte(config)); err != nil {
		t.Fatal(err)
	}
	plugintest.ValidatorContract(t, wasm, []byte(config), n, cases())
}
