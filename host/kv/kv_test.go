package kv

import (
	"bytes"
	"testing"

	"github.com/metahost/metahost/host/keys"
)

func TestStorageKeyDecodes(t *testing.T) {
	k := storageKey("a\x00b")
	space, fields, err := keys.Decode(k)
	if err != nil || space != keys.SpaceUser || len(fields) != 2 || string(fields[0].Bytes) != "kv" || string(fields[1].Bytes) != "a\x00b" {
		t.Fatalf("decode %x: space=%d fields=%+v err=%v", k, space, fields, err)
	}
	cases := []struct {
		key, prefix string
		want        bool
	}{
		{"abc", "ab", true},
		{"abc", "", true},
		{"abc", "abc", true},
		{"ab", "abc", false},
		{"a\x00b", "a\x00", true},
		{"a\x01", "a\x00", false},
		{"b", "a", false},
	}
	for _, c := range cases {
		if got := bytes.HasPrefix(storageKey(c.key), storagePrefix(c.prefix)); got != c.want {
			t.Errorf("key %q prefix %q: %v, want %v", c.key, c.prefix, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		key   string
		value []byte
		ok    bool
	}{
		{"k", nil, true},
		{"", nil, false},
		{string(make([]byte, MaxKeyLen)), nil, true},
		{string(make([]byte, MaxKeyLen+1)), nil, false},
		{"k", make([]byte, MaxValueLen+1), false},
	}
	for _, c := range cases {
		if err := Validate(c.key, c.value); (err == nil) != c.ok {
			t.Errorf("Validate(len %d, len %d) = %v", len(c.key), len(c.value), err)
		}
	}
}
