package otsdb

import (
	"strconv"
	"strings"
	"testing"
)

func putBatch(n int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"metric":"sys.cpu.user","timestamp":`)
		b.WriteString(strconv.Itoa(1365465600 + i))
		b.WriteString(`,"value":`)
		if i%2 == 0 {
			b.WriteString(strconv.Itoa(i))
		} else {
			b.WriteString(strconv.Itoa(i) + ".25")
		}
		b.WriteString(`,"tags":{"host":"web` + strconv.Itoa(i%100) + `","dc":"lga","cpu":"` + strconv.Itoa(i%8) + `"}}`)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

func BenchmarkDecodePutBody1000(b *testing.B) {
	body := putBatch(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePutBody(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAndValidate1000(b *testing.B) {
	body := putBatch(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		pts, err := DecodePutBody(body)
		if err != nil {
			b.Fatal(err)
		}
		for i := range pts {
			if _, err := ValidatePoint(&pts[i], PointConfig{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkParseValue(b *testing.B) {
	inputs := []string{"42", "-1234567", "42.5", "0.1", "1.6777217E7"}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			if _, err := ParseValue(in); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkValueString(b *testing.B) {
	values := []Value{IntValue(42), FloatValue(42.5), FloatValue(0.1), FloatValue(1.6777217e7), FloatValue(1e-4)}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range values {
			buf = v.AppendText(buf[:0])
		}
	}
}

func BenchmarkValueStringAlloc(b *testing.B) {
	v := FloatValue(123456.123456789)
	b.ReportAllocs()
	for b.Loop() {
		_ = v.String()
	}
}
