package dorispb

import "testing"

// TestHTTPStatus is the table of spec §2.
func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		code      MetaServiceCode
		status    int
		category  string
		masterSt  int
		masterCat string
	}{
		{MetaServiceCode_OK, 200, "OK", 200, "OK"},
		{MetaServiceCode_INVALID_ARGUMENT, 400, "INVALID_ARGUMENT", 400, "INVALID_ARGUMENT"},
		{MetaServiceCode_PROTOBUF_PARSE_ERR, 400, "INVALID_ARGUMENT", 400, "INVALID_ARGUMENT"},
		{MetaServiceCode_CLUSTER_NOT_FOUND, 404, "NOT_FOUND", 404, "NOT_FOUND"},
		{MetaServiceCode_ALREADY_EXISTED, 409, "ALREADY_EXISTED", 409, "ALREADY_EXISTED"},
		{MetaServiceCode_TABLET_NOT_FOUND, 500, "INTERNAL_ERROR", 404, "NOT_FOUND"},
		{MetaServiceCode_KV_TXN_GET_ERR, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_KV_TXN_CONFLICT, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_TXN_ID_NOT_FOUND, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_CLUSTER_ENDPOINT_MISSING, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_STORAGE_VAULT_NOT_FOUND, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_MAX_QPS_LIMIT, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_ERR_ENCRYPT, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode_UNDEFINED_ERR, 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
		{MetaServiceCode(424242), 500, "INTERNAL_ERROR", 500, "INTERNAL_ERROR"},
	}
	for _, tc := range tests {
		st, cat := HTTPStatus(tc.code)
		if st != tc.status || cat != tc.category {
			t.Errorf("HTTPStatus(%v) = %d %s, want %d %s", tc.code, st, cat, tc.status, tc.category)
		}
		st, cat = HTTPStatusMaster(tc.code)
		if st != tc.masterSt || cat != tc.masterCat {
			t.Errorf("HTTPStatusMaster(%v) = %d %s, want %d %s", tc.code, st, cat, tc.masterSt, tc.masterCat)
		}
	}
}
