package otsdb

import (
	"errors"
	"math"
	"testing"
)

// TestParseValueVerifiedTable covers every row of the spec's §5 "Verified
// table" (JDK 17): written text -> read-back text.
func TestParseValueVerifiedTable(t *testing.T) {
	cases := []struct {
		in, want string
		integer  bool
	}{
		{"42", "42", true},
		{"-42", "-42", true},
		{"42.5", "42.5", false},
		{"42.2", "42.2", false},
		{"0.1", "0.1", false},
		{"1e3", "1000.0", false},
		{"1E2", "100.0", false},
		{"4.2e-3", "0.0042", false},
		{"-4.2E-3", "-0.0042", false},
		{"42.22e3", "42220.0", false},
		{"42.22e-3", "0.04222", false},
		{"1e-4", "1.0E-4", false},
		{"1e7", "1.0E7", false},
		{"42.0", "42.0", false},
		{"-0.0", "-0.0", false},
		{"-0", "0", true},
		{" 42.5 ", "42.5", false},
		{"1.5f", "1.5", false},
		{"16777217.0", "1.6777217E7", false},
		{"+42", "42", true},
		{"007", "7", true},
	}
	for _, c := range cases {
		v, err := ParseValue(c.in)
		if err != nil {
			t.Errorf("ParseValue(%q) error %v", c.in, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("ParseValue(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if got := string(v.AppendText(nil)); got != c.want {
			t.Errorf("ParseValue(%q).AppendText = %q, want %q", c.in, got, c.want)
		}
		if v.IsInteger() != c.integer {
			t.Errorf("ParseValue(%q).IsInteger() = %v, want %v", c.in, v.IsInteger(), c.integer)
		}
	}
}

func TestParseValueMore(t *testing.T) {
	cases := []struct {
		in, want string
		kind     ValueKind
	}{
		{"0x1.8p1", "3.0", KindFloat32},
		{"0X1.8P1", "3.0", KindFloat32},
		{"-0x1.8p1d", "-3.0", KindFloat32},
		{"0x.8p1", "1.0", KindFloat32},
		{"0x1.p1", "2.0", KindFloat32},
		{"0x1Ep3", "240.0", KindFloat32}, // 'E' sends it to the float path; 0x1E = 30
		{"1e-999", "0.0", KindFloat32},   // underflow
		{"-1e-999", "-0.0", KindFloat32}, // underflow keeps the sign
		{"1.", "1.0", KindFloat32},
		{".5", "0.5", KindFloat32},
		{"-.5e-3F", "-5.0E-4", KindFloat64},
		{"1e5D", "100000.0", KindFloat32},
		{"\t1.25\n", "1.25", KindFloat32},
		{"\x01 2.5 \x1f", "2.5", KindFloat32}, // Java trim removes all chars <= U+0020
		{"0.1", "0.1", KindFloat64},
		{"42.5", "42.5", KindFloat32},
		{"16777216.0", "1.6777216E7", KindFloat32},
		{"16777217.0", "1.6777217E7", KindFloat64},
		{"123456.123456789", "123456.123456789", KindFloat64},
		{"9999999.0", "9999999.0", KindFloat32},
		{"1.01417856e9", "1.01417856E9", KindFloat32},
		{"0.001", "0.001", KindFloat64},
		{"9.999e-4", "9.999E-4", KindFloat64},
		{"1000.0", "1000.0", KindFloat32},
		{"9223372036854775807", "9223372036854775807", KindInt},
		{"-9223372036854775808", "-9223372036854775808", KindInt},
		{"+9223372036854775807", "9223372036854775807", KindInt},
		{"0000000000000000042", "42", KindInt}, // 19 chars
		{"-0000000000000000042", "-42", KindInt},
		{"1.7976931348623157E308", "1.7976931348623157E308", KindFloat64},
		{"4.9e-324", "4.9E-324", KindFloat64},
	}
	for _, c := range cases {
		v, err := ParseValue(c.in)
		if err != nil {
			t.Errorf("ParseValue(%q) error %v", c.in, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("ParseValue(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if v.Kind() != c.kind {
			t.Errorf("ParseValue(%q).Kind() = %v, want %v", c.in, v.Kind(), c.kind)
		}
	}
}

// TestParseValueBad is the bad-input table: every text fails with
// "Unable to parse value to a number".
func TestParseValueBad(t *testing.T) {
	bad := []string{
		"", " ", "notanumber", "NaN", "Infinity", "-Infinity", "+Infinity", "+INF", "-INF", "true",
		" 42", "42 ", "0x10", "5f", "5d", "+", "-", "+-5", "--5", "1_000", "١٢",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999",
		"00000000000000000042", // 20 chars without sign: "Value too long"
		"+00000000000000000042",
		".", "e5", "1e", "1e+", "1.2.3", "1.5ff", "1.5x", "0x1.8", "0x1.8p", "0x.p1", "0xp1", "0x1.8p1x",
		"NaN.", "Infinity.0", "1,5", "1.5 f", "0x1.8p1.5", "-.e1", "1e5.5",
	}
	for _, in := range bad {
		v, err := ParseValue(in)
		if !errors.Is(err, ErrValueNotNumber) {
			t.Errorf("ParseValue(%q) = %v, %v; want ErrValueNotNumber", in, v, err)
		}
		if err != nil && err.Error() != "Unable to parse value to a number" {
			t.Errorf("ParseValue(%q) error text %q", in, err.Error())
		}
	}
}

func TestParseValueNotFinite(t *testing.T) {
	cases := []struct{ in, text string }{
		{"1e999", "Infinity"},
		{"-1e999", "-Infinity"},
		{"0x1.0p99999", "Infinity"},
		{"1.0e99999999999999999999", "Infinity"},
	}
	for _, c := range cases {
		v, err := ParseValue(c.in)
		if !errors.Is(err, ErrValueNotFinite) {
			t.Errorf("ParseValue(%q) err = %v, want ErrValueNotFinite", c.in, err)
			continue
		}
		want := "value is NaN or Infinite: " + c.text + " for metric=sys.cpu.user timestamp=1365465600"
		if got := NotFiniteMessage(v, "sys.cpu.user", 1365465600); got != want {
			t.Errorf("NotFiniteMessage(%q) = %q, want %q", c.in, got, want)
		}
	}
	if got := NotFiniteMessage(FloatValue(math.NaN()), "m", 1); got != "value is NaN or Infinite: NaN for metric=m timestamp=1" {
		t.Errorf("NaN message %q", got)
	}
	// Java's Double.parseDouble accepts the words, but no such text reaches
	// the float path (they contain no '.', 'e' or 'E'); the parser still
	// knows them.
	for _, in := range []string{"NaN", "+NaN", "-NaN", "Infinity", " -Infinity "} {
		d, ok := parseJavaDouble(in)
		if !ok || !(math.IsNaN(d) || math.IsInf(d, 0)) {
			t.Errorf("parseJavaDouble(%q) = %v, %v", in, d, ok)
		}
	}
}

func TestJavaDoubleString(t *testing.T) {
	cases := []struct {
		d    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {42.5, "42.5"}, {42, "42.0"}, {1000, "1000.0"},
		{0.0042, "0.0042"}, {0.001, "0.001"}, {9999999, "9999999.0"}, {123456.123456789, "123456.123456789"},
		{1e7, "1.0E7"}, {1e-4, "1.0E-4"}, {16777217, "1.6777217E7"}, {9.999e-4, "9.999E-4"},
		{1.01417856e9, "1.01417856E9"}, {-1.5e-10, "-1.5E-10"}, {1e21, "1.0E21"}, {1.5e300, "1.5E300"},
		{math.MaxFloat64, "1.7976931348623157E308"}, {5e-324, "4.9E-324"}, {0.5, "0.5"}, {100, "100.0"},
		{1234567, "1234567.0"}, {12345678, "1.2345678E7"}, {math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
	}
	for _, c := range cases {
		if got := JavaDoubleString(c.d); got != c.want {
			t.Errorf("JavaDoubleString(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestValueEncoding(t *testing.T) {
	cases := []struct {
		in    string
		bytes string // Java Arrays.toString
		flags byte
	}{
		{"42", "[42]", 0},
		{"-1", "[-1]", 0},
		{"127", "[127]", 0},
		{"128", "[0, -128]", 1},
		{"-129", "[-1, 127]", 1},
		{"32768", "[0, 0, -128, 0]", 3},
		{"2147483648", "[0, 0, 0, 0, -128, 0, 0, 0]", 7},
		{"42.5", "[66, 42, 0, 0]", 11},
		{"0.1", "[63, -71, -103, -103, -103, -103, -103, -102]", 15},
	}
	for _, c := range cases {
		v, err := ParseValue(c.in)
		if err != nil {
			t.Fatalf("ParseValue(%q): %v", c.in, err)
		}
		b, flags := v.AppendEncoded(nil)
		if got := JavaByteArrayString(b); got != c.bytes || flags != c.flags {
			t.Errorf("%q encoded %s/%d, want %s/%d", c.in, got, flags, c.bytes, c.flags)
		}
		back, ok := DecodeValue(b, flags)
		if !ok || back.String() != v.String() || back.Kind() != v.Kind() {
			t.Errorf("DecodeValue(%q) = %v (%v), %v", c.in, back, back.Kind(), ok)
		}
	}
	if _, ok := DecodeValue([]byte{1, 2, 3}, 2); ok {
		t.Error("DecodeValue accepted a 3-byte integer")
	}
	if _, ok := DecodeValue([]byte{1, 2}, 3); ok {
		t.Error("DecodeValue accepted a length/flags mismatch")
	}
}

func TestJavaParseLong(t *testing.T) {
	cases := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"5", 32, 5, true}, {"+5", 32, 5, true}, {"-5", 32, -5, true}, {"007", 32, 7, true},
		{"2147483647", 32, 2147483647, true}, {"-2147483648", 32, -2147483648, true},
		{"2147483648", 32, 0, false}, {"", 32, 0, false}, {"5.0", 32, 0, false}, {" 5", 32, 0, false},
		{"5 ", 32, 0, false}, {"+", 32, 0, false}, {"-", 32, 0, false}, {"0x5", 32, 0, false},
		{"١٢", 32, 12, true}, // Arabic-Indic digits: Character.digit accepts them
		{"１２", 64, 12, true}, // fullwidth digits
		{"9223372036854775807", 64, math.MaxInt64, true}, {"-9223372036854775808", 64, math.MinInt64, true},
		{"9223372036854775808", 64, 0, false}, {"\xff", 64, 0, false},
	}
	for _, c := range cases {
		got, ok := JavaParseLong(c.in, c.bits)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("JavaParseLong(%q, %d) = %d, %v; want %d, %v", c.in, c.bits, got, ok, c.want, c.ok)
		}
	}
}
