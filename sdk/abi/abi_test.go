package abi

import (
	"errors"
	"slices"
	"testing"

	"github.com/metahost/metahost/sdk/wire"
)

func TestPack(t *testing.T) {
	for _, c := range [][2]uint32{{0, 0}, {1, 2}, {0xffffffff, 0xffffffff}, {65536, 17}} {
		p, n := Unpack(Pack(c[0], c[1]))
		if p != c[0] || n != c[1] {
			t.Errorf("Pack/Unpack(%v) = %d %d", c, p, n)
		}
	}
}

func TestEnvelope(t *testing.T) {
	var e wire.Encoder
	AppendOK(&e)
	e.Byte(42)
	if p, err := OpenEnvelope(e.Bytes()); err != nil || !slices.Equal(p, []byte{42}) {
		t.Fatalf("ok envelope: %v %v", p, err)
	}
	e.Reset()
	AppendError(&e, CodeInvalidInput, "bad")
	_, err := OpenEnvelope(e.Bytes())
	var ge *GuestError
	if !errors.As(err, &ge) || ge.Code != CodeInvalidInput || ge.Message != "bad" || err.Error() != "invalid_input: bad" {
		t.Fatalf("error envelope: %v", err)
	}
	for _, bad := range [][]byte{nil, {2}, {StatusError}, {StatusError, 3, 'a'}, {StatusError, 0, 0, 0}} {
		if _, err := OpenEnvelope(bad); !errors.Is(err, ErrBadEnvelope) {
			t.Errorf("OpenEnvelope(%v) = %v, want ErrBadEnvelope", bad, err)
		}
	}
}

func TestDescriptor(t *testing.T) {
	d := Descriptor{Name: "n", Version: "1.2.3", Kinds: []string{KindPolicy, KindValidator}, PolicyName: "size_based"}
	var e wire.Encoder
	d.Encode(&e)
	got, ver, err := DecodeDescriptor(e.Bytes())
	if err != nil || ver != Version || got.Name != d.Name || got.Version != d.Version || !slices.Equal(got.Kinds, d.Kinds) ||
		got.PolicyName != d.PolicyName || !got.HasKind(KindValidator) || got.HasKind("x") {
		t.Fatalf("got %+v %x %v", got, ver, err)
	}
	if _, _, err := DecodeDescriptor(e.Bytes()[:e.Len()-1]); err == nil {
		t.Fatal("truncated descriptor decoded")
	}
}

func FuzzOpenEnvelope(f *testing.F) {
	f.Add([]byte{StatusOK, 1, 2})
	f.Add([]byte{StatusError, 1, 'c', 1, 'm'})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = OpenEnvelope(b)
		_, _, _ = DecodeDescriptor(b)
	})
}
