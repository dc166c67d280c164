package policywire

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/wire"
)

// randomConfig sets every field of a Config to a distinct value, so that a field missing from
// the codec is caught.
func randomConfig(r *rand.Rand) policy.Config {
	var c policy.Config
	v := reflect.ValueOf(&c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int64:
			f.SetInt(r.Int64N(1<<40) - 1<<39)
		case reflect.Float64:
			f.SetFloat(r.Float64())
		case reflect.Bool:
			f.SetBool(true)
		default:
			panic("unhandled config field kind " + f.Kind().String())
		}
	}
	return c
}

func rowsets(n int) []policy.Rowset {
	out := make([]policy.Rowset, n)
	for i := range out {
		out[i] = policy.Rowset{StartVersion: int64(i), EndVersion: int64(i), NumSegments: int64(i % 4),
			SegmentsOverlap: policy.SegmentsOverlap(i % 3), TotalDiskSize: int64(i) << 20, DataDiskSize: int64(i) << 19,
			NumRows: int64(i * 1000), HasDeletePredicate: i%7 == 3, Remote: i%11 == 5, CreationTime: 1_700_000_000 + int64(i),
			CompactionLevel: int64(i % 2), RowsetID: "rs-" + string(rune('a'+i%26))}
	}
	return out
}

func TestRequestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tab := policy.Tablet{TabletID: 9, KeysType: policy.UniqueKeys, MergeOnWrite: true, State: policy.TabletNotReady,
		CumulativePoint: -1, CumulativePromotionSize: 77, VisibleVersionKnown: true, VisibleVersion: 40,
		VisibleUpdateTimeMs: 12345, LastCumuSuccessMs: 1, LastBaseSuccessMs: 2,
		TimeSeries: policy.TimeSeriesProperties{GoalSizeMBytes: 1, FileCountThreshold: 2, TimeThresholdSeconds: 3,
			EmptyRowsetsThreshold: 4, LevelThreshold: 5}, Rowsets: rowsets(40)}
	other := rowsets(3)
	other[0].RowsetID = "not in the tablet"
	tests := []Request{
		{Op: OpCalculateCumulativePoint, NowMs: 5, Config: randomConfig(r), Tablet: tab, LastDelete: policy.NoVersion},
		{Op: OpCalcCumulativeScore, NowMs: -5, Config: randomConfig(r), Tablet: tab, LastDelete: policy.NoVersion},
		{Op: OpPickInputRowsets, Config: randomConfig(r), Tablet: tab, Cands: tab.Rowsets[10:30], MaxScore: 100,
			MinScore: 5, AllowDelete: true, LastDelete: policy.NoVersion},
		{Op: OpPickInputRowsets, Config: randomConfig(r), Tablet: tab, Cands: other, LastDelete: policy.NoVersion},
		{Op: OpNewCumulativePoint, Config: randomConfig(r), Tablet: tab, Input: tab.Rowsets[3:9], Output: other[1],
			LastDelete: policy.Version{Start: 4, End: 4}},
		{Op: OpCompactionLevel, Config: randomConfig(r), Tablet: policy.Tablet{}, Input: other, Output: other[2],
			LastDelete: policy.Version{Start: 1, End: 2}},
	}
	for _, req := range tests {
		t.Run(req.Op.String(), func(t *testing.T) {
			var e wire.Encoder
			EncodeRequest(&e, &req)
			var got Request
			if err := DecodeRequest(e.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			norm := func(r *Request) {
				if len(r.Tablet.Rowsets) == 0 {
					r.Tablet.Rowsets = nil
				}
				if len(r.Cands) == 0 {
					r.Cands = nil
				}
				if len(r.Input) == 0 {
					r.Input = nil
				}
			}
			want := req
			norm(&want)
			norm(&got)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestResponseRoundTripAliasesCandidates(t *testing.T) {
	cands := rowsets(20)
	resp := Response{Value: 3, PromotionSize: 1 << 30, Pick: policy.PickResult{Input: cands[4:9],
		LastDeleteVersion: policy.Version{Start: 9, End: 9}, Score: 12, Transient: 5, Rule: policy.RuleLevel}}
	var e wire.Encoder
	EncodeResponse(&e, OpPickInputRowsets, cands, &resp)
	var got Response
	if err := DecodeResponse(e.Bytes(), OpPickInputRowsets, cands, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, resp) {
		t.Fatalf("got %+v", got)
	}
	if &got.Pick.Input[0] != &cands[4] || cap(got.Pick.Input) != 5 {
		t.Error("a contiguous pick does not alias the candidates (capacity-capped)")
	}
	// A non-contiguous pick is sent explicitly.
	resp.Pick.Input = []policy.Rowset{cands[1], cands[5]}
	e.Reset()
	EncodeResponse(&e, OpPickInputRowsets, cands, &resp)
	if err := DecodeResponse(e.Bytes(), OpPickInputRowsets, cands, &got); err != nil || !slices.Equal(got.Pick.Input, resp.Pick.Input) {
		t.Fatalf("explicit list: %v %+v", err, got.Pick.Input)
	}
}

func TestBadMessages(t *testing.T) {
	var e wire.Encoder
	req := Request{Op: OpPickInputRowsets, Tablet: policy.Tablet{Rowsets: rowsets(3)}, Cands: rowsets(3)[1:]}
	EncodeRequest(&e, &req)
	good := slices.Clone(e.Bytes())
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"wrong version", append([]byte{2}, good[1:]...)},
		{"unknown op", append([]byte{1, 9}, good[2:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing", append(slices.Clone(good), 0)},
		{"run outside the tablet", func() []byte {
			var e wire.Encoder
			req := Request{Op: OpPickInputRowsets, Tablet: policy.Tablet{Rowsets: rowsets(3)}, Cands: rowsets(3)[1:]}
			EncodeRequest(&e, &req)
			b := slices.Clone(e.Bytes())
			// The candidates are the reference (listRef, offset 1, length 2) before the scores
			// (8+8 bytes) and the allow-delete byte: make the run [1,+5).
			ref := len(b) - 17 - 9
			if b[ref] != listRef || b[ref+1] != 1 || b[ref+5] != 2 {
				panic("unexpected layout")
			}
			b[ref+5] = 5
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Request
			if err := DecodeRequest(tc.in, &got); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
	var re wire.Encoder
	EncodeResponse(&re, OpPickInputRowsets, rowsets(4), &Response{Pick: policy.PickResult{Input: rowsets(4)[1:3]}})
	if err := DecodeResponse(re.Bytes(), OpPickInputRowsets, rowsets(2), &Response{}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("reference outside the candidates: %v", err)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, op := range []Op{OpCalculateCumulativePoint, OpPickInputRowsets, OpNewCumulativePoint} {
		var e wire.Encoder
		tab := policy.Tablet{Rowsets: rowsets(5)}
		req := Request{Op: op, Tablet: tab, Cands: tab.Rowsets[1:4], Input: tab.Rowsets[:2], Config: policy.DefaultConfig()}
		EncodeRequest(&e, &req)
		f.Add(slices.Clone(e.Bytes()))
	}
	f.Add([]byte{1, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		var req Request
		if err := DecodeRequest(b, &req); err != nil {
			return
		}
		// A request that decodes re-encodes to something that decodes to the same request.
		var e wire.Encoder
		EncodeRequest(&e, &req)
		var again Request
		if err := DecodeRequest(e.Bytes(), &again); err != nil {
			t.Fatalf("re-encoded request does not decode: %v", err)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	cands := rowsets(4)
	var e wire.Encoder
	EncodeResponse(&e, OpPickInputRowsets, cands, &Response{Pick: policy.PickResult{Input: cands[1:3]}})
	f.Add(slices.Clone(e.Bytes()), true)
	f.Add([]byte{2, 4}, false)
	f.Fuzz(func(t *testing.T, b []byte, pick bool) {
		op := OpCalcCumulativeScore
		if pick {
			op = OpPickInputRowsets
		}
		var resp Response
		_ = DecodeResponse(b, op, cands, &resp)
	})
}
