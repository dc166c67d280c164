package policy

import "strconv"

// Code is a Doris status code as Status::code_as_string() prints it: the thrift name for
// non-negative codes, "E<code>" for negative internal codes.
type Code string

// Status codes produced by the compaction selection (spec §1).
const (
	CodeOK                          Code = "OK"
	CodeInternalError               Code = "INTERNAL_ERROR"
	CodeTryLockFailed               Code = "E-216"  // TRY_LOCK_FAILED
	CodeBENoSuitableVersion         Code = "E-808"  // BE_NO_SUITABLE_VERSION
	CodeCumulativeNoSuitableVersion Code = "E-2000" // CUMULATIVE_NO_SUITABLE_VERSION
	CodeCumulativeInvalidParameters Code = "E-2002" // CUMULATIVE_INVALID_PARAMETERS
	CodeFullNoSuitableVersion       Code = "E-2008" // FULL_NO_SUITABLE_VERSION
	CodeFullMissVersion             Code = "E-2009" // FULL_MISS_VERSION
	CodeCumulativeMeetDeleteVersion Code = "E-2010" // CUMULATIVE_MEET_DELETE_VERSION
)

// Fixed status messages of the cumulative driver (§4.2).
const (
	MsgCandidateRowsetsEmpty  = "candidate_rowsets is empty"
	MsgInputRowsetsEmpty      = "_input_rowsets is empty"
	MsgMeetDeleteVersion      = "cumulative compaction meet delete version"
	MsgTabletInitFailed       = "_tablet init failed"
	MsgBaseInputSizeIsOne     = "_input_rowsets.size() is 1"
	MsgBaseNoDataFirstRowset  = "the tablet is with rowset: [0-1], [2-y], and [0-1] has no data. in this situation, no need to do base compaction."
	MsgFullNoSuitableVersion  = "There is no suitable version"
	MsgFullNoInputRowset      = "There is no input rowset when do full compaction"
	msgBaseDeleteNotApplied   = "Some rowsets cannot apply delete predicates in base compaction. tablet_id="
	msgCumulativeLockPrefix   = "The tablet is under cumulative compaction. tablet="
	msgBaseLockPrefix         = "another base compaction is running. tablet="
	msgVersionsNotContinuity  = "versions are not continuity: prev="
	msgBasePolicyNotSatisfied = "don't satisfy the base compaction policy. tablet="
)

// Status is a Doris Status: a code and a message. The zero value is not OK; use StatusOK.
type Status struct {
	Code Code
	Msg  string
}

// StatusOK is the OK status.
var StatusOK = Status{Code: CodeOK}

// IsOK reports whether the status is OK.
func (s Status) IsOK() bool { return s.Code == CodeOK }

// String is Status::to_string(): "[OK]" or "[<code>]<msg>", e.g. "[E-2000]_input_rowsets is empty".
func (s Status) String() string {
	if s.IsOK() {
		return "[OK]"
	}
	return "[" + string(s.Code) + "]" + s.Msg
}

// Err returns nil for an OK status and a *StatusError otherwise.
func (s Status) Err() error {
	if s.IsOK() {
		return nil
	}
	return &StatusError{Status: s}
}

// StatusError is a non-OK Status used as an error.
type StatusError struct {
	Status Status
}

// Error returns Status.String().
func (e *StatusError) Error() string { return e.Status.String() }

// StatusCumulativeLocked is the E-216 status of a cumulative compaction on a locked tablet.
func StatusCumulativeLocked(tabletID int64) Status {
	return Status{Code: CodeTryLockFailed, Msg: msgCumulativeLockPrefix + strconv.FormatInt(tabletID, 10)}
}

// StatusBaseLocked is the E-216 status of a base compaction on a locked tablet.
func StatusBaseLocked(tabletID int64) Status {
	return Status{Code: CodeTryLockFailed, Msg: msgBaseLockPrefix + strconv.FormatInt(tabletID, 10)}
}

// StatusTabletInitFailed is the E-2002 status of a cumulative compaction on a tablet whose
// initialisation failed.
func StatusTabletInitFailed() Status {
	return Status{Code: CodeCumulativeInvalidParameters, Msg: MsgTabletInitFailed}
}
