package meta

import "github.com/metahost/metahost/host/meta/dorispb"

// Reply is the answer of a read handler of the "JR" kind: an error (nil
// means OK) and the message printed as the envelope's "result" (nil: no
// "result" member at all). Which result Doris prints on error differs per
// route (get_instance prints {}, get_obj_store_info prints the status), so
// the domain decides.
type Reply struct {
	// Err is the rejection; nil for OK.
	Err *Error
	// Result is printed as "result"; nil omits the member.
	Result dorispb.Message
}

// okStatus is a response status with code OK and msg.
func okStatus(msg string) *dorispb.MetaServiceResponseStatus {
	return &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(dorispb.MetaServiceCode_OK), Msg: dorispb.Some(msg)}
}

// errStatus is the response status that carries e.
func errStatus(e *Error) *dorispb.MetaServiceResponseStatus {
	return &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(e.Code), Msg: dorispb.Some(e.Msg)}
}
