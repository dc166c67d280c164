package otsdb

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzDecodePutBody(f *testing.F) {
	for _, s := range []string{
		`{"metric":"sys.cpu.user","timestamp":1365465600,"value":42,"tags":{"host":"web01"}}`,
		`[{"metric":"sys.cpu.nice","timestamp":1365465600,"value":NaN,"tags":{"host":"web01","dc":"lga"}},null]`,
		`[{"value":+INF},{"value":-Infinity,"timestamp":"12"},{"tags":{"a":1,"b":null},"x":[{},[]]}]`,
		`{"metric":"a\u00e9\ud83d\ude00","timestamp":1.5e3,"tsuid":"01"}`,
		`[]`, ``, `Hello World`, `{"metric":"m"`, `[nul]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		pts, err := DecodePutBody(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != 400 || !json.Valid(e.Body()) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if len(pts) == 0 {
			t.Fatal("no points and no error")
		}
		for i := range pts {
			p := &pts[i]
			out := p.AppendJSON(nil)
			if !json.Valid(out) {
				t.Fatalf("invalid rendering %q", out)
			}
			if _, err := ValidatePoint(p, PointConfig{}); err != nil && err.Error() == "" {
				t.Fatal("empty error text")
			}
			if len(p.Tags) > 12 {
				continue
			}
			again, err := DecodePutBody(out)
			if err != nil {
				if p.Null { // a bare null is not a valid top-level body
					continue
				}
				t.Fatalf("re-decoding %q: %v", out, err)
			}
			if out2 := again[0].AppendJSON(nil); string(out2) != string(out) {
				t.Fatalf("round trip %q -> %q", out, out2)
			}
		}
	})
}

func FuzzParseTimeseries(f *testing.F) {
	for _, s := range []string{"sys.cpu.user", "sys.cpu.user{host=web01,dc=lga}", "m{}", "m{host}", "m{a=1,a=2}",
		"m{a=1,a=1}", "{", "m{=}", "m{,}", "a{b{c=d}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		metric, tags, err := ParseTimeseries(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != 500 || e.Message == "" {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if len(tags) == 0 || len(tags) > 12 {
			return
		}
		parts := make([]string, len(tags))
		for i, tg := range tags {
			parts[i] = tg.Key + "=" + tg.Value
		}
		m2, tags2, err := ParseTimeseries(metric + "{" + strings.Join(parts, ",") + "}")
		if err != nil || m2 != metric || JavaMapString(tags2) != JavaMapString(tags) {
			t.Fatalf("round trip of %q: %q %v %v", s, m2, tags2, err)
		}
	})
}

func FuzzParseTSUID(f *testing.F) {
	for _, s := range []string{"000001000001000001", "00001000001000001", "", "0", "zz", "000001000001", "é", "a😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseTSUID(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		want := strings.ToUpper(s)
		if len(s)%2 == 1 {
			want = "0" + want
		}
		if got := FormatTSUID(b); got != want || len(b) < MinTSUIDLen {
			t.Fatalf("ParseTSUID(%q) -> %s", s, got)
		}
	})
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"42", "-42", "42.5", "1e3", " 42.5 ", "1.5f", "0x1.8p1", "NaN", "1e999", "007",
		"-0", "-0.0", "9223372036854775808", "16777217.0", "4.9e-324", ".5", "1."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseValue(s)
		if err != nil {
			if !errors.Is(err, ErrValueNotNumber) && !errors.Is(err, ErrValueNotFinite) {
				t.Fatalf("unexpected error %v", err)
			}
			if errors.Is(err, ErrValueNotFinite) && v.IsFinite() {
				t.Fatal("finite value reported as not finite")
			}
			return
		}
		text := v.String()
		if v.IsInteger() {
			if n, err := strconv.ParseInt(text, 10, 64); err != nil || n != v.Int() {
				t.Fatalf("integer text %q for %q", text, s)
			}
			if utf8.ValidString(s) && !strings.ContainsAny(s, ".eE") {
				if n, err := strconv.ParseInt(s, 10, 64); err != nil || n != v.Int() {
					t.Fatalf("integer path disagrees with strconv for %q", s)
				}
			}
		} else {
			back, err := ParseValue(text)
			if err != nil || math.Float64bits(back.Float()) != math.Float64bits(v.Float()) || back.Kind() != v.Kind() {
				t.Fatalf("float text %q of %q does not round-trip: %v %v", text, s, back, err)
			}
		}
		b, flags := v.AppendEncoded(nil)
		if back, ok := DecodeValue(b, flags); !ok || back.String() != text {
			t.Fatalf("encoding round trip of %q", s)
		}
	})
}

func FuzzDecodeLastQueryBody(f *testing.F) {
	for _, s := range []string{
		`{"queries":[{"metric":"sys.cpu.user","tags":{"host":"web01"}},{"tsuids":["000001000001000001"]}],"resolveNames":true,"backScan":24}`,
		`{"queries":[{"metric":"sys.cpu.user"}],"resolve":true}`, `null`, ``, `{"backScan":"2"}`, `{"queries":[null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := DecodeLastQueryBody(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != 400 || !json.Valid(e.Body()) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if err := q.Check(); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != 400 {
				t.Fatalf("bad check error %v", err)
			}
		}
	})
}

func FuzzDecodeQueryString(f *testing.F) {
	for _, s := range []string{"timeseries=sys.cpu.user%7Bhost%3Dweb01%7D&resolve", "a=1;b", "=x", "%", "%%", "%zz", "a+b=%E4%B8%AD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := DecodeQueryString(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != 500 || !utf8.ValidString(e.Message) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		for name, vs := range q {
			if !utf8.ValidString(name) {
				t.Fatalf("invalid name %q", name)
			}
			for _, v := range vs {
				if !utf8.ValidString(v) {
					t.Fatalf("invalid value %q", v)
				}
			}
		}
		if lq, err := ParseLastQueryParams(q); err == nil {
			_ = lq.Check()
		}
	})
}
