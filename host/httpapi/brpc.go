package httpapi

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/tablet"
	"github.com/metahost/metahost/sdk/validator"
)

// The brpc-style JSON surface of the compute-node write path: POST
// /MetaService/<method>?token= with a JSON body using Doris's proto field
// names; the answer is the method's *Response message as compact proto JSON
// with its status {code, msg}. A request that parses gets HTTP 200 whatever
// its status (as a brpc call that returned); an unparsable body gets 400, an
// unknown method 404, and a store failure (no leader, timeout) 503, each
// with the status filled in.

// brpcMethod is one brpc method: its request type and how to run it.
type brpcMethod struct {
	// mutates marks the methods that change state (validators run on them).
	mutates bool
	newReq  func() dorispb.Message
	run     func(c *brpcCall, req dorispb.Message) dorispb.Message
}

// brpcCall is one brpc request being served.
type brpcCall struct {
	r   *http.Request
	svc *tablet.Service
	// storeErr is set when the replicated store failed (no leader, timeout,
	// shutdown): the answer is then 503 with the status filled in.
	storeErr error
}

func (c *brpcCall) mutate(op string, req, resp dorispb.Message) dorispb.Message {
	c.storeErr = c.svc.Mutate(c.r.Context(), op, "", req, resp)
	return resp
}

// brpcMethods is the method table.
func brpcMethods() map[string]brpcMethod {
	mut := func(op string, newReq, newResp func() dorispb.Message) brpcMethod {
		return brpcMethod{mutates: true, newReq: newReq, run: func(c *brpcCall, req dorispb.Message) dorispb.Message {
			return c.mutate(op, req, newResp())
		}}
	}
	return map[string]brpcMethod{
		"create_tablets": mut(tablet.OpCreateTablets,
			func() dorispb.Message { return &dorispb.CreateTabletsRequest{} },
			func() dorispb.Message { return &dorispb.CreateTabletsResponse{} }),
		"begin_txn": mut(tablet.OpBeginTxn,
			func() dorispb.Message { return &dorispb.BeginTxnRequest{} },
			func() dorispb.Message { return &dorispb.BeginTxnResponse{} }),
		"commit_txn": mut(tablet.OpCommitTxn,
			func() dorispb.Message { return &dorispb.CommitTxnRequest{} },
			func() dorispb.Message { return &dorispb.CommitTxnResponse{} }),
		"abort_txn": mut(tablet.OpAbortTxn,
			func() dorispb.Message { return &dorispb.AbortTxnRequest{} },
			func() dorispb.Message { return &dorispb.AbortTxnResponse{} }),
		"prepare_rowset": mut(tablet.OpPrepareRowset,
			func() dorispb.Message { return &dorispb.CreateRowsetRequest{} },
			func() dorispb.Message { return &dorispb.CreateRowsetResponse{} }),
		"commit_rowset": mut(tablet.OpCommitRowset,
			func() dorispb.Message { return &dorispb.CreateRowsetRequest{} },
			func() dorispb.Message { return &dorispb.CreateRowsetResponse{} }),
		"start_tablet_job": mut(tablet.OpStartTabletJob,
			func() dorispb.Message { return &dorispb.StartTabletJobRequest{} },
			func() dorispb.Message { return &dorispb.StartTabletJobResponse{} }),
		"finish_tablet_job": mut(tablet.OpFinishTabletJob,
			func() dorispb.Message { return &dorispb.FinishTabletJobRequest{} },
			func() dorispb.Message { return &dorispb.FinishTabletJobResponse{} }),
		"get_tablet": {
			newReq: func() dorispb.Message { return &dorispb.GetTabletRequest{} },
			run: func(c *brpcCall, req dorispb.Message) dorispb.Message {
				return c.svc.GetTablet(c.r.Context(), readOptions(c.r), req.(*dorispb.GetTabletRequest))
			},
		},
		"get_txn": {
			newReq: func() dorispb.Message { return &dorispb.GetTxnRequest{} },
			run: func(c *brpcCall, req dorispb.Message) dorispb.Message {
				return c.svc.GetTxn(c.r.Context(), readOptions(c.r), req.(*dorispb.GetTxnRequest))
			},
		},
		"get_rowset": {
			newReq: func() dorispb.Message { return &dorispb.GetRowsetRequest{} },
			run: func(c *brpcCall, req dorispb.Message) dorispb.Message {
				return c.svc.GetRowset(c.r.Context(), readOptions(c.r), req.(*dorispb.GetRowsetRequest))
			},
		},
		"get_tablet_stats": {
			newReq: func() dorispb.Message { return &dorispb.GetTabletStatsRequest{} },
			run: func(c *brpcCall, req dorispb.Message) dorispb.Message {
				return c.svc.GetTabletStats(c.r.Context(), readOptions(c.r), req.(*dorispb.GetTabletStatsRequest))
			},
		},
	}
}

// decodeBRPC decodes the body of a brpc method call. It returns the
// request, or the response to send (status INVALID_ARGUMENT) when the method
// is unknown or the body does not parse.
func decodeBRPC(methods map[string]brpcMethod, method string, body []byte) (dorispb.Message, *dorispb.MetaServiceResponseStatus) {
	m, ok := methods[method]
	if !ok {
		return nil, &dorispb.MetaServiceResponseStatus{
			Code: dorispb.Some(dorispb.MetaServiceCode_INVALID_ARGUMENT),
			Msg:  dorispb.Some("unknown method " + method),
		}
	}
	req := m.newReq()
	if err := dorispb.Unmarshal(body, req); err != nil {
		return nil, &dorispb.MetaServiceResponseStatus{
			Code: dorispb.Some(dorispb.MetaServiceCode_INVALID_ARGUMENT),
			Msg:  dorispb.Some(dorispb.RequestParseErrorMessage(method, err)),
		}
	}
	return req, nil
}

// mountBRPC serves /MetaService/<method> and /doris.cloud.MetaService/<method>.
func mountBRPC(r chi.Router, d Deps) {
	methods := brpcMethods()
	h := func(w http.ResponseWriter, req *http.Request) {
		serveBRPC(w, req, d, methods, chi.URLParam(req, "method"))
	}
	r.Post("/MetaService/{method}", h)
	r.Post("/doris.cloud.MetaService/{method}", h)
}

func serveBRPC(w http.ResponseWriter, r *http.Request, d Deps, methods map[string]brpcMethod, method string) {
	token := brpcQuery(r.URL.RawQuery)["token"]
	if !d.Token.Check(token) {
		shown := token
		if shown == "" {
			shown = "(not given)"
		}
		writeMS(w, http.StatusForbidden, []byte("incorrect token, token="+shown))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMetaServiceBody+1))
	if err == nil && len(body) > maxMetaServiceBody {
		err = errBodyTooLarge
	}
	if err != nil {
		writeBRPC(w, http.StatusBadRequest, &dorispb.MetaServiceResponseStatus{
			Code: dorispb.Some(dorispb.MetaServiceCode_INVALID_ARGUMENT),
			Msg:  dorispb.Some("read request of " + method + ": " + err.Error()),
		})
		return
	}
	req, bad := decodeBRPC(methods, method, body)
	if bad != nil {
		status := http.StatusBadRequest
		if _, known := methods[method]; !known {
			status = http.StatusNotFound
		}
		writeBRPC(w, status, bad)
		return
	}
	if d.Tablet == nil {
		writeBRPC(w, http.StatusServiceUnavailable, &dorispb.MetaServiceResponseStatus{
			Code: dorispb.Some(dorispb.MetaServiceCode_UNDEFINED_ERR),
			Msg:  dorispb.Some("the tablet service is not available"),
		})
		return
	}
	if methods[method].mutates {
		var head struct {
			CloudUniqueID string `json:"cloud_unique_id"`
		}
		_ = json.Unmarshal(body, &head)
		instanceID, _ := meta.ParseDegradedCUID(head.CloudUniqueID)
		v := d.Validate.check(r.Context(), &validator.Request{Surface: "brpc", Operation: method, InstanceID: instanceID, CloudUniqueID: head.CloudUniqueID, Body: body})
		if !v.Allow {
			code, ok := dorispb.MetaServiceCodeByName(v.Code)
			if !ok {
				code = dorispb.MetaServiceCode_INVALID_ARGUMENT
			}
			writeBRPC(w, http.StatusOK, &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(code), Msg: dorispb.Some(v.Message)})
			return
		}
	}
	call := &brpcCall{r: r, svc: d.Tablet}
	resp := methods[method].run(call, req)
	status := http.StatusOK
	if call.storeErr != nil {
		status = http.StatusServiceUnavailable
	}
	writeBRPC(w, status, resp)
}

// writeBRPC answers with a response message, or with {"status": st} when
// given a bare status.
func writeBRPC(w http.ResponseWriter, code int, m dorispb.Message) {
	var out []byte
	if st, ok := m.(*dorispb.MetaServiceResponseStatus); ok {
		out = append([]byte(`{"status":`), dorispb.MarshalJSON(st)...)
		out = append(out, '}')
	} else {
		out = dorispb.MarshalJSON(m)
	}
	w.WriteHeader(code)
	w.Write(append(out, '\n'))
}

// brpcError is a body-read failure.
type brpcError string

func (e brpcError) Error() string { return string(e) }

const errBodyTooLarge = brpcError("request body exceeds 1048576 bytes")

// ---- /MetaService/http/ debug routes backed by the tablet service ----

// tabletStatsRoute is get_tablet_stats (meta-service spec §7.5): protobuf
// text of the response on success, an empty body on error.
func tabletStatsRoute(c *msCall) {
	req := &dorispb.GetTabletStatsRequest{}
	if !c.parse(req) {
		return
	}
	if c.tablet == nil {
		c.fail(&meta.Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR, Msg: "the tablet service is not available"})
		return
	}
	resp := c.tablet.GetTabletStats(c.r.Context(), c.opts, req)
	code, _ := tablet.Status(resp)
	if code != dorispb.MetaServiceCode_OK {
		status, _ := dorispb.HTTPStatus(code)
		writeMS(c.w, status, nil)
		return
	}
	writeMS(c.w, http.StatusOK, []byte(dorispb.DebugString(resp)))
}

// abortTxnRoute is abort_txn (meta-service spec §7.6), a JSON envelope.
func abortTxnRoute(c *msCall) {
	req := &dorispb.AbortTxnRequest{}
	if !c.parse(req) {
		return
	}
	c.tabletMutate(tablet.OpAbortTxn, req, &dorispb.AbortTxnResponse{})
}

// abortTabletJobRoute is abort_tablet_job (meta-service spec §7.7):
// finish_tablet_job with the action forced to ABORT.
func abortTabletJobRoute(c *msCall) {
	req := &dorispb.FinishTabletJobRequest{}
	if !c.parse(req) {
		return
	}
	req.Action.Set(dorispb.FinishTabletJobRequest_ABORT)
	c.tabletMutate(tablet.OpFinishTabletJob, req, &dorispb.FinishTabletJobResponse{})
}

func (c *msCall) tabletMutate(op string, req, resp dorispb.Message) {
	if c.tablet == nil {
		c.fail(&meta.Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR, Msg: "the tablet service is not available"})
		return
	}
	_ = c.tablet.Mutate(c.r.Context(), op, "", req, resp)
	code, msg := tablet.Status(resp)
	writeEnvelope(c.w, code, msg, nil, false)
}
