// Package guest turns ordinary Go into a metahost wasm plugin (metahost ABI v1, see sdk/abi).
// A plugin registers its implementation from init and is built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o plugin.wasm .
//
// for example:
//
//	package main
//
//	import (
//		"github.com/metahost/metahost/sdk/guest"
//		"github.com/metahost/metahost/sdk/policy"
//		"github.com/metahost/metahost/sdk/policy/sizebased"
//	)
//
//	func init() {
//		guest.RegisterPolicy(guest.Info{Name: "size_based", Version: "1.0.0"},
//			func(cfg *policy.Config) policy.Policy { return sizebased.New(cfg) })
//	}
//
//	func main() {} // required by c-shared, never called
//
// The package owns every export: the allocator, the ABI version, describe, configure,
// policy_invoke and validate_request. It recovers panics at the export boundary (a panic becomes
// an error envelope with code "panic"), yields to the Go scheduler before every 8th export returns
// so that the guest's garbage collector keeps up, and reuses its buffers between calls.
//
// Rules for plugin authors: write nothing to stdout (use Log), start no goroutine that outlives a
// call, and keep no state between calls: the host may recycle or discard an instance at any time.
// Values handed to the plugin (rowset ids, request bodies) alias the input buffer and are only
// valid during the call.
//
// The wasm exports need package-level state: it lives in one Instance value, the only global of the
// package. On other platforms the same Instance logic is available for tests through NewInstance.
package guest

import (
	"errors"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/policywire"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// MaxInputBytes is the largest input buffer the allocator hands out (plugin_malloc returns 0 above it).
const MaxInputBytes = 64 << 20

// Info is a plugin's self-description.
type Info struct {
	// Name is the plugin name, e.g. "size_based".
	Name string
	// Version is the plugin version, e.g. "1.0.0".
	Version string
}

// PolicyFactory builds a policy for a BE compaction config. It is called again whenever the
// config changes; the policy must not keep the pointer.
type PolicyFactory func(cfg *policy.Config) policy.Policy

// Instance is the state behind the exports of one wasm instance.
type Instance struct {
	info       Info
	factory    PolicyFactory
	validator  validator.Validator
	configure  func(config []byte) error
	policyName string

	// cached policy and the config it was built for.
	pol    policy.Policy
	polCfg policy.Config

	preq  policywire.Request
	presp policywire.Response
	vreq  validator.Request
	out   wire.Encoder
}

// NewInstance returns an empty instance (used natively by tests; the wasm build has one global).
func NewInstance() *Instance { return &Instance{} }

// RegisterPolicy makes the instance a compaction policy.
func (g *Instance) RegisterPolicy(info Info, f PolicyFactory) {
	g.info, g.factory = info, f
	d := policy.DefaultConfig()
	g.policyName = f(&d).Name()
}

// RegisterValidator makes the instance a request validator.
func (g *Instance) RegisterValidator(info Info, v validator.Validator) {
	g.info, g.validator = info, v
}

// OnConfigure sets the handler of the plugin's opaque configuration (plugin_configure).
func (g *Instance) OnConfigure(f func(config []byte) error) { g.configure = f }

// Describe returns the plugin_describe envelope.
func (g *Instance) Describe() []byte {
	d := abi.Descriptor{Name: g.info.Name, Version: g.info.Version, PolicyName: g.policyName}
	if g.factory != nil {
		d.Kinds = append(d.Kinds, abi.KindPolicy)
	}
	if g.validator != nil {
		d.Kinds = append(d.Kinds, abi.KindValidator)
	}
	g.out.Reset()
	abi.AppendOK(&g.out)
	d.Encode(&g.out)
	return g.out.Bytes()
}

// Configure handles plugin_configure and returns its envelope.
func (g *Instance) Configure(config []byte) (out []byte) {
	defer g.recoverInto(&out)
	g.out.Reset()
	if g.configure == nil {
		if len(config) > 0 {
			abi.AppendError(&g.out, abi.CodeUnsupported, "plugin takes no configuration")
			return g.out.Bytes()
		}
		abi.AppendOK(&g.out)
		return g.out.Bytes()
	}
	if err := g.configure(config); err != nil {
		abi.AppendError(&g.out, abi.CodeInvalidInput, err.Error())
		return g.out.Bytes()
	}
	abi.AppendOK(&g.out)
	return g.out.Bytes()
}

func (g *Instance) recoverInto(out *[]byte) {
	if r := recover(); r != nil {
		g.out.Reset()
		abi.AppendError(&g.out, abi.CodePanic, panicMessage(r))
		*out = g.out.Bytes()
	}
}

// panicMessage describes a recovered value without fmt (which would pull reflection into every
// guest): errors (runtime errors included) and strings print as themselves.
func panicMessage(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "panic with a non-error value"
}

// InvokePolicy handles policy_invoke: it decodes the request, runs the registered policy and
// returns the response envelope.
func (g *Instance) InvokePolicy(in []byte) (out []byte) {
	defer g.recoverInto(&out)
	g.out.Reset()
	if g.factory == nil {
		abi.AppendError(&g.out, abi.CodeUnsupported, "not a compaction policy")
		return g.out.Bytes()
	}
	req := &g.preq
	if err := policywire.DecodeRequest(in, req); err != nil {
		abi.AppendError(&g.out, abi.CodeInvalidInput, err.Error())
		return g.out.Bytes()
	}
	if g.pol == nil || g.polCfg != req.Config {
		g.polCfg = req.Config
		g.pol = g.factory(&g.polCfg)
	}
	p, t := g.pol, &req.Tablet
	resp := &g.presp
	*resp = policywire.Response{}
	switch req.Op {
	case policywire.OpCalculateCumulativePoint:
		resp.Value = p.CalculateCumulativePoint(t, req.NowMs)
	case policywire.OpCalcCumulativeScore:
		resp.Value = p.CalcCumulativeScore(t, req.NowMs)
	case policywire.OpPickInputRowsets:
		resp.Pick = p.PickInputRowsets(t, req.Cands, req.MaxScore, req.MinScore, req.AllowDelete, req.NowMs)
	case policywire.OpNewCumulativePoint:
		resp.Value = p.NewCumulativePoint(t, req.Input, req.Output, req.LastDelete)
	case policywire.OpCompactionLevel:
		resp.Value = p.CompactionLevel(t, req.Input, req.Output)
	}
	resp.PromotionSize = t.CumulativePromotionSize
	abi.AppendOK(&g.out)
	policywire.EncodeResponse(&g.out, req.Op, req.Cands, resp)
	return g.out.Bytes()
}

// ValidateRequest handles validate_request and returns the response envelope.
func (g *Instance) ValidateRequest(in []byte) (out []byte) {
	defer g.recoverInto(&out)
	g.out.Reset()
	if g.validator == nil {
		abi.AppendError(&g.out, abi.CodeUnsupported, "not a request validator")
		return g.out.Bytes()
	}
	req := &g.vreq
	if err := validator.DecodeRequest(in, req); err != nil {
		abi.AppendError(&g.out, abi.CodeInvalidInput, err.Error())
		return g.out.Bytes()
	}
	resp, err := g.validator.Validate(req)
	if err != nil {
		code := abi.CodePluginError
		var ge *abi.GuestError
		if errors.As(err, &ge) {
			code = ge.Code
		}
		abi.AppendError(&g.out, code, err.Error())
		return g.out.Bytes()
	}
	abi.AppendOK(&g.out)
	validator.EncodeResponse(&g.out, &resp)
	return g.out.Bytes()
}
