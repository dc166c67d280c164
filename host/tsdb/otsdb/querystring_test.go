package otsdb

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeQueryString(t *testing.T) {
	cases := []struct {
		raw  string
		want QueryParams
	}{
		{"", QueryParams{}},
		{"resolve", QueryParams{"resolve": {""}}},
		{"a=1&a=2&b=3", QueryParams{"a": {"1", "2"}, "b": {"3"}}},
		{"a=1;b=2", QueryParams{"a": {"1"}, "b": {"2"}}},
		{"a&&b=&c", QueryParams{"a": {""}, "b": {""}, "c": {""}}},
		{"a==b", QueryParams{"a": {"=b"}}},
		{"=abc&x=1", QueryParams{"abc": {""}, "x": {"1"}}},
		{"=&x", QueryParams{"x": {""}}},
		{"a+b=c+d", QueryParams{"a b": {"c d"}}},
		{"t=sys.cpu.user%7Bhost%3Dweb01%7D", QueryParams{"t": {"sys.cpu.user{host=web01}"}}},
		{"t=%E4%B8%AD%c3%a9", QueryParams{"t": {"中é"}}},
		{"t=100%%", QueryParams{"t": {"100%"}}},
		{"t=%2B", QueryParams{"t": {"+"}}},
		{"t=%FF", QueryParams{"t": {"\uFFFD"}}},
		{"t=中", QueryParams{"t": {"中"}}},
		{"Resolve&resolve=false", QueryParams{"Resolve": {""}, "resolve": {"false"}}},
	}
	for _, c := range cases {
		got, err := DecodeQueryString(c.raw)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("DecodeQueryString(%q) = %v, %v; want %v", c.raw, got, err, c.want)
		}
	}
	q, _ := DecodeQueryString("back_scan=1&back_scan=2&x")
	if v, ok := q.Get("back_scan"); !ok || v != "2" {
		t.Errorf("Get last = %q %v", v, ok)
	}
	if !q.Has("x") || q.Has("y") {
		t.Error("Has")
	}
	if _, ok := q.Get("y"); ok {
		t.Error("Get absent")
	}
}

func TestDecodeQueryStringLimit(t *testing.T) {
	raw := strings.Repeat("a=1&", 1100) + "b=2"
	q, err := DecodeQueryString(raw)
	if err != nil || len(q["a"]) != 1024 || q.Has("b") {
		t.Errorf("limit: %d a's, b=%v, err %v", len(q["a"]), q.Has("b"), err)
	}
}

func TestDecodeQueryStringErrors(t *testing.T) {
	cases := []struct{ raw, msg string }{
		{"t=%", "unterminated escape sequence at end of string: %"},
		{"t=ab%", "unterminated escape sequence at end of string: ab%"},
		{"t=%4", "partial escape sequence at end of string: %4"},
		{"t=%zz1", "invalid escape sequence `%zz' at index 0 of: %zz1"},
		{"t=x%4g&y", "invalid escape sequence `%4g' at index 1 of: x%4g"},
		{"%&a=1", "unterminated escape sequence at end of string: %"},
	}
	for _, c := range cases {
		_, err := DecodeQueryString(c.raw)
		var e *Error
		if !errors.As(err, &e) || e.Code != 500 || e.Message != c.msg {
			t.Errorf("DecodeQueryString(%q) = %v, want 500 %q", c.raw, err, c.msg)
		}
	}
}
