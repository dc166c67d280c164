package keys

import (
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
)

// cloud/test/meta_service_http_test.cpp EncodeAndDecodeKey, encode part:
// the body is this text plus the framework's "\n".
func TestEncodeKeyToolEncodeAndDecodeKey(t *testing.T) {
	want := lines(
		"┌───────────────────────── 0. key space: 1",
		"│ ┌─────────────────────── 1. instance",
		"│ │                     ┌─ 2. test",
		"│ │                     │ ",
		"▼ ▼                     ▼ ",
		"0110696e7374616e6365000110746573740001",
		`\x01\x10\x69\x6e\x73\x74\x61\x6e\x63\x65\x00\x01\x10\x74\x65\x73\x74\x00\x01`)
	got, err := EncodeKeyTool(map[string]string{"key_type": "InstanceKey", "instance_id": "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// cloud/test/http_encode_key_test.cpp process_http_encode_key_test.
func TestEncodeKeyToolMetaRowsetKey(t *testing.T) {
	const (
		key = "01106d657461000110676176696e2d696e7374616e6365000110726f77736574000112000000000000276612000000000000271a"
		fdb = `\x01\x10\x6d\x65\x74\x61\x00\x01\x10\x67\x61\x76\x69\x6e\x2d\x69\x6e\x73\x74\x61\x6e\x63\x65\x00\x01\x10\x72\x6f\x77\x73\x65\x74\x00\x01\x12\x00\x00\x00\x00\x00\x00\x27\x66\x12\x00\x00\x00\x00\x00\x00\x27\x1a`
	)
	unicodeRes := lines(
		"┌─────────────────────────────────────────────────────────────────────────────────────── 0. key space: 1",
		"│ ┌───────────────────────────────────────────────────────────────────────────────────── 1. meta",
		"│ │             ┌─────────────────────────────────────────────────────────────────────── 2. gavin-instance",
		"│ │             │                                 ┌───────────────────────────────────── 3. rowset",
		"│ │             │                                 │                 ┌─────────────────── 4. 10086",
		"│ │             │                                 │                 │                 ┌─ 5. 10010",
		"│ │             │                                 │                 │                 │ ",
		"▼ ▼             ▼                                 ▼                 ▼                 ▼ ",
		key, fdb)
	nonunicodeRes := lines(
		"/--------------------------------------------------------------------------------------- 0. key space: 1",
		"| /------------------------------------------------------------------------------------- 1. meta",
		"| |             /----------------------------------------------------------------------- 2. gavin-instance",
		"| |             |                                 /------------------------------------- 3. rowset",
		"| |             |                                 |                 /------------------- 4. 10086",
		"| |             |                                 |                 |                 /- 5. 10010",
		"| |             |                                 |                 |                 | ",
		"v v             v                                 v                 v                 v ",
		key, fdb)

	params := map[string]string{"key_type": "MetaRowsetKey"}
	_, err := EncodeKeyTool(params)
	if err == nil || err.Error() != "instance_id is not given or empty" {
		t.Fatalf("missing instance_id: err = %v", err)
	}
	params["instance_id"] = "gavin-instance"
	params["tablet_id"] = "10086"
	params["version"] = "10010"
	got, err := EncodeKeyTool(params)
	if err != nil {
		t.Fatal(err)
	}
	if got != unicodeRes {
		t.Errorf("unicode:\n%s\nwant\n%s", got, unicodeRes)
	}
	params["unicode"] = "false"
	got, err = EncodeKeyTool(params)
	if err != nil {
		t.Fatal(err)
	}
	if got != nonunicodeRes {
		t.Errorf("non-unicode:\n%s\nwant\n%s", got, nonunicodeRes)
	}
}

func TestEncodeKeyToolUnicodeParam(t *testing.T) {
	for _, tc := range []struct {
		value   string
		present bool
		ascii   bool
	}{
		{"", false, false},
		{"", true, false},
		{"false", true, true},
		{"False", true, false},
		{"0", true, false},
		{"true", true, false},
	} {
		p := map[string]string{"key_type": "MetaServiceRegistryKey"}
		if tc.present {
			p["unicode"] = tc.value
		}
		got, err := EncodeKeyTool(p)
		if err != nil {
			t.Fatal(err)
		}
		if isASCII := strings.HasPrefix(got, "/"); isASCII != tc.ascii {
			t.Errorf("unicode=%q (present %v): ascii = %v, want %v", tc.value, tc.present, isASCII, tc.ascii)
		}
		if !strings.HasSuffix(got, "\n"+FormatFDBKey(Hex(MetaServiceRegistryKey()))+"\n") {
			t.Errorf("unicode=%q: missing fdb line: %q", tc.value, got)
		}
	}
}

func TestEncodeKeyToolErrors(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		msg    string
		kind   error
	}{
		{"no key_type", map[string]string{}, "key_type not supported: (empty)", ErrKeyTypeNotSupported},
		{"empty key_type", map[string]string{"key_type": ""}, "key_type not supported: (empty)", ErrKeyTypeNotSupported},
		{"unknown key_type", map[string]string{"key_type": "foobarkey"}, "key_type not supported: foobarkey", ErrKeyTypeNotSupported},
		{"case matters", map[string]string{"key_type": "instancekey"}, "key_type not supported: instancekey", ErrKeyTypeNotSupported},
		{"old VersionKey name", map[string]string{"key_type": "VersionKey"}, "key_type not supported: VersionKey", ErrKeyTypeNotSupported},
		{"missing first param", map[string]string{"key_type": "MetaRowsetKey", "tablet_id": "1"}, "instance_id is not given or empty", ErrParamNotGiven},
		{"empty param", map[string]string{"key_type": "MetaRowsetKey", "instance_id": "i", "tablet_id": ""}, "tablet_id is not given or empty", ErrParamNotGiven},
		{"first missing in order", map[string]string{"key_type": "MetaTabletKey", "instance_id": "i", "table_id": "1"}, "index_id is not given or empty", ErrParamNotGiven},
		{"sic rowest_id", map[string]string{"key_type": "MetaDeleteBitmap", "instance_id": "i", "tablet_id": "1", "rowset_id": "r"}, "rowest_id is not given or empty", ErrParamNotGiven},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func(map[string]string) error{
				func(p map[string]string) error { _, err := EncodeKeyTool(p); return err },
				func(p map[string]string) error { _, err := BuildKey(p); return err },
			} {
				err := f(tc.params)
				if err == nil {
					t.Fatal("no error")
				}
				if err.Error() != tc.msg {
					t.Errorf("Error() = %q, want %q", err.Error(), tc.msg)
				}
				if !errors.Is(err, tc.kind) {
					t.Errorf("error does not match %v", tc.kind)
				}
				var te *ToolError
				if !errors.As(err, &te) {
					t.Errorf("error is %T, want *ToolError", err)
				}
			}
		})
	}
}

func TestEncodeKeyToolIntParsing(t *testing.T) {
	key, err := BuildKey(map[string]string{"key_type": "TxnIndexKey", "instance_id": "i", "txn_id": "garbage"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(key), hex.EncodeToString(TxnIndexKey("i", 0)); got != want {
		t.Errorf("garbage txn_id: %s, want %s", got, want)
	}
	key, err = BuildKey(map[string]string{"key_type": "TxnIndexKey", "instance_id": "i", "txn_id": " -42xyz"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(key), hex.EncodeToString(TxnIndexKey("i", -42)); got != want {
		t.Errorf("' -42xyz' txn_id: %s, want %s", got, want)
	}
	// A string parameter is taken verbatim.
	key, err = BuildKey(map[string]string{"key_type": "TxnLabelKey", "instance_id": "i\x00j", "db_id": "1", "label": " 7 "})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(key), hex.EncodeToString(TxnLabelKey("i\x00j", 1, " 7 ")); got != want {
		t.Errorf("string params: %s, want %s", got, want)
	}
}

func TestParseInt64Strtoll(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"", 0},
		{"10086", 10086},
		{"0", 0},
		{"-5", -5},
		{"+7", 7},
		{"007", 7},
		{"  42abc", 42},
		{"\t\n\v\f\r 12", 12},
		{"abc", 0},
		{"-", 0},
		{"+-1", 0},
		{"- 5", 0},
		{"0x10", 0},
		{"1e3", 1},
		{"12 34", 12},
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775808", math.MaxInt64},
		{"99999999999999999999999", math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
		{"-9223372036854775809", math.MinInt64},
		{"-99999999999999999999999", math.MinInt64},
		{"-9223372036854775807", -math.MaxInt64},
		{"\u00a012", 0}, // non-ASCII space is not C isspace
	}
	for _, tc := range tests {
		if got := ParseInt64Strtoll(tc.in); got != tc.want {
			t.Errorf("ParseInt64Strtoll(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestFormatFDBKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"01", `\x01`},
		{"0110ff", `\x01\x10\xff`},
		{"011", `\x01\x1`},
	}
	for _, tc := range tests {
		if got := FormatFDBKey(tc.in); got != tc.want {
			t.Errorf("FormatFDBKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeyTypeParams(t *testing.T) {
	p, ok := KeyTypeParams("MetaTabletKey")
	if !ok || strings.Join(p, ",") != "instance_id,table_id,index_id,part_id,tablet_id" {
		t.Errorf("KeyTypeParams(MetaTabletKey) = %v, %v", p, ok)
	}
	p[0] = "mutated"
	if p2, _ := KeyTypeParams("MetaTabletKey"); p2[0] != "instance_id" {
		t.Error("KeyTypeParams exposes the internal table")
	}
	if p, ok := KeyTypeParams("MetaServiceRegistryKey"); !ok || len(p) != 0 {
		t.Errorf("KeyTypeParams(MetaServiceRegistryKey) = %v, %v", p, ok)
	}
	if _, ok := KeyTypeParams("nope"); ok {
		t.Error("KeyTypeParams(nope) ok")
	}
}
