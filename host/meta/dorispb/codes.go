package dorispb

// HTTP status categories written into the "code" member of the JSON envelope.
const (
	CategoryOK              = "OK"
	CategoryInvalidArgument = "INVALID_ARGUMENT"
	CategoryNotFound        = "NOT_FOUND"
	CategoryAlreadyExisted  = "ALREADY_EXISTED"
	CategoryInternalError   = "INTERNAL_ERROR"
)

// HTTPStatus maps a MetaServiceCode to the HTTP status and the envelope
// category string, as convert_ms_code_to_http_code of the classic
// meta_service_http.cpp does (spec §2): OK 200; INVALID_ARGUMENT and
// PROTOBUF_PARSE_ERR 400; CLUSTER_NOT_FOUND 404; ALREADY_EXISTED 409;
// everything else (TABLET_NOT_FOUND included) 500 INTERNAL_ERROR.
func HTTPStatus(code MetaServiceCode) (status int, category string) {
	switch code {
	case MetaServiceCode_OK:
		return 200, CategoryOK
	case MetaServiceCode_INVALID_ARGUMENT, MetaServiceCode_PROTOBUF_PARSE_ERR:
		return 400, CategoryInvalidArgument
	case MetaServiceCode_CLUSTER_NOT_FOUND:
		return 404, CategoryNotFound
	case MetaServiceCode_ALREADY_EXISTED:
		return 409, CategoryAlreadyExisted
	default:
		return 500, CategoryInternalError
	}
}

// HTTPStatusMaster is HTTPStatus of the master generation of the
// meta-service, which additionally maps TABLET_NOT_FOUND to 404 NOT_FOUND.
func HTTPStatusMaster(code MetaServiceCode) (status int, category string) {
	if code == MetaServiceCode_TABLET_NOT_FOUND {
		return 404, CategoryNotFound
	}
	return HTTPStatus(code)
}

// MetaServiceCodeByName returns the code with this enum name (e.g.
// "INVALID_ARGUMENT", "CLUSTER_NOT_FOUND"). The reply categories that are
// not enum names map to a code of that category: "NOT_FOUND" to
// CLUSTER_NOT_FOUND and "INTERNAL_ERROR" to UNDEFINED_ERR.
func MetaServiceCodeByName(name string) (MetaServiceCode, bool) {
	if n, ok := metaServiceCodeDesc.byName(name); ok {
		return MetaServiceCode(n), true
	}
	switch name {
	case "NOT_FOUND":
		return MetaServiceCode_CLUSTER_NOT_FOUND, true
	case "INTERNAL_ERROR":
		return MetaServiceCode_UNDEFINED_ERR, true
	}
	return 0, false
}
