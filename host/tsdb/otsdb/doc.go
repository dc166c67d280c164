// Package otsdb is the OpenTSDB-compatibility wire layer behind metahost's
// /api/put and /api/query/last endpoints.
//
// It is pure: it parses request bodies and query strings, validates data
// points, and formats responses exactly as OpenTSDB 2.4/2.5 does (see
// /work/shared/specs/opentsdb-last.md), but it owns no storage and serves no
// HTTP. The store and the HTTP handlers are built on top of it.
//
// Java behaviour that leaks onto the wire is reproduced here in Go:
// Double.toString (value read-back text), Tags.parseLong and
// Double.parseDouble (value typing), String.hashCode and HashMap iteration
// order (tag order in texts and in UID assignment), Arrays.toString (byte
// renderings in error texts), Integer/Long.parseInt (back_scan and string
// timestamps), Jackson's lenient coercions (put bodies and POSTed last-point
// queries), Netty's QueryStringDecoder and OpenTSDB's hand-built error
// envelope.
//
// Ordered tag lists ([]Tag) produced by this package are always in Java
// HashMap iteration order, so iterating them reproduces the Java order of
// validation, UID assignment and rendering.
package otsdb
