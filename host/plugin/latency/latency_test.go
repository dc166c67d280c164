package latency

import (
	"testing"
	"time"
)

func TestPercentiles(t *testing.T) {
	cases := []struct {
		name     string
		add      []time.Duration
		p50, p99 time.Duration
	}{
		{"empty", nil, 0, 0},
		{"one", []time.Duration{5}, 5, 5},
		{"ordered by value, not by arrival", []time.Duration{9, 1, 5}, 5, 5},
	}
	for _, c := range cases {
		var w Window
		for _, d := range c.add {
			w.Add(d)
		}
		if p50, p99 := w.Percentiles(); p50 != c.p50 || p99 != c.p99 {
			t.Errorf("%s: p50 %v p99 %v, want %v %v", c.name, p50, p99, c.p50, c.p99)
		}
	}
	// Only the last Size latencies count.
	var w Window
	for i := 0; i < Size; i++ {
		w.Add(time.Hour)
	}
	for i := 1; i <= Size; i++ {
		w.Add(time.Duration(i))
	}
	if p50, p99 := w.Percentiles(); p50 != Size/2 || p99 != time.Duration((Size-1)*99/100+1) {
		t.Errorf("after wrapping: p50 %v p99 %v", p50, p99)
	}
}
