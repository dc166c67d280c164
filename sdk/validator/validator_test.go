package validator

import (
	"errors"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/wire"
)

func TestRoundTrip(t *testing.T) {
	req := Request{Surface: "meta_service", Operation: "create_instance", InstanceID: "team-a", CloudUniqueID: "1:x:y",
		Body: []byte(`{"instance_id":"team-a"}`)}
	var e wire.Encoder
	EncodeRequest(&e, &req)
	var got Request
	if err := DecodeRequest(e.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Surface != req.Surface || got.Operation != req.Operation || got.InstanceID != req.InstanceID ||
		got.CloudUniqueID != req.CloudUniqueID || string(got.Body) != string(req.Body) {
		t.Fatalf("got %+v", got)
	}
	for _, resp := range []Response{Allowed(), Denied("INVALID_ARGUMENT", "no")} {
		e.Reset()
		EncodeResponse(&e, &resp)
		var back Response
		if err := DecodeResponse(e.Bytes(), &back); err != nil || back != resp {
			t.Fatalf("response %+v -> %+v %v", resp, back, err)
		}
	}
}

func TestBadMessages(t *testing.T) {
	var e wire.Encoder
	EncodeRequest(&e, &Request{Operation: "x"})
	good := slices.Clone(e.Bytes())
	for _, in := range [][]byte{nil, {2}, append([]byte{9}, good[1:]...), good[:len(good)-1], append(good, 1)} {
		var req Request
		if err := DecodeRequest(in, &req); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("DecodeRequest(%v) = %v, want ErrMalformed", in, err)
		}
	}
	for _, in := range [][]byte{nil, {2, 0, 0}, {1, 5, 'a'}, {1, 0, 0, 0}} {
		var resp Response
		if err := DecodeResponse(in, &resp); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("DecodeResponse(%v) = %v, want ErrMalformed", in, err)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	var e wire.Encoder
	EncodeRequest(&e, &Request{Surface: "s", Operation: "o", InstanceID: "i", Body: []byte("{}")})
	f.Add(slices.Clone(e.Bytes()))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var req Request
		if DecodeRequest(b, &req) != nil {
			return
		}
		var e wire.Encoder
		EncodeRequest(&e, &req)
		if string(e.Bytes()) != string(b) {
			t.Fatalf("re-encoding differs: %v vs %v", e.Bytes(), b)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte{1, 0, 0})
	f.Add([]byte{0, 3, 'a', 'b', 'c', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var resp Response
		_ = DecodeResponse(b, &resp)
	})
}
