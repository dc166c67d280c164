package otsdb

// Timestamp ranges of incoming data points (§3).
const (
	// MaxSecondsTimestamp is the largest timestamp read as seconds
	// (ts & 0xFFFFFFFF00000000 == 0).
	MaxSecondsTimestamp int64 = 4294967295
	// MaxMillisTimestamp is the largest accepted timestamp (milliseconds).
	MaxMillisTimestamp int64 = 9999999999999
	// HourSeconds is the span of one storage row.
	HourSeconds int64 = 3600
)

// TimestampKind classifies an incoming data point timestamp.
type TimestampKind uint8

// Timestamp classes, in ascending timestamp order.
const (
	// TimestampInvalid is ts <= 0, rejected with "Invalid timestamp".
	TimestampInvalid TimestampKind = iota
	// TimestampSeconds is 1 <= ts <= 4294967295: seconds.
	TimestampSeconds
	// TimestampMillis is 4294967296 <= ts <= 9999999999999: milliseconds.
	TimestampMillis
	// TimestampTooLarge is ts > 9999999999999, rejected with "bad timestamp=...".
	TimestampTooLarge
)

// ClassifyTimestamp tells how OpenTSDB reads the incoming timestamp ts.
func ClassifyTimestamp(ts int64) TimestampKind {
	switch {
	case ts <= 0:
		return TimestampInvalid
	case ts <= MaxSecondsTimestamp:
		return TimestampSeconds
	case ts <= MaxMillisTimestamp:
		return TimestampMillis
	default:
		return TimestampTooLarge
	}
}

// NormalizeTimestamp normalises an accepted incoming timestamp to
// milliseconds (seconds are multiplied by 1000). It fails with
// ErrInvalidTimestamp for ts <= 0 and ErrBadTimestamp above the millisecond
// range; the full wire text of the latter needs the value and tags, see
// BadTimestampMessage.
func NormalizeTimestamp(ts int64) (int64, error) {
	switch ClassifyTimestamp(ts) {
	case TimestampSeconds:
		return ts * 1000, nil
	case TimestampMillis:
		return ts, nil
	case TimestampInvalid:
		return 0, ErrInvalidTimestamp
	default:
		return 0, ErrBadTimestamp
	}
}

// HourBase returns the row base time in seconds for a time in seconds:
// s - s%3600 (Java remainder semantics, UTC/epoch aligned).
func HourBase(sec int64) int64 { return sec - sec%HourSeconds }

// HourBaseMillis returns the row base time in seconds for a time in
// milliseconds (the milliseconds are truncated to seconds first).
func HourBaseMillis(ms int64) int64 { return HourBase(ms / 1000) }
