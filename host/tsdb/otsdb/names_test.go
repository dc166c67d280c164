package otsdb

import (
	"errors"
	"testing"
)

func TestValidateString(t *testing.T) {
	cases := []struct {
		what, s string
		special string
		want    string // "" = valid
	}{
		{"metric name", "sys.cpu.user", "", ""},
		{"metric name", "a-b_c.d/e09AZ", "", ""},
		{"metric name", "métrique", "", ""},
		{"metric name", "指标", "", ""},
		{"metric name", "ǅ", "", ""}, // Lt titlecase letter
		{"metric name", "", "", "Invalid metric name: empty string"},
		{"metric name", "sys cpu", "", `Invalid metric name ("sys cpu"): illegal character:  `},
		{"metric name", "a:b", "", `Invalid metric name ("a:b"): illegal character: :`},
		{"metric name", "a:b", ":", ""},
		{"metric name", "a b", "! ~", ""},
		{"tag name with value [web01]", "ho$t", "", `Invalid tag name with value [web01] ("ho$t"): illegal character: $`},
		{"tag value with key [host]", "web😀", "", `Invalid tag value with key [host] ("web😀"): illegal character: 😀`},
		{"tag value with key [host]", "web😀", "😀", ""},
		{"metric name", "a\u0301", "", "Invalid metric name (\"a\u0301\"): illegal character: \u0301"}, // Mn is not a letter
		{"metric name", "٣", "", "Invalid metric name (\"٣\"): illegal character: ٣"},                  // Nd non-ASCII is not allowed
	}
	for _, c := range cases {
		err := NameValidator{AllowSpecialChars: c.special}.Validate(c.what, c.s)
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("Validate(%q) error not ErrInvalidName", c.s)
			}
		}
		if got != c.want {
			t.Errorf("Validate(%q, %q, special %q) = %q, want %q", c.what, c.s, c.special, got, c.want)
		}
	}
	if err := ValidateString("metric name", "ok"); err != nil {
		t.Errorf("ValidateString: %v", err)
	}
	if got := validateNull("tag value with key [host]").Error(); got != "Invalid tag value with key [host]: null" {
		t.Errorf("validateNull = %q", got)
	}
}
