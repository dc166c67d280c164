package auth

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		secret string
		given  string
		want   bool
	}{
		{"match", "s3cret", "s3cret", true},
		{"mismatch", "s3cret", "s3cre", false},
		{"longer", "s3cret", "s3cret!", false},
		{"empty given", "s3cret", "", false},
		{"disabled accepts anything", "", "whatever", true},
		{"disabled accepts empty", "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NewToken(c.secret).Check(c.given); got != c.want {
				t.Fatalf("Check(%q) = %v, want %v", c.given, got, c.want)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	tok := NewToken("topsecret")
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		if strings.Contains(s, "topsecret") {
			t.Fatalf("token leaked in %q", s)
		}
	}
}

func TestFromRequest(t *testing.T) {
	cases := []struct {
		name   string
		url    string
		header [2]string
		want   string
	}{
		{"query", "/x?token=a", [2]string{}, "a"},
		{"bearer wins", "/x?token=a", [2]string{"Authorization", "Bearer b"}, "b"},
		{"header", "/x", [2]string{HeaderToken, "c"}, "c"},
		{"none", "/x", [2]string{}, ""},
		{"basic auth ignored", "/x", [2]string{"Authorization", "Basic Zm9v"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", c.url, nil)
			if c.header[0] != "" {
				r.Header.Set(c.header[0], c.header[1])
			}
			if got := FromRequest(r); got != c.want {
				t.Fatalf("got %q want %q", got, c.want)
			}
		})
	}
}
