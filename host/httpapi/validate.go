package httpapi

import (
	"context"

	"github.com/metahost/metahost/sdk/validator"
)

// ValidateFunc runs the request validators bound to a mutation and returns
// their verdict. The Doris meta-service surface runs them inside
// meta.Service; the other surfaces call this before they propose.
type ValidateFunc func(ctx context.Context, req *validator.Request) validator.Response

// check runs v (nil allows everything).
func (v ValidateFunc) check(ctx context.Context, req *validator.Request) validator.Response {
	if v == nil {
		return validator.Allowed()
	}
	return v(ctx, req)
}
