package secrets

import (
	"path/filepath"
	"strings"
	"testing"
)

func testKeyring(t *testing.T) *Keyring {
	t.Helper()
	k, err := New([]byte(strings.Repeat("k", KeySize)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := testKeyring(t)
	for _, pt := range []string{"", "ak", "sk_xxxxxxxxxxx", strings.Repeat("é", 100), "\x00\x01"} {
		s := k.Seal(pt)
		if pt != "" && (!IsSealed(s) || strings.Contains(s, pt)) {
			t.Fatalf("Seal(%q) = %q", pt, s)
		}
		got, err := k.Open(s)
		if err != nil || got != pt {
			t.Fatalf("Open(Seal(%q)) = %q, %v", pt, got, err)
		}
	}
	if k.Seal("same") != k.Seal("same") {
		t.Fatal("sealing is not deterministic")
	}
	if k.Seal("a") == k.Seal("b") {
		t.Fatal("distinct plaintexts gave one ciphertext")
	}
}

func TestOpenRejects(t *testing.T) {
	k := testKeyring(t)
	other, _ := New([]byte(strings.Repeat("o", KeySize)))
	good := k.Seal("secret")
	bad := []string{"plain", "mh1:", "mh1:!!!", "mh1:AAAA", good[:len(good)-2], other.Seal("secret")}
	for _, s := range bad {
		if _, err := k.Open(s); err == nil {
			t.Errorf("Open(%q) accepted", s)
		}
	}
}

func TestKeyFile(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "root.key")
	if err := WriteFile(p, key); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(p)
	if err != nil || string(got) != string(key) {
		t.Fatalf("LoadFile: %v", err)
	}
	for _, s := range []string{"", "zz", strings.Repeat("a", 63), strings.Repeat("a", 66)} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short root key accepted")
	}
}
