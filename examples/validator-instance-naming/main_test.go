package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/plugintest"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
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

// BenchmarkValidate is one create_instance check: natively, natively through the guest SDK's
// dispatcher (encode, decode, validate, encode, decode: the code the wasm build runs), and
// through the wasm build in the host's runtime (metered, as the host runs third-party code).
func BenchmarkValidate(b *testing.B) {
	req := &validator.Request{Surface: "meta_service", Operation: "create_instance", InstanceID: "payments-eu",
		Body: []byte(`{"instance_id":"payments-eu","obj_info":[{"bucket":"b","prefix":"payments/eu"}]}`)}
	n := &naming{}
	if err := n.configure([]byte(config)); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, validate func() (validator.Response, error)) {
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		for b.Loop() {
			t0 := time.Now()
			resp, err := validate()
			lat = append(lat, time.Since(t0))
			if err != nil || !resp.Allow {
				b.Fatalf("%+v %v", resp, err)
			}
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	}
	b.Run("native", func(b *testing.B) {
		run(b, func() (validator.Response, error) { return n.Validate(req) })
	})
	b.Run("native-abi", func(b *testing.B) {
		g := guest.NewInstance()
		g.RegisterValidator(guest.Info{Name: "instance-naming", Version: Version}, n)
		var e wire.Encoder
		run(b, func() (validator.Response, error) {
			e.Reset()
			validator.EncodeRequest(&e, req)
			payload, err := abi.OpenEnvelope(g.ValidateRequest(e.Bytes()))
			var resp validator.Response
			if err == nil {
				err = validator.DecodeResponse(payload, &resp)
			}
			return resp, err
		})
	})
	b.Run("wasm", func(b *testing.B) {
		wasm := plugintest.Build(b, ".")
		rt, err := plugin.New(plugin.Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(context.Background())
		if _, err := rt.Load(context.Background(), plugin.Spec{Name: "naming", Version: Version, Wasm: wasm,
			SHA256: plugintest.SHA256(wasm), Config: []byte(config)}); err != nil {
			b.Fatal(err)
		}
		v := rt.Validator("naming")
		ctx := context.Background()
		run(b, func() (validator.Response, error) { return v.Validate(ctx, req) })
	})
}
