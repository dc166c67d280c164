package otsdb

import "errors"

// Error is a request-level failure that OpenTSDB reports with its JSON error
// envelope. Code is the HTTP status and the envelope's "code"; Details is left
// out of the envelope when empty.
type Error struct {
	Code    int
	Message string
	Details string
	// Err is the underlying cause, if any (for errors.Is / errors.As).
	Err error
}

// Error returns the message, followed by the details when they differ.
func (e *Error) Error() string {
	if e.Details == "" || e.Details == e.Message {
		return e.Message
	}
	return e.Message + ": " + e.Details
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Body renders the error as OpenTSDB's error envelope (see FormatError).
func (e *Error) Body() []byte { return FormatError(e.Code, e.Message, e.Details) }

// badRequest builds a 400 error without details.
func badRequest(msg string) *Error { return &Error{Code: 400, Message: msg} }

// wrappedBadRequest builds a 400 error the way OpenTSDB's
// new BadRequestException(cause) does: message and details are both the
// cause's text.
func wrappedBadRequest(cause error) *Error {
	return &Error{Code: 400, Message: cause.Error(), Details: cause.Error(), Err: cause}
}

// Fixed texts of request-level errors.
const (
	MsgMissingRequestContent = "Missing request content"
	MsgMustStartObjectArray  = "The JSON must start as an object or an array"
	MsgUnableToParseJSON     = "Unable to parse the given JSON"
	MsgNoDatapoints          = "No datapoints found in content"
	MsgPointsHadErrors       = "One or more data points had errors"
	DetailsPointsHadErrors   = "Please see the TSD logs or append \"details\" to the put request"
	MsgMissingMessageContent = "Missing message content"
	DetailsMissingMessage    = "Supply valid JSON formatted data in the body of your request"
	MsgMissingSubQueries     = "Missing sub queries"
	MsgBadBackScanParam      = "Unable to parse back_scan parameter"
	MsgUnknownMetric         = "Unknown metric"
	MsgMetricEmptyQuery      = "Metric cannot be null or empty"
	MsgTagsEmptyForTSUID     = "Tags cannot be null or empty when getting a TSUID"
	MsgNegativeBackscan      = "Backscan must be zero or a positive number"
)

// Sentinel causes of per-data-point failures. The exact wire text of a
// failure is its Error(); these sentinels only classify it (errors.Is).
var (
	ErrNullPoint        = errors.New("Unexpected null datapoint encountered in set.")
	ErrMetricEmpty      = errors.New("Metric name was empty")
	ErrInvalidTimestamp = errors.New("Invalid timestamp")
	ErrEmptyValue       = errors.New("Empty value")
	ErrMissingTags      = errors.New("Missing tags")
	ErrValueNotNumber   = errors.New("Unable to parse value to a number")
	ErrValueNotFinite   = errors.New("value is NaN or Infinite")
	ErrBadTimestamp     = errors.New("bad timestamp")
	ErrTooManyTags      = errors.New("too many tags")
	ErrInvalidName      = errors.New("invalid name")
	ErrUIDEmpty         = errors.New("UID was empty")
	ErrUIDHex           = errors.New("contains illegal character for hexBinary")
	ErrTSUIDTooShort    = errors.New("TSUID must not be null and must have a metric and at least one tag pair")
	ErrMalformedTSUID   = errors.New("The TSUID appears to be malformed, improper tag width")

	ErrNegativeBackscan  = errors.New(MsgNegativeBackscan)
	ErrMetricEmptyQuery  = errors.New(MsgMetricEmptyQuery)
	ErrTagsEmptyForTSUID = errors.New(MsgTagsEmptyForTSUID)
)

// PointError is a failure whose wire text (Text) carries context, classified
// by Kind (one of the Err* sentinels).
type PointError struct {
	Kind error
	Text string
}

// Error returns the exact wire text.
func (e *PointError) Error() string { return e.Text }

// Unwrap returns the classifying sentinel.
func (e *PointError) Unwrap() error { return e.Kind }
