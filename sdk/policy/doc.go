// Package policy holds the data types and the shared selection rules of Apache Doris tablet
// compaction, as specified in /work/shared/specs/doris-compaction.md (§3-§6): rowset scores,
// candidate sets, version continuity, the cumulative-compaction driver, base and full compaction
// selection, and tablet scores.
//
// The cumulative policies themselves live in the sub-packages sizebased (SIZE_BASED, §4.3) and
// timeseries (TIME_SERIES, §4.4); third-party policies implement the Policy interface.
//
// Everything here is deterministic and self-contained so that it can be compiled both natively
// and to WebAssembly (GOOS=wasip1 GOARCH=wasm): standard library only, no goroutines, no clocks
// (the current time is always an input, in unix milliseconds), no maps and no interfaces inside
// the data types, so that a compact codec can be written for them later.
//
// Conventions:
//   - versions are closed intervals [start-end];
//   - a cumulative point of -1 (InvalidCumulativePoint) means "not calculated yet";
//   - every "now" parameter is unix milliseconds; rowset creation times are unix seconds, as in Doris;
//   - slices returned by the selection functions may alias their input (they are capacity-capped,
//     so appending to them never overwrites the input). Callers must not modify them in place.
package policy
