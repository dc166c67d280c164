package otsdb

import (
	"errors"
	"testing"
)

func TestClassifyTimestamp(t *testing.T) {
	cases := []struct {
		ts   int64
		kind TimestampKind
		ms   int64
		err  error
	}{
		{-1, TimestampInvalid, 0, ErrInvalidTimestamp},
		{0, TimestampInvalid, 0, ErrInvalidTimestamp},
		{1, TimestampSeconds, 1000, nil},
		{1365465600, TimestampSeconds, 1365465600000, nil},
		{4294967295, TimestampSeconds, 4294967295000, nil}, // spec case 35: year 2106
		{4294967296, TimestampMillis, 4294967296, nil},     // spec case 35: 1970-02-19
		{1356998400500, TimestampMillis, 1356998400500, nil},
		{9999999999999, TimestampMillis, 9999999999999, nil},
		{10000000000000, TimestampTooLarge, 0, ErrBadTimestamp},
		{1<<63 - 1, TimestampTooLarge, 0, ErrBadTimestamp},
	}
	for _, c := range cases {
		if got := ClassifyTimestamp(c.ts); got != c.kind {
			t.Errorf("ClassifyTimestamp(%d) = %d, want %d", c.ts, got, c.kind)
		}
		ms, err := NormalizeTimestamp(c.ts)
		if ms != c.ms || !errors.Is(err, c.err) {
			t.Errorf("NormalizeTimestamp(%d) = %d, %v; want %d, %v", c.ts, ms, err, c.ms, c.err)
		}
	}
}

func TestHourBase(t *testing.T) {
	cases := []struct{ sec, base int64 }{
		{0, 0}, {3599, 0}, {3600, 3600}, {1388534400, 1388534400}, {1388534401, 1388534400},
		{1356998402, 1356998400}, {4294967295, 4294965600},
	}
	for _, c := range cases {
		if got := HourBase(c.sec); got != c.base {
			t.Errorf("HourBase(%d) = %d, want %d", c.sec, got, c.base)
		}
		if got := HourBaseMillis(c.sec*1000 + 999); got != c.base {
			t.Errorf("HourBaseMillis(%d) = %d, want %d", c.sec*1000+999, got, c.base)
		}
	}
	// 4294967296 ms = 4294967.296 s: row 4294800.
	if got := HourBaseMillis(4294967296); got != 4294800 {
		t.Errorf("HourBaseMillis(4294967296) = %d", got)
	}
}
