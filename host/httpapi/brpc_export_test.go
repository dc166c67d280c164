package httpapi

import "github.com/metahost/metahost/host/meta/dorispb"

// DecodeBRPC exposes the brpc body decoder to the external tests (fuzzing).
func DecodeBRPC(method string, body []byte) (dorispb.Message, *dorispb.MetaServiceResponseStatus) {
	return decodeBRPC(brpcMethods(), method, body)
}

// BRPCMethodNames lists the brpc methods.
func BRPCMethodNames() []string {
	var out []string
	for name := range brpcMethods() {
		out = append(out, name)
	}
	return out
}
