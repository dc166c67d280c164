package plugintest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/metahost/metahost/host/plugin"
	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/validator"
)

// StabilityCalls is how many calls the memory-stability check makes.
const StabilityCalls = 2000

// malformed are inputs every export must answer with an invalid_input error envelope, never a trap.
var malformed = [][]byte{
	nil,
	{0},
	{0xff},
	{1, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	{1, 1, 2, 3},
	[]byte("{\"not\":\"the wire format\"}"),
}

// checkMalformed sends every malformed input to export and requires a guest invalid_input error
// and no fault.
func checkMalformed(t *testing.T, rt *plugin.Runtime, name, export string) {
	t.Helper()
	for _, in := range malformed {
		_, err := rt.Call(context.Background(), name, export, in)
		var ge *abi.GuestError
		if !errors.As(err, &ge) || ge.Code != abi.CodeInvalidInput {
			t.Errorf("%s(%q): want an invalid_input guest error, got %v", export, in, err)
		}
	}
	st, err := rt.Stats(name)
	if err != nil {
		t.Fatal(err)
	}
	if st.Faults != 0 || st.Discarded != 0 {
		t.Errorf("malformed input faulted the plugin: %+v", st)
	}
}

// PolicyCase is one scenario of the policy contract.
type PolicyCase struct {
	// Name labels the subtest.
	Name string
	// Config is the BE compaction config.
	Config policy.Config
	// Tablet is the tablet; a CumulativePoint of -1 is calculated by the policy first.
	Tablet      policy.Tablet
	NowMs       int64
	MaxScore    int64
	MinScore    int64
	AllowDelete bool
}

// PolicyContract loads the policy module wasm and checks the contract: it declares the policy
// kind with the native policy's name, answers malformed input with invalid_input, returns for
// every case and every policy.Policy method exactly what the native factory's policy returns
// (including the tablet fields it updates and the cumulative driver's outcome), and keeps its
// memory bounded over StabilityCalls calls.
func PolicyContract(t *testing.T, wasm []byte, native func(cfg *policy.Config) policy.Policy, cases []PolicyCase) {
	t.Helper()
	rt := NewRuntime(t, "")
	info := Load(t, rt, "contract", wasm, plugin.Limits{})
	d := policy.DefaultConfig()
	if !slices.Contains(info.Kinds, abi.KindPolicy) || info.PolicyName != native(&d).Name() {
		t.Fatalf("module describes kinds %v policy %q, want %s policy %q", info.Kinds, info.PolicyName, abi.KindPolicy, native(&d).Name())
	}
	checkMalformed(t, rt, "contract", abi.ExportPolicyInvoke)
	client := rt.Policy("contract")
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			cfg := c.Config
			bound := client.Bind(context.Background(), &cfg)
			comparePolicies(t, bound, native(&cfg), &c)
			if err := bound.Err(); err != nil {
				t.Fatalf("plugin call failed: %v", err)
			}
		})
	}
	if len(cases) > 0 {
		c := cases[0]
		bound := client.Bind(context.Background(), &c.Config)
		for i := 0; i < StabilityCalls; i++ {
			tb := c.Tablet
			bound.CalcCumulativeScore(&tb, c.NowMs)
		}
		if err := bound.Err(); err != nil {
			t.Fatalf("stability: %v", err)
		}
	}
	st, _ := rt.Stats("contract")
	if st.Faults != 0 || st.Discarded != 0 {
		t.Errorf("the plugin faulted or was recycled: %+v", st)
	}
}

func comparePolicies(t *testing.T, wasm, native policy.Policy, c *PolicyCase) {
	t.Helper()
	tw, tn := c.Tablet, c.Tablet
	tw.Rowsets, tn.Rowsets = slices.Clone(c.Tablet.Rowsets), slices.Clone(c.Tablet.Rowsets)
	if a, b := wasm.CalculateCumulativePoint(&tw, c.NowMs), native.CalculateCumulativePoint(&tn, c.NowMs); a != b {
		t.Errorf("CalculateCumulativePoint: wasm %d, native %d", a, b)
	} else if a != policy.InvalidCumulativePoint {
		tw.CumulativePoint, tn.CumulativePoint = a, b
	}
	if a, b := wasm.CalcCumulativeScore(&tw, c.NowMs), native.CalcCumulativeScore(&tn, c.NowMs); a != b {
		t.Errorf("CalcCumulativeScore: wasm %d, native %d", a, b)
	}
	cfg := c.Config
	cands := policy.CumulativeCandidates(&tn, &cfg, c.NowMs)
	pw := wasm.PickInputRowsets(&tw, cands, c.MaxScore, c.MinScore, c.AllowDelete, c.NowMs)
	pn := native.PickInputRowsets(&tn, cands, c.MaxScore, c.MinScore, c.AllowDelete, c.NowMs)
	if len(pn.Input) == 0 {
		pn.Input = nil
	}
	if !reflect.DeepEqual(pw, pn) {
		t.Errorf("PickInputRowsets: wasm %+v, native %+v", summary(pw), summary(pn))
	}
	if len(pn.Input) > 0 {
		out := policy.Rowset{StartVersion: pn.Input[0].StartVersion, EndVersion: pn.Input[len(pn.Input)-1].EndVersion,
			NumSegments: 1, SegmentsOverlap: policy.NonOverlapping, RowsetID: "output"}
		for _, r := range pn.Input {
			out.TotalDiskSize += r.TotalDiskSize
			out.DataDiskSize += r.DataDiskSize
			out.NumRows += r.NumRows
		}
		if a, b := wasm.CompactionLevel(&tw, pw.Input, out), native.CompactionLevel(&tn, pn.Input, out); a != b {
			t.Errorf("CompactionLevel: wasm %d, native %d", a, b)
		}
		if a, b := wasm.NewCumulativePoint(&tw, pw.Input, out, pw.LastDeleteVersion), native.NewCumulativePoint(&tn, pn.Input, out, pn.LastDeleteVersion); a != b {
			t.Errorf("NewCumulativePoint: wasm %d, native %d", a, b)
		}
	}
	if tw.CumulativePromotionSize != tn.CumulativePromotionSize {
		t.Errorf("promotion size: wasm %d, native %d", tw.CumulativePromotionSize, tn.CumulativePromotionSize)
	}
	// The shared driver gives the same outcome through both.
	tw2, tn2 := c.Tablet, c.Tablet
	tw2.Rowsets, tn2.Rowsets = slices.Clone(c.Tablet.Rowsets), slices.Clone(c.Tablet.Rowsets)
	rw := policy.PickCumulative(wasm, &tw2, &cfg, policy.Env{NowMs: c.NowMs})
	rn := policy.PickCumulative(native, &tn2, &cfg, policy.Env{NowMs: c.NowMs})
	if rw.Status != rn.Status || rw.Score != rn.Score || rw.CumulativePoint != rn.CumulativePoint ||
		!slices.Equal(versionsOf(rw.Input), versionsOf(rn.Input)) {
		t.Errorf("PickCumulative: wasm %v score %d point %d %v, native %v score %d point %d %v",
			rw.Status, rw.Score, rw.CumulativePoint, versionsOf(rw.Input), rn.Status, rn.Score, rn.CumulativePoint, versionsOf(rn.Input))
	}
}

func versionsOf(rs []policy.Rowset) []policy.Version {
	out := make([]policy.Version, 0, len(rs))
	for i := range rs {
		out = append(out, rs[i].Version())
	}
	return out
}

type pickSummary struct {
	Input      []policy.Version
	LastDelete policy.Version
	Score      int64
	Transient  int
	Rule       policy.PickRule
}

func summary(p policy.PickResult) pickSummary {
	return pickSummary{versionsOf(p.Input), p.LastDeleteVersion, p.Score, p.Transient, p.Rule}
}

// ValidatorCase is one request of the validator contract.
type ValidatorCase struct {
	// Name labels the subtest.
	Name    string
	Request validator.Request
	// Want is the expected verdict.
	Want validator.Response
}

// ValidatorContract loads the validator module wasm with the given configuration and checks the
// contract: it declares the validator kind, answers malformed input with invalid_input, returns
// each case's expected verdict, which must also be the native validator's verdict when native is
// not nil, and keeps its memory bounded over StabilityCalls calls.
func ValidatorContract(t *testing.T, wasm []byte, config []byte, native validator.Validator, cases []ValidatorCase) {
	t.Helper()
	rt := NewRuntime(t, "")
	info, err := rt.Load(context.Background(), plugin.Spec{Name: "contract", Version: "test", Wasm: wasm, SHA256: SHA256(wasm), Config: config})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if !slices.Contains(info.Kinds, abi.KindValidator) {
		t.Fatalf("module describes kinds %v, want %s", info.Kinds, abi.KindValidator)
	}
	checkMalformed(t, rt, "contract", abi.ExportValidateRequest)
	client := rt.Validator("contract")
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := client.Validate(context.Background(), &c.Request)
			if err != nil {
				t.Fatalf("validate: %v", err)
			}
			if got != c.Want {
				t.Errorf("wasm verdict %+v, want %+v", got, c.Want)
			}
			if native != nil {
				n, err := native.Validate(&c.Request)
				if err != nil || n != got {
					t.Errorf("native verdict %+v (%v), wasm %+v", n, err, got)
				}
			}
		})
	}
	if len(cases) > 0 {
		for i := 0; i < StabilityCalls; i++ {
			if _, err := client.Validate(context.Background(), &cases[i%len(cases)].Request); err != nil {
				t.Fatalf("stability call %d: %v", i, err)
			}
		}
	}
	st, _ := rt.Stats("contract")
	if st.Faults != 0 || st.Discarded != 0 {
		t.Errorf("the plugin faulted or was recycled: %+v", st)
	}
}
