package keys

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"sort"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad test hex %q: %v", s, err)
	}
	return b
}

func TestAppendBytes(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "100001"},
		{"a", "10610001"},
		{"instance", "10696e7374616e63650001"},
		{"\x00", "1000ff0001"},
		{"a\x00b", "106100ff620001"},
		{"\x00\x00", "1000ff00ff0001"},
		{"\x00\x01", "1000ff010001"},
		{"\xff", "10ff0001"},
		{"ab\x00", "10616200ff0001"},
	}
	for _, tc := range tests {
		gotS := hex.EncodeToString(AppendBytes(nil, tc.in))
		gotB := hex.EncodeToString(AppendBytes(nil, []byte(tc.in)))
		if gotS != tc.want || gotB != tc.want {
			t.Errorf("AppendBytes(%q) = %s / %s, want %s", tc.in, gotS, gotB, tc.want)
		}
		// Appends, does not overwrite.
		got := AppendBytes([]byte{0xAA}, tc.in)
		if got[0] != 0xAA || hex.EncodeToString(got[1:]) != tc.want {
			t.Errorf("AppendBytes with prefix = %x", got)
		}
	}
}

func TestAppendInt64(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "120000000000000000"},
		{1, "120000000000000001"},
		{10003, "120000000000002713"},
		{10086, "120000000000002766"},
		{-1, "110000000000000001"},
		{-5, "110000000000000005"},
		{math.MaxInt64, "127fffffffffffffff"},
		{math.MinInt64, "118000000000000000"},
		{math.MinInt64 + 1, "117fffffffffffffff"},
	}
	for _, tc := range tests {
		if got := hex.EncodeToString(AppendInt64(nil, tc.in)); got != tc.want {
			t.Errorf("AppendInt64(%d) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		space  byte
		fields []Field
	}{
		{"space only", "01", 1, nil},
		{"system space only", "02", 2, nil},
		{"seed key", "0110696e7374616e636500011072656772657373696f6e5f696e7374616e6365300001", 1, []Field{
			{Tag: TagBytes, Pos: 0, Bytes: []byte("instance")},
			{Tag: TagBytes, Pos: 11, Bytes: []byte("regression_instance0")},
		}},
		{"negative int", "01106b0001110000000000000005", 1, []Field{
			{Tag: TagBytes, Pos: 0, Bytes: []byte("k")},
			{Tag: TagNegInt, Pos: 4, Int: -5},
		}},
		{"txn index", "011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713", 1, []Field{
			{Tag: TagBytes, Pos: 0, Bytes: []byte("txn")},
			{Tag: TagBytes, Pos: 6, Bytes: []byte("inst_a")},
			{Tag: TagBytes, Pos: 15, Bytes: []byte("txn_index")},
			{Tag: TagPosInt, Pos: 27, Int: 10003},
		}},
		{"escaped zeros", "ff1000ff6100ff00ff0001100001", 0xff, []Field{
			{Tag: TagBytes, Pos: 0, Bytes: []byte("\x00a\x00\x00")},
			{Tag: TagBytes, Pos: 10, Bytes: []byte{}},
		}},
		{"negative zero keeps its tag", "01110000000000000000", 1, []Field{
			{Tag: TagNegInt, Pos: 0, Int: 0},
		}},
		{"min int64", "01118000000000000000", 1, []Field{
			{Tag: TagNegInt, Pos: 0, Int: math.MinInt64},
		}},
		{"positive tag with high bit wraps like C++", "0112ffffffffffffffff", 1, []Field{
			{Tag: TagPosInt, Pos: 0, Int: -1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			space, fields, err := Decode(mustHex(t, tc.key))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if space != tc.space {
				t.Errorf("space = %#x, want %#x", space, tc.space)
			}
			if !fieldsEqual(fields, tc.fields) {
				t.Errorf("fields = %+v, want %+v", fields, tc.fields)
			}
		})
	}
}

func fieldsEqual(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Tag != b[i].Tag || a[i].Pos != b[i].Pos || a[i].Int != b[i].Int ||
			!bytes.Equal(a[i].Bytes, b[i].Bytes) || (a[i].Bytes == nil) != (b[i].Bytes == nil) {
			return false
		}
	}
	return true
}

func TestDecodeBadInputs(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		offset int
	}{
		{"empty", "", 0},
		{"unknown tag", "0113", 1},
		{"unknown tag 0x00", "0100", 1},
		{"unknown tag after good field", "01106b000113", 5},
		{"truncated int", "0112000000000000", 1},
		{"int tag only", "0111", 1},
		{"truncated int after bytes", "01106b0001120000", 5},
		{"bytes without terminator", "01106b", 3},
		{"bytes tag only", "0110", 2},
		{"0x00 as last byte", "01106b00", 3},
		{"escape then end", "01106b00ff", 5},
		{"bad escape", "01106b0002", 4},
		{"bad escape 0x00 0x00", "01106b000001", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := mustHex(t, tc.key)
			_, _, err := Decode(key)
			if err == nil {
				t.Fatalf("Decode(%s) succeeded", tc.key)
			}
			if !errors.Is(err, ErrMalformedKey) {
				t.Errorf("error %v does not match ErrMalformedKey", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not *DecodeError", err)
			}
			if de.Offset != tc.offset {
				t.Errorf("offset = %d, want %d (%v)", de.Offset, tc.offset, err)
			}
		})
	}
}

func TestAppendDecodeReusesSlice(t *testing.T) {
	buf := make([]Field, 0, 8)
	_, fields, err := AppendDecode(buf[:0], MetaRowsetKey("i", 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 5 || &fields[0] != &buf[:1][0] {
		t.Errorf("AppendDecode did not reuse the given slice: %d fields", len(fields))
	}
}

func TestFieldLabel(t *testing.T) {
	tests := []struct {
		f    Field
		want string
	}{
		{Field{Tag: TagBytes, Bytes: []byte("a\x00b")}, "a\x00b"},
		{Field{Tag: TagBytes, Bytes: []byte{}}, ""},
		{Field{Tag: TagPosInt, Int: 10003}, "10003"},
		{Field{Tag: TagNegInt, Int: -5}, "-5"},
		{Field{Tag: TagNegInt, Int: math.MinInt64}, "-9223372036854775808"},
	}
	for _, tc := range tests {
		if got := tc.f.Label(); got != tc.want {
			t.Errorf("Label(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// Encoded non-negative int64 values sort numerically as bytes, and all
// negatives sort before all non-negatives.
func TestInt64ByteOrder(t *testing.T) {
	vals := []int64{0, 1, 2, 9, 10, 255, 256, 65535, 65536, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}
	var enc [][]byte
	for _, v := range vals {
		enc = append(enc, MetaRowsetKey("inst", 7, v))
	}
	if !sort.SliceIsSorted(enc, func(i, j int) bool { return bytes.Compare(enc[i], enc[j]) < 0 }) {
		t.Error("encoded non-negative versions are not in numeric byte order")
	}
	neg := AppendInt64(nil, -1)
	if bytes.Compare(neg, AppendInt64(nil, 0)) >= 0 {
		t.Error("-1 does not sort before 0")
	}
}
