package wire

import (
	"errors"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	e := NewEncoder(nil)
	e.Byte(7)
	e.Bool(true)
	e.Bool(false)
	e.Uvarint(math.MaxUint64)
	e.Varint(math.MinInt64)
	e.Varint(-1)
	e.Float64(0.05)
	e.String("héllo")
	e.Blob(nil)
	e.Blob([]byte{1, 2, 3})
	d := NewDecoder(e.Bytes())
	if d.Byte() != 7 || !d.Bool() || d.Bool() || d.Uvarint() != math.MaxUint64 || d.Varint() != math.MinInt64 ||
		d.Varint() != -1 || d.Float64() != 0.05 || d.String() != "héllo" || d.Blob() != nil || string(d.Blob()) != "\x01\x02\x03" {
		t.Fatal("round trip mismatch")
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputs(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(d *Decoder)
	}{
		{"empty byte", nil, func(d *Decoder) { d.Byte() }},
		{"bad bool", []byte{2}, func(d *Decoder) { d.Bool() }},
		{"truncated varint", []byte{0x80}, func(d *Decoder) { d.Varint() }},
		{"overlong uvarint", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, func(d *Decoder) { d.Uvarint() }},
		{"non-minimal varint", []byte{0x80, 0x00}, func(d *Decoder) { d.Uvarint() }},
		{"short float", []byte{1, 2, 3}, func(d *Decoder) { d.Float64() }},
		{"string longer than message", []byte{5, 'a'}, func(d *Decoder) { _ = d.String() }},
		{"huge count", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, func(d *Decoder) { d.Count(1) }},
		{"trailing bytes", []byte{1, 2}, func(d *Decoder) { d.Byte() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(tc.in)
			tc.read(d)
			if err := d.Finish(); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			// Sticky: further reads return zero values.
			if d.Varint() != 0 || d.String() != "" {
				t.Fatal("read after error returned data")
			}
		})
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0x80, 0x01, 3, 'a', 'b', 'c'})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		for d.Err() == nil && d.Remaining() > 0 {
			switch d.Byte() % 6 {
			case 0:
				d.Uvarint()
			case 1:
				d.Varint()
			case 2:
				_ = d.String()
			case 3:
				d.Float64()
			case 4:
				d.Bool()
			case 5:
				if n := d.Count(8); n*8 > d.Remaining() {
					t.Fatalf("count %d beyond %d remaining bytes", n, d.Remaining())
				}
			}
		}
	})
}
