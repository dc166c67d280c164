package guest

import (
	"errors"
	"strings"
	"testing"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/policywire"
	"github.com/metahost/metahost/sdk/policy/sizebased"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// panicky is a policy whose every method panics.
type panicky struct{ policy.Policy }

func (panicky) Name() string { return "panicky" }
func (panicky) CalcCumulativeScore(*policy.Tablet, int64) int64 {
	var m map[string]int
	m["x"] = 1
	return 0
}

func guestErr(t *testing.T, env []byte) *abi.GuestError {
	t.Helper()
	_, err := abi.OpenEnvelope(env)
	var ge *abi.GuestError
	if !errors.As(err, &ge) {
		t.Fatalf("want a guest error, got %v", err)
	}
	return ge
}

func TestDispatch(t *testing.T) {
	g := NewInstance()
	if ge := guestErr(t, g.InvokePolicy(nil)); ge.Code != abi.CodeUnsupported {
		t.Errorf("unregistered policy: %v", ge)
	}
	if ge := guestErr(t, g.ValidateRequest(nil)); ge.Code != abi.CodeUnsupported {
		t.Errorf("unregistered validator: %v", ge)
	}
	g.RegisterPolicy(Info{Name: "p", Version: "1"}, func(c *policy.Config) policy.Policy { return sizebased.New(c) })
	desc, err := abi.OpenEnvelope(g.Describe())
	if err != nil {
		t.Fatal(err)
	}
	d, ver, err := abi.DecodeDescriptor(desc)
	if err != nil || ver != abi.Version || d.PolicyName != policy.NameSizeBased || !d.HasKind(abi.KindPolicy) || d.HasKind(abi.KindValidator) {
		t.Fatalf("describe %+v %x %v", d, ver, err)
	}
	if ge := guestErr(t, g.InvokePolicy([]byte{1, 2, 3})); ge.Code != abi.CodeInvalidInput {
		t.Errorf("malformed request: %v", ge)
	}
	// A good request.
	tab := policy.Tablet{CumulativePoint: 2, Rowsets: []policy.Rowset{{StartVersion: 0, EndVersion: 1, NumSegments: 1}}}
	var e wire.Encoder
	policywire.EncodeRequest(&e, &policywire.Request{Op: policywire.OpCalcCumulativeScore, Config: policy.DefaultConfig(), Tablet: tab})
	env, err := abi.OpenEnvelope(g.InvokePolicy(e.Bytes()))
	var resp policywire.Response
	if err == nil {
		err = policywire.DecodeResponse(env, policywire.OpCalcCumulativeScore, nil, &resp)
	}
	if err != nil || resp.PromotionSize == 0 {
		t.Fatalf("score call: %+v %v", resp, err)
	}
	// Configuration without a handler.
	if _, err := abi.OpenEnvelope(g.Configure(nil)); err != nil {
		t.Errorf("empty configuration refused: %v", err)
	}
	if ge := guestErr(t, g.Configure([]byte("x"))); ge.Code != abi.CodeUnsupported {
		t.Errorf("configuration without handler: %v", ge)
	}
}

func TestPanicsBecomeErrors(t *testing.T) {
	g := NewInstance()
	g.RegisterPolicy(Info{Name: "p"}, func(c *policy.Config) policy.Policy { return panicky{sizebased.New(c)} })
	var e wire.Encoder
	policywire.EncodeRequest(&e, &policywire.Request{Op: policywire.OpCalcCumulativeScore, Config: policy.DefaultConfig()})
	if ge := guestErr(t, g.InvokePolicy(e.Bytes())); ge.Code != abi.CodePanic || !strings.Contains(ge.Message, "nil map") {
		t.Errorf("panic: %v", ge)
	}
	v := NewInstance()
	v.RegisterValidator(Info{Name: "v"}, validator.Func(func(r *validator.Request) (validator.Response, error) {
		switch r.Operation {
		case "panic":
			panic("boom")
		case "fail":
			return validator.Response{}, errors.New("backend down")
		}
		return validator.Denied("INVALID_ARGUMENT", "no "+r.InstanceID), nil
	}))
	v.OnConfigure(func(b []byte) error {
		if string(b) != "ok" {
			return errors.New("bad config")
		}
		return nil
	})
	call := func(op string) []byte {
		e.Reset()
		validator.EncodeRequest(&e, &validator.Request{Operation: op, InstanceID: "i1"})
		return v.ValidateRequest(e.Bytes())
	}
	if ge := guestErr(t, call("panic")); ge.Code != abi.CodePanic || ge.Message != "boom" {
		t.Errorf("panic: %v", ge)
	}
	if ge := guestErr(t, call("fail")); ge.Code != abi.CodePluginError || ge.Message != "backend down" {
		t.Errorf("error: %v", ge)
	}
	env, err := abi.OpenEnvelope(call("x"))
	var resp validator.Response
	if err == nil {
		err = validator.DecodeResponse(env, &resp)
	}
	if err != nil || resp.Allow || resp.Message != "no i1" {
		t.Errorf("deny: %+v %v", resp, err)
	}
	if ge := guestErr(t, v.Configure([]byte("bad"))); ge.Code != abi.CodeInvalidInput {
		t.Errorf("bad config: %v", ge)
	}
	if _, err := abi.OpenEnvelope(v.Configure([]byte("ok"))); err != nil {
		t.Errorf("good config: %v", err)
	}
}
