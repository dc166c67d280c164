package otsdb

import (
	"bytes"
	"errors"
	"testing"
)

func uid(n uint32) UID {
	u, ok := UIDFromInt(n)
	if !ok {
		panic("bad uid")
	}
	return u
}

func TestUID(t *testing.T) {
	if got := uid(1).String(); got != "000001" {
		t.Errorf("UID(1) = %q", got)
	}
	if got := uid(0xABCDEF).String(); got != "ABCDEF" {
		t.Errorf("UID(0xABCDEF) = %q", got)
	}
	if got := uid(MaxUID).Int(); got != MaxUID {
		t.Errorf("Int() = %d", got)
	}
	if _, ok := UIDFromInt(MaxUID + 1); ok {
		t.Error("UIDFromInt accepted 2^24")
	}
}

// TestBuildTSUID covers the spec's §9 E.86 vectors and the pair sorting.
func TestBuildTSUID(t *testing.T) {
	cases := []struct {
		metric uint32
		pairs  [][2]uint32
		want   string
	}{
		{1, [][2]uint32{{1, 1}}, "000001000001000001"},
		{1, [][2]uint32{{1, 2}}, "000001000001000002"},
		{2, [][2]uint32{{1, 1}}, "000002000001000001"},
		{0x23E3, [][2]uint32{{6, 1}, {2, 8}}, "0023E3000002000008000006000001"}, // docs example
		{1, [][2]uint32{{0x800000, 1}, {0x7FFFFF, 2}, {3, 4}}, "000001000003000004" + "7FFFFF000002" + "800000000001"},
	}
	for _, c := range cases {
		var pairs []TagPair
		for _, p := range c.pairs {
			pairs = append(pairs, TagPair{Key: uid(p[0]), Value: uid(p[1])})
		}
		before := append([]TagPair(nil), pairs...)
		ts := BuildTSUID(uid(c.metric), pairs)
		if got := FormatTSUID(ts); got != c.want {
			t.Errorf("BuildTSUID = %s, want %s", got, c.want)
		}
		for i := range pairs {
			if pairs[i] != before[i] {
				t.Fatal("BuildTSUID modified its input")
			}
		}
		m, split, err := SplitTSUID(ts)
		if err != nil || m != uid(c.metric) || len(split) != len(pairs) {
			t.Errorf("SplitTSUID(%s) = %v %v %v", c.want, m, split, err)
		}
		if !bytes.Equal(BuildTSUID(m, split), ts) {
			t.Errorf("SplitTSUID/BuildTSUID round trip failed for %s", c.want)
		}
	}
	if _, _, err := SplitTSUID(make([]byte, 10)); !errors.Is(err, ErrMalformedTSUID) {
		t.Errorf("SplitTSUID(10 bytes) = %v", err)
	}
	if _, _, err := SplitTSUID(make([]byte, 8)); !errors.Is(err, ErrTSUIDTooShort) {
		t.Errorf("SplitTSUID(8 bytes) = %v", err)
	}
}

func TestStringToUID(t *testing.T) {
	cases := []struct {
		in   string
		want string // uppercase hex of the bytes, or error text
		err  error
	}{
		{"000001000001000001", "000001000001000001", nil},
		{"00000a00000b00000c", "00000A00000B00000C", nil},
		{"1", "01", nil},
		{"abc", "0ABC", nil},
		{"", "UID was empty", ErrUIDEmpty},
		{"00000g", "contains illegal character for hexBinary: 00000g", ErrUIDHex},
		{"xyz", "contains illegal character for hexBinary: 0xyz", ErrUIDHex},
		{"0x01", "contains illegal character for hexBinary: 0x01", ErrUIDHex},
		{" 01", "contains illegal character for hexBinary: 0 01", ErrUIDHex},
		{"é", "contains illegal character for hexBinary: 0é", ErrUIDHex},
		{"😀", "contains illegal character for hexBinary: 😀", ErrUIDHex}, // 2 UTF-16 units: no padding
		{"a😀", "contains illegal character for hexBinary: 0a😀", ErrUIDHex},
	}
	for _, c := range cases {
		b, err := StringToUID(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = FormatTSUID(b)
		}
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("StringToUID(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseTSUID(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"000001000001000001", "000001000001000001"},
		{"00001000001000001", "000001000001000001"}, // odd length comes back padded
		{"000001000001", "TSUID must not be null and must have a metric and at least one tag pair"},
		{"0000010000010000", "TSUID must not be null and must have a metric and at least one tag pair"},
		{"", "UID was empty"},
		{"00000100000100000Z", "contains illegal character for hexBinary: 00000100000100000Z"},
		{"00000100000100000101", "00000100000100000101"}, // 10 bytes: not checked against the layout
	}
	for _, c := range cases {
		b, err := ParseTSUID(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = FormatTSUID(b)
		}
		if got != c.want {
			t.Errorf("ParseTSUID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUIDMessages(t *testing.T) {
	if got := NoSuchUniqueIDMessage(KindTagv, []byte{0, 0, 3}); got != "No such unique ID for 'tagv': [0, 0, 3]" {
		t.Errorf("got %q", got)
	}
	if got := NoSuchUniqueIDMessage(KindMetrics, []byte{0xFF, 0x80, 0x7F}); got != "No such unique ID for 'metrics': [-1, -128, 127]" {
		t.Errorf("got %q", got)
	}
	if got := NoSuchNameMessage(KindMetrics, "sys.cpu.nice"); got != "No such name for 'metrics': 'sys.cpu.nice'" {
		t.Errorf("got %q", got)
	}
	if got := NoSuchNameMessage(KindTagv, "000002553"); got != "No such name for 'tagv': '000002553'" {
		t.Errorf("got %q", got)
	}
}
