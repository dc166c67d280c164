package plugin

import (
	"context"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// Validator calls a request-validator plugin by name; every call goes to the version current at
// that moment.
type Validator struct {
	rt   *Runtime
	name string
}

// Validator returns a client of the request-validator plugin name. The plugin need not be loaded yet.
func (r *Runtime) Validator(name string) *Validator { return &Validator{rt: r, name: name} }

// PluginName returns the catalog name the client calls.
func (v *Validator) PluginName() string { return v.name }

// Validate asks the plugin for a verdict. An error means the validator failed (the caller fails
// open or closed as its binding says); a denial is a Response with Allow false.
func (v *Validator) Validate(ctx context.Context, req *validator.Request) (validator.Response, error) {
	e := encoders.Get().(*wire.Encoder)
	e.Reset()
	validator.EncodeRequest(e, req)
	var resp validator.Response
	_, err := v.rt.call(ctx, v.name, abi.ExportValidateRequest, e.Bytes(), func(out []byte) error {
		return validator.DecodeResponse(out, &resp)
	})
	encoders.Put(e)
	if err != nil {
		return validator.Response{}, err
	}
	return resp, nil
}
