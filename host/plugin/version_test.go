package plugin

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestWazeroVersionMatchesGoMod keeps WazeroVersion (the compilation cache key) equal to go.mod.
func TestWazeroVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "require" { // the single-line form
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == "github.com/tetratelabs/wazero" {
			if f[1] != WazeroVersion {
				t.Fatalf("go.mod has wazero %s, WazeroVersion is %s: update it", f[1], WazeroVersion)
			}
			return
		}
	}
	t.Fatal("wazero not found in go.mod")
}

func TestBreakerStates(t *testing.T) {
	now := time.Unix(0, 0)
	b := breaker{threshold: 2, cooldown: time.Second, now: func() time.Time { return now }}
	steps := []struct {
		do        string // "fault", "ok", "neutral", "wait"
		wantAllow bool
		wantState string
	}{
		{"fault", true, "closed"},
		{"ok", true, "closed"},
		{"fault", true, "closed"},
		{"fault", true, "open"},
		{"", false, "open"},
		{"wait", true, "half-open"},
		{"neutral", true, "half-open"},
		{"fault", true, "open"},
		{"wait", true, "half-open"},
		{"ok", true, "closed"},
	}
	for i, s := range steps {
		if s.do == "wait" {
			now = now.Add(time.Second)
		}
		if got := b.allow(); got != s.wantAllow {
			t.Fatalf("step %d: allow = %v", i, got)
		}
		switch s.do {
		case "fault":
			b.done(true)
		case "ok":
			b.done(false)
		case "neutral":
			b.neutral()
		case "", "wait":
			if s.wantAllow {
				b.neutral()
			}
		}
		if st, _ := b.state(); st != s.wantState {
			t.Fatalf("step %d (%s): state %s, want %s", i, s.do, st, s.wantState)
		}
	}
}
