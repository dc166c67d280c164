package plugin

import (
	"context"
	"fmt"
	"sync"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/policy/policywire"
	"github.com/metahost/metahost/sdk/wire"
)

// encoders recycles request buffers (byte buffers only; instances are never pooled this way).
var encoders = sync.Pool{New: func() any { return new(wire.Encoder) }}

// Policy calls a compaction-policy plugin by name; every call goes to the version current at that
// moment, so a hot swap is transparent.
type Policy struct {
	rt   *Runtime
	name string
}

// Policy returns a client of the compaction-policy plugin name. The plugin need not be loaded yet.
func (r *Runtime) Policy(name string) *Policy { return &Policy{rt: r, name: name} }

// PluginName returns the catalog name the client calls.
func (p *Policy) PluginName() string { return p.name }

// PolicyName returns the policy name the current version reports (policy.Policy.Name).
func (p *Policy) PolicyName() (string, error) {
	info, err := p.rt.Info(p.name)
	if err != nil {
		return "", err
	}
	if info.PolicyName == "" {
		return "", fmt.Errorf("%s: %w: not a compaction policy", p.name, ErrKind)
	}
	return info.PolicyName, nil
}

// Invoke runs one policy operation. On success the response's Pick.Input aliases req.Cands when
// the plugin picked a contiguous run of them.
func (p *Policy) Invoke(ctx context.Context, req *policywire.Request) (policywire.Response, error) {
	e := encoders.Get().(*wire.Encoder)
	e.Reset()
	policywire.EncodeRequest(e, req)
	var resp policywire.Response
	_, err := p.rt.call(ctx, p.name, abi.ExportPolicyInvoke, e.Bytes(), func(out []byte) error {
		return policywire.DecodeResponse(out, req.Op, req.Cands, &resp)
	})
	encoders.Put(e)
	if err != nil {
		return policywire.Response{}, err
	}
	return resp, nil
}

// Bind returns a policy.Policy backed by the plugin, for the BE config cfg and the calls made
// under ctx, so that the shared drivers (policy.PickCumulative, policy.ScoreTablets) run the
// plugin. policy.Policy methods cannot fail: after an error every method returns a neutral value
// (no point, score 0, nothing picked, the point unchanged) and Err reports the first error, which
// the caller must check.
func (p *Policy) Bind(ctx context.Context, cfg *policy.Config) *BoundPolicy {
	b := &BoundPolicy{p: p, ctx: ctx, cfg: *cfg}
	b.name, b.err = p.PolicyName()
	return b
}

// BoundPolicy is a policy.Policy backed by a plugin (see Policy.Bind). It is not safe for
// concurrent use.
type BoundPolicy struct {
	p    *Policy
	ctx  context.Context
	cfg  policy.Config
	name string
	err  error
	req  policywire.Request
}

var _ policy.Policy = (*BoundPolicy)(nil)

// Err returns the first error of any call.
func (b *BoundPolicy) Err() error { return b.err }

// Name returns the policy name the plugin reports.
func (b *BoundPolicy) Name() string { return b.name }

func (b *BoundPolicy) invoke(t *policy.Tablet) (policywire.Response, bool) {
	if b.err != nil {
		return policywire.Response{}, false
	}
	b.req.Config, b.req.Tablet = b.cfg, *t
	resp, err := b.p.Invoke(b.ctx, &b.req)
	b.req.Tablet.Rowsets, b.req.Cands, b.req.Input = nil, nil, nil
	if err != nil {
		b.err = err
		return resp, false
	}
	t.CumulativePromotionSize = resp.PromotionSize
	return resp, true
}

// CalculateCumulativePoint implements policy.Policy.
func (b *BoundPolicy) CalculateCumulativePoint(t *policy.Tablet, nowMs int64) int64 {
	b.req = policywire.Request{Op: policywire.OpCalculateCumulativePoint, NowMs: nowMs}
	resp, ok := b.invoke(t)
	if !ok {
		return policy.InvalidCumulativePoint
	}
	return resp.Value
}

// CalcCumulativeScore implements policy.Policy.
func (b *BoundPolicy) CalcCumulativeScore(t *policy.Tablet, nowMs int64) int64 {
	b.req = policywire.Request{Op: policywire.OpCalcCumulativeScore, NowMs: nowMs}
	resp, ok := b.invoke(t)
	if !ok {
		return 0
	}
	return resp.Value
}

// PickInputRowsets implements policy.Policy.
func (b *BoundPolicy) PickInputRowsets(t *policy.Tablet, cands []policy.Rowset, maxScore, minScore int64, allowDelete bool, nowMs int64) policy.PickResult {
	b.req = policywire.Request{Op: policywire.OpPickInputRowsets, NowMs: nowMs, Cands: cands,
		MaxScore: maxScore, MinScore: minScore, AllowDelete: allowDelete}
	resp, ok := b.invoke(t)
	if !ok {
		return policy.PickResult{LastDeleteVersion: policy.NoVersion}
	}
	return resp.Pick
}

// NewCumulativePoint implements policy.Policy.
func (b *BoundPolicy) NewCumulativePoint(t *policy.Tablet, input []policy.Rowset, output policy.Rowset, lastDelete policy.Version) int64 {
	b.req = policywire.Request{Op: policywire.OpNewCumulativePoint, Input: input, Output: output, LastDelete: lastDelete}
	resp, ok := b.invoke(t)
	if !ok {
		return t.CumulativePoint
	}
	return resp.Value
}

// CompactionLevel implements policy.Policy.
func (b *BoundPolicy) CompactionLevel(t *policy.Tablet, input []policy.Rowset, output policy.Rowset) int64 {
	b.req = policywire.Request{Op: policywire.OpCompactionLevel, Input: input, Output: output}
	resp, ok := b.invoke(t)
	if !ok {
		return 0
	}
	return resp.Value
}
