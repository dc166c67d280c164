package keys

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// lines joins ls with "\n" and ends the text with "\n".
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

const seedKey = "0110696e7374616e636500011072656772657373696f6e5f696e7374616e6365300001"

// Worked examples of doris-meta-service.md §8.3 and the Doris unit tests,
// byte-exact (the HTTP framework's final "\n" is not part of Prettify).
func TestPrettifyVectors(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		unicode bool
		want    string
	}{
		{"spec 8.3 seed key unicode", seedKey, true, lines(
			"┌───────────────────────── 0. key space: 1",
			"│ ┌─────────────────────── 1. instance",
			"│ │                     ┌─ 2. regression_instance0",
			"│ │                     │ ",
			"▼ ▼                     ▼ ",
			seedKey)},
		{"spec 8.3 seed key ascii", seedKey, false, lines(
			"/------------------------- 0. key space: 1",
			"| /----------------------- 1. instance",
			"| |                     /- 2. regression_instance0",
			"| |                     | ",
			"v v                     v ",
			seedKey)},
		// cloud/test/meta_service_http_test.cpp EncodeAndDecodeKey (decode part).
		{"doris decode_key test", "0110696e7374616e6365000110746573740001", true, lines(
			"┌───────────────────────── 0. key space: 1",
			"│ ┌─────────────────────── 1. instance",
			"│ │                     ┌─ 2. test",
			"│ │                     │ ",
			"▼ ▼                     ▼ ",
			"0110696e7374616e6365000110746573740001")},
		{"spec 8.3 key space only", "01", true, "┌─ 0. key space: 1\n│ \n▼ \n01\n"},
		{"key space only ascii", "01", false, "/- 0. key space: 1\n| \nv \n01\n"},
		{"spec 8.3 negative int", "01106b0001110000000000000005", true,
			"┌─────────── 0. key space: 1\n│ ┌───────── 1. k\n│ │       ┌─ 2. -5\n│ │       │ \n▼ ▼       ▼ \n01106b0001110000000000000005\n"},
		// The spec lists columns 2, 12, 30, 54 for this key; the §8.2 rule
		// (pos+1)*2 with pos 0, 6, 15, 27 gives 2, 14, 32, 56, which is also
		// what util.h's own doc example shows for a txn key.
		{"spec 8.3 txn key", "011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713", true, lines(
			"┌───────────────────────────────────────────────────────── 0. key space: 1",
			"│ ┌─────────────────────────────────────────────────────── 1. txn",
			"│ │           ┌─────────────────────────────────────────── 2. inst_a",
			"│ │           │                 ┌───────────────────────── 3. txn_index",
			"│ │           │                 │                       ┌─ 4. 10003",
			"│ │           │                 │                       │ ",
			"▼ ▼           ▼                 ▼                       ▼ ",
			"011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713")},
		{"spec 8.3 txn key ascii", "011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713", false, lines(
			"/--------------------------------------------------------- 0. key space: 1",
			"| /------------------------------------------------------- 1. txn",
			"| |           /------------------------------------------- 2. inst_a",
			"| |           |                 /------------------------- 3. txn_index",
			"| |           |                 |                       /- 4. 10003",
			"| |           |                 |                       | ",
			"v v           v                 v                       v ",
			"011074786e000110696e73745f6100011074786e5f696e6465780001120000000000002713")},
		{"signed key space", "ff", true, "┌─ 0. key space: -1\n│ \n▼ \nff\n"},
		{"key space 0x80", "80", false, "/- 0. key space: -128\n| \nv \n80\n"},
		{"non-hex tail unhexes to tag 0x00", "01zz", false, ""}, // error case, see below
		{"all non-hex is key space 0", "zz", false, "/- 0. key space: 0\n| \nv \nzz\n"},
		{"odd trailing char ignored", "01x", false, "/- 0. key space: 1\n| \nv \n01x\n"},
		{"uppercase hex", "0110414200010A", false, ""}, // trailing 0x0a: unknown tag
		{"uppercase hex ok", "011041420001", false, "/--- 0. key space: 1\n| /- 1. AB\n| | \nv v \n011041420001\n"},
		{"labels are raw bytes", "0110612d7c2f760a0001", true,
			"┌─── 0. key space: 1\n│ ┌─ 1. a-|/v\n\n│ │ \n▼ ▼ \n0110612d7c2f760a0001\n"},
		{"escaped zero in label", "01106100ff620001", false, "/--- 0. key space: 1\n| /- 1. a\x00b\n| | \nv v \n01106100ff620001\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Prettify(tc.key, tc.unicode)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Prettify(%q) = %q, want error", tc.key, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Prettify(%q): %v", tc.key, err)
			}
			if got != tc.want {
				t.Errorf("Prettify(%q, %v) =\n%q\nwant\n%q", tc.key, tc.unicode, got, tc.want)
			}
			if cx := cxxPrettify(tc.key, tc.unicode); cx != got {
				t.Errorf("C++ emulation differs:\n%q", cx)
			}
		})
	}
}

// The example in the doc comment of prettify_key (cloud/src/common/util.h),
// where trailing spaces were trimmed.
func TestPrettifyUtilHDocExample(t *testing.T) {
	const key = "011074786e000110696e7374616e63655f69645f646561646265656600011074786e5f696e646578000112000000000000271310696e736572745f336664356164313264303035346139622d386337373664333231386336616462370001"
	want := lines(
		"/------------------------------------------------------------------------------------------------------- 0. key space: 1",
		"| /----------------------------------------------------------------------------------------------------- 1. txn",
		"| |           /----------------------------------------------------------------------------------------- 2. instance_id_deadbeef",
		"| |           |                                             /------------------------------------------- 3. txn_label",
		"| |           |                                             |                       /------------------- 4. 10003",
		"| |           |                                             |                       |                 /- 5. insert_3fd5ad12d0054a9b-8c776d3218c6adb7",
		"| |           |                                             |                       |                 |",
		"v v           v                                             v                       v                 v",
		key)
	got, err := Prettify(key, false)
	if err != nil {
		t.Fatal(err)
	}
	var trimmed []string
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		trimmed = append(trimmed, strings.TrimRight(l, " "))
	}
	// The doc labels field 3 "txn_label" although the key holds "txn_index".
	gotT := strings.Replace(lines(trimmed...), "3. txn_index", "3. txn_label", 1)
	if gotT != want {
		t.Errorf("got\n%s\nwant\n%s", gotT, want)
	}
}

func TestPrettifyErrors(t *testing.T) {
	tests := []string{
		"",                       // empty: unhex gives no byte
		"1",                      // odd, unhexes to nothing
		"0110",                   // bytes field without terminator
		"01106b00",               // 0x00 as last byte
		"01106b0002",             // bad escape
		"0113",                   // unknown tag
		"0112000000000000",       // truncated int
		"01zz",                   // unhex gives 01 00: tag 0x00
		"01106b0001110000000000", // truncated int after a field
	}
	for _, key := range tests {
		got, err := Prettify(key, true)
		if err == nil {
			t.Errorf("Prettify(%q) = %q, want error", key, got)
			continue
		}
		if got != "" {
			t.Errorf("Prettify(%q) returned text with error", key)
		}
		var pe *PrettifyError
		if !errors.As(err, &pe) || pe.Key != key {
			t.Errorf("Prettify(%q) error %T %v is not *PrettifyError for the key", key, err, err)
		}
		if want := "failed to decode key, key=" + key; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if !errors.Is(err, ErrMalformedKey) {
			t.Errorf("Prettify(%q) error does not match ErrMalformedKey", key)
		}
	}
	if got := DecodeKeyFailureMessage("abc"); got != "failed to decode key, key=abc" {
		t.Errorf("DecodeKeyFailureMessage = %q", got)
	}
}

func TestUnhex(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"0", []byte{}},
		{"01", []byte{0x01}},
		{"0a0B", []byte{0x0a, 0x0b}},
		{"FFfe", []byte{0xff, 0xfe}},
		{"011", []byte{0x01}},                // odd trailing char ignored
		{"01zz02", []byte{0x01, 0x00, 0x00}}, // stop at first non-hex
		{"0x12", []byte{0x00, 0x00}},         // 'x' stops after the high nibble 0
		{"1z", []byte{0x10}},                 // high nibble kept
		{"a b ", []byte{0xa0, 0x00}},
	}
	for _, tc := range tests {
		if got := Unhex(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("Unhex(%q) = %x, want %x", tc.in, got, tc.want)
		}
	}
}

func TestHex(t *testing.T) {
	if got := Hex([]byte{0x01, 0xAB, 0x00}); got != "01ab00" {
		t.Errorf("Hex = %q", got)
	}
}

// cxxPrettify is a literal port of Doris prettify_key/explain_fields
// (cloud/src/common/util.cpp), including the in-place unicode expansion, used
// to check Prettify. It returns "" where the C++ returns "".
func cxxPrettify(keyHex string, unicode bool) string {
	key := Unhex(keyHex)
	if len(key) == 0 {
		return ""
	}
	space, fields, err := Decode(key)
	if err != nil {
		return ""
	}
	strs := []string{"key space: " + itoa(int64(int8(space)))}
	pos := []int{0}
	for _, f := range fields {
		strs = append(strs, f.Label())
		pos = append(pos, (f.Pos+1)*2)
	}
	return cxxExplainFields(keyHex, strs, pos, unicode)
}

func itoa(v int64) string { return string(Field{Tag: TagPosInt, Int: v}.AppendLabel(nil)) }

func cxxExplainFields(text string, fields []string, pos []int, unicode bool) string {
	if len(fields) != len(pos) || len(fields) == 0 {
		return text
	}
	lastHyphen := pos[len(pos)-1] + 1
	blank := bytes.Repeat([]byte{' '}, lastHyphen+1)
	hyphen, bar, angle, arrow := []byte("\u2500"), []byte("\u2502"), []byte("\u250c"), []byte("\u25bc")
	var ss strings.Builder
	for i := range fields {
		line := append([]byte(nil), blank...)
		line[pos[i]] = '/'
		nbar := i
		for j := 0; j < i; j++ {
			line[pos[j]] = '|'
		}
		nhyphen := 0
		for j := pos[i] + 1; j <= lastHyphen; j++ {
			line[j] = '-'
			nhyphen++
		}
		if unicode {
			k := len(line)
			line = append(line, bytes.Repeat([]byte{' '}, 2*(1+nbar+nhyphen))...)
			j := len(line)
			for k--; k >= 0; k-- {
				var g []byte
				switch line[k] {
				case '-':
					g = hyphen
				case '|':
					g = bar
				case '/':
					g = angle
				default:
					j--
					continue
				}
				j--
				line[j] = g[2]
				j--
				line[j] = g[1]
				j--
				line[j] = g[0]
				if k != j {
					line[k] = ' '
				}
			}
		}
		ss.Write(line)
		ss.WriteString(" " + itoa(int64(i)) + ". " + fields[i] + "\n")
	}
	for _, m := range []struct {
		c byte
		g []byte
	}{{'|', bar}, {'v', arrow}} {
		line := append([]byte(nil), blank...)
		for i := range fields {
			line[pos[i]] = m.c
		}
		if unicode {
			k := len(line)
			line = append(line, bytes.Repeat([]byte{' '}, 2*len(fields))...)
			j := len(line)
			for k--; k >= 0; k-- {
				if line[k] != m.c {
					j--
					continue
				}
				j--
				line[j] = m.g[2]
				j--
				line[j] = m.g[1]
				j--
				line[j] = m.g[0]
				if k != j {
					line[k] = ' '
				}
			}
		}
		ss.Write(line)
		ss.WriteString("\n")
	}
	ss.WriteString(text + "\n")
	return ss.String()
}
