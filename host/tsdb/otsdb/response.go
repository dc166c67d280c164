package otsdb

import (
	"strconv"

	"github.com/metahost/metahost/host/jsonstr"
)

// ContentType is the Content-Type of every /api/* response.
const ContentType = "application/json; charset=UTF-8"

// AppendJSONString appends s as a JSON string literal with OpenTSDB's
// escaping (HttpQuery.escapeJson, and Jackson's identical defaults): '"' and
// '\' backslash-escaped; \b \f \n \r \t as two-char escapes; other chars
// below 0x20 as \u00XX with uppercase hex; everything else raw (no escaping
// of '/' or of non-ASCII). Java's hand-built envelope leaves 0x1F itself
// unescaped (an off-by-one); this function escapes it, as Jackson does.
func AppendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }

// FormatError renders OpenTSDB's error envelope:
//
//	{"error":{"code":<code>,"message":"<message>"[,"details":"<details>"]}}
//
// details is included only when non-empty. (The optional "trace" member is
// never produced.)
func FormatError(code int, message, details string) []byte {
	b := make([]byte, 0, 40+len(message)+len(details))
	b = append(b, `{"error":{"code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"message":`...)
	b = AppendJSONString(b, message)
	if details != "" {
		b = append(b, `,"details":`...)
		b = AppendJSONString(b, details)
	}
	return append(b, "}}"...)
}

// notFoundBody is the body of an unknown /api/... endpoint (404).
const notFoundBody = `{"error":{"code":404,"message":"Endpoint not found"}}`

// NotFoundBody returns the body of the 404 for an unknown /api/ endpoint.
func NotFoundBody() []byte { return []byte(notFoundBody) }

// WrapJSONP wraps a JSON body for the jsonp=<callback> parameter:
// callback + "(" + json + ")". (Java answers a success body with an empty
// callback with a 500 "Missing callback name"; error bodies are wrapped
// regardless. That choice is the caller's.)
func WrapJSONP(callback string, json []byte) []byte {
	b := make([]byte, 0, len(callback)+len(json)+2)
	b = append(b, callback...)
	b = append(b, '(')
	b = append(b, json...)
	return append(b, ')')
}

// PutFailure is one entry of the put "errors" list.
type PutFailure struct {
	Point PutPoint
	Error string
}

// PutReportOptions are the query flags that shape an /api/put response.
type PutReportOptions struct {
	Summary bool // "summary" present
	Details bool // "details" present
	// SyncTimeout is true when sync and sync_timeout > 0: summaries then
	// carry "timeouts":0.
	SyncTimeout bool
}

// PutResponse applies the /api/put response matrix (§4.3) and returns the
// HTTP status and body (nil for 204). success counts points that were
// stored, failed the others; failures are the details entries in processing
// order (used only with Details).
func PutResponse(opts PutReportOptions, success, failed int, failures []PutFailure) (status int, body []byte) {
	if !opts.Summary && !opts.Details {
		if failed > 0 {
			return 400, FormatError(400, MsgPointsHadErrors, DetailsPointsHadErrors)
		}
		return 204, nil
	}
	status = 200
	if failed > 0 {
		status = 400
	}
	return status, AppendPutSummary(nil, opts, success, failed, failures)
}

// AppendPutSummary appends the summary object in Java HashMap key order:
// {"success":N[,"timeouts":0],"failed":M[,"errors":[{"datapoint":<dp>,"error":"<text>"},...]]}.
func AppendPutSummary(dst []byte, opts PutReportOptions, success, failed int, failures []PutFailure) []byte {
	dst = append(dst, `{"success":`...)
	dst = strconv.AppendInt(dst, int64(success), 10)
	if opts.SyncTimeout {
		dst = append(dst, `,"timeouts":0`...)
	}
	dst = append(dst, `,"failed":`...)
	dst = strconv.AppendInt(dst, int64(failed), 10)
	if opts.Details {
		dst = append(dst, `,"errors":[`...)
		for i := range failures {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"datapoint":`...)
			dst = failures[i].Point.AppendJSON(dst)
			dst = append(dst, `,"error":`...)
			dst = AppendJSONString(dst, failures[i].Error)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// LastResult is one object of the /api/query/last response.
type LastResult struct {
	// Resolved adds "metric" and "tags" (resolveNames).
	Resolved bool
	Metric   string
	// Tags in output order (Java HashMap order to match OpenTSDB byte for
	// byte; JSON consumers do not depend on it).
	Tags []Tag
	// Timestamp in milliseconds.
	Timestamp int64
	// Value is the read-back text (Value.String).
	Value string
	// TSUID is the uppercase hex TSUID.
	TSUID string
}

// AppendLastResult appends one result object with keys in the order
// metric, timestamp, value, tags, tsuid (metric and tags only when
// Resolved).
func AppendLastResult(dst []byte, r *LastResult) []byte {
	dst = append(dst, '{')
	if r.Resolved {
		dst = append(dst, `"metric":`...)
		dst = AppendJSONString(dst, r.Metric)
		dst = append(dst, ',')
	}
	dst = append(dst, `"timestamp":`...)
	dst = strconv.AppendInt(dst, r.Timestamp, 10)
	dst = append(dst, `,"value":`...)
	dst = AppendJSONString(dst, r.Value)
	if r.Resolved {
		dst = append(dst, `,"tags":`...)
		dst = appendTagsJSON(dst, r.Tags)
	}
	dst = append(dst, `,"tsuid":`...)
	dst = AppendJSONString(dst, r.TSUID)
	return append(dst, '}')
}

// FormatLastResults renders the /api/query/last response array ("[]" when
// empty).
func FormatLastResults(results []LastResult) []byte {
	b := make([]byte, 0, 2+96*len(results))
	b = append(b, '[')
	for i := range results {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendLastResult(b, &results[i])
	}
	return append(b, ']')
}
