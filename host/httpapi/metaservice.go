package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/auth"
	"github.com/metahost/metahost/host/keys"
	"github.com/metahost/metahost/host/meta"
	"github.com/metahost/metahost/host/meta/dorispb"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tablet"
)

// maxMetaServiceBody caps a Doris meta-service request body. Real requests
// are a few kilobytes; the largest (add_cluster with many nodes) stays far
// below this.
const maxMetaServiceBody = 1 << 20

// maxDecodeKeyHex caps decode_key's input: the rendering grows with the
// square of the key length.
const maxDecodeKeyHex = 4096

// msKind is how a meta-service route answers.
type msKind int

const (
	kindJ  msKind = iota // JSON envelope
	kindJR               // JSON envelope with "result"
	kindT                // plain text (errors as J)
)

// msRoute is one entry of the classic route table (spec §1.4).
type msRoute struct {
	handler func(c *msCall)
	v1      bool // also reachable as v1/<route>
}

// msCall is one meta-service request being served.
type msCall struct {
	w     http.ResponseWriter
	r     *http.Request
	route string // unresolved path, including any v1/ prefix
	op    string // route without one v1/ prefix
	query map[string]string
	body  []byte
	svc   *meta.Service
	opts  raftstore.ReadOptions
	// tablet serves the tablet, txn and job routes (brpc.go).
	tablet *tablet.Service
}

func mountMetaService(r chi.Router, d Deps) {
	routes := metaServiceRoutes()
	serve := func(prefix string) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			serveMetaService(w, req, d, routes, strings.TrimPrefix(req.URL.Path, prefix))
		}
	}
	for _, p := range []string{"/MetaService/http", "/doris.cloud.MetaService/http"} {
		r.HandleFunc(p, serve(p))
		r.HandleFunc(p+"/*", serve(p))
	}
}

// normalizePath turns the path after /MetaService/http into brpc's
// unresolved_path: no leading or trailing '/', repeated '/' collapsed.
func normalizePath(p string) string {
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// brpcQuery parses a raw query string as brpc does: split on '&' and '=',
// no percent-decoding, '+' kept, a key without '=' has value "", keys with
// an empty name skipped, the last occurrence wins.
func brpcQuery(raw string) map[string]string {
	q := map[string]string{}
	for _, part := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(part, "=")
		if k == "" {
			continue
		}
		q[k] = v
	}
	return q
}

func serveMetaService(w http.ResponseWriter, r *http.Request, d Deps, routes map[string]msRoute, rest string) {
	query := brpcQuery(r.URL.RawQuery)
	// brpc copies the request's Content-Type into the response; without
	// one the response has none (suppress Go's sniffing).
	if ct := r.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	} else {
		w.Header()["Content-Type"] = nil
	}
	token := query["token"]
	if !d.Token.Check(token) {
		shown := token
		if shown == "" {
			shown = "(not given)"
		}
		writeMS(w, http.StatusForbidden, []byte("incorrect token, token="+shown))
		return
	}
	route := normalizePath(rest)
	op := route
	if len(route) > 3 && strings.HasPrefix(route, "v1/") {
		op = route[3:]
	}
	rt, ok := routes[op]
	if !ok || (op != route && !rt.v1) {
		// Unknown routes answer OK and do nothing, for compatibility with
		// newer cloud managers (ToUnknownUrlTest).
		writeMS(w, http.StatusOK, dorispb.Envelope(dorispb.MetaServiceCode_OK, "", nil))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMetaServiceBody+1))
	if err != nil {
		writeEnvelope(w, dorispb.MetaServiceCode_INVALID_ARGUMENT, "read http request '"+route+"': "+err.Error(), nil, false)
		return
	}
	if len(body) > maxMetaServiceBody {
		writeEnvelope(w, dorispb.MetaServiceCode_INVALID_ARGUMENT, "parse http request '"+route+"': request body exceeds 1048576 bytes", nil, false)
		return
	}
	rt.handler(&msCall{w: w, r: r, route: route, op: op, query: query, body: body, svc: d.Meta, opts: readOptions(r), tablet: d.Tablet})
}

// writeMS writes a meta-service body followed by the framework's "\n".
func writeMS(w http.ResponseWriter, status int, body []byte) {
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeEnvelope answers with the JSON envelope; withResult adds "result".
func writeEnvelope(w http.ResponseWriter, code dorispb.MetaServiceCode, msg string, result dorispb.Message, withResult bool) {
	status, _ := dorispb.HTTPStatus(code)
	var res []byte
	if withResult {
		if result == nil {
			res = []byte("{}")
		} else {
			res = dorispb.MarshalJSON(result)
		}
	}
	writeMS(w, status, dorispb.Envelope(code, msg, res))
}

func (c *msCall) fail(e *meta.Error) {
	writeEnvelope(c.w, e.Code, e.Msg, nil, false)
}

// invalid answers INVALID_ARGUMENT with msg.
func (c *msCall) invalid(msg string) {
	writeEnvelope(c.w, dorispb.MetaServiceCode_INVALID_ARGUMENT, msg, nil, false)
}

func (c *msCall) ok() { writeEnvelope(c.w, dorispb.MetaServiceCode_OK, "", nil, false) }

// parse decodes the body into req; on failure it answers and returns false.
func (c *msCall) parse(req dorispb.Message) bool {
	if err := dorispb.Unmarshal(c.body, req); err != nil {
		c.invalid(dorispb.RequestParseErrorMessage(c.route, err))
		return false
	}
	return true
}

// mutate seals the request's secrets and runs the replicated operation.
func (c *msCall) mutate(op string, req dorispb.Message) {
	meta.SealRequest(c.svc.Keys(), req)
	if e := c.svc.Mutate(c.r.Context(), op, req); e != nil {
		c.fail(e)
		return
	}
	c.ok()
}

// reply answers a JR route.
func (c *msCall) reply(rep meta.Reply) {
	code, msg := dorispb.MetaServiceCode_OK, ""
	if rep.Err != nil {
		code, msg = rep.Err.Code, rep.Err.Msg
	}
	writeEnvelope(c.w, code, msg, rep.Result, rep.Result != nil)
}

func metaServiceRoutes() map[string]msRoute {
	routes := map[string]msRoute{}
	add := func(handler func(*msCall), v1 bool, names ...string) {
		for _, n := range names {
			routes[n] = msRoute{handler: handler, v1: v1}
		}
	}
	clusterOps := map[string]dorispb.AlterClusterRequest_Operation{
		"add_cluster":                    dorispb.AlterClusterRequest_ADD_CLUSTER,
		"drop_cluster":                   dorispb.AlterClusterRequest_DROP_CLUSTER,
		"rename_cluster":                 dorispb.AlterClusterRequest_RENAME_CLUSTER,
		"update_cluster_endpoint":        dorispb.AlterClusterRequest_UPDATE_CLUSTER_ENDPOINT,
		"update_cluster_mysql_user_name": dorispb.AlterClusterRequest_UPDATE_CLUSTER_MYSQL_USER_NAME,
		"add_node":                       dorispb.AlterClusterRequest_ADD_NODE,
		"drop_node":                      dorispb.AlterClusterRequest_DROP_NODE,
		"decommission_node":              dorispb.AlterClusterRequest_DECOMMISSION_NODE,
		"set_cluster_status":             dorispb.AlterClusterRequest_SET_CLUSTER_STATUS,
		"notify_decommissioned":          dorispb.AlterClusterRequest_NOTIFY_DECOMMISSIONED,
	}
	alterCluster := func(c *msCall) {
		req := &dorispb.AlterClusterRequest{}
		if !c.parse(req) {
			return
		}
		req.Op.Set(clusterOps[c.op])
		c.mutate(meta.OpAlterCluster, req)
	}
	for name := range clusterOps {
		add(alterCluster, name != "notify_decommissioned", name)
	}

	add(func(c *msCall) {
		req := &dorispb.CreateInstanceRequest{}
		if c.parse(req) {
			c.mutate(meta.OpCreateInstance, req)
		}
	}, true, "create_instance")

	instanceOps := map[string]dorispb.AlterInstanceRequest_Operation{
		"drop_instance":        dorispb.AlterInstanceRequest_DROP,
		"rename_instance":      dorispb.AlterInstanceRequest_RENAME,
		"enable_instance_sse":  dorispb.AlterInstanceRequest_ENABLE_SSE,
		"disable_instance_sse": dorispb.AlterInstanceRequest_DISABLE_SSE,
	}
	alterInstance := func(c *msCall) {
		req := &dorispb.AlterInstanceRequest{}
		if !c.parse(req) {
			return
		}
		if op, ok := instanceOps[c.op]; ok {
			req.Op.Set(op)
		} // set_instance_status: the op comes from the body.
		c.mutate(meta.OpAlterInstance, req)
	}
	add(alterInstance, true, "drop_instance", "rename_instance", "enable_instance_sse", "disable_instance_sse", "set_instance_status")

	objOps := map[string]dorispb.AlterObjStoreInfoRequest_Operation{
		"add_obj_info":        dorispb.AlterObjStoreInfoRequest_ADD_OBJ_INFO,
		"legacy_update_ak_sk": dorispb.AlterObjStoreInfoRequest_LEGACY_UPDATE_AK_SK,
	}
	add(func(c *msCall) {
		req := &dorispb.AlterObjStoreInfoRequest{}
		if !c.parse(req) {
			return
		}
		req.Op.Set(objOps[c.op])
		c.mutate(meta.OpAlterObjStoreInfo, req)
	}, true, "add_obj_info", "legacy_update_ak_sk")

	add(func(c *msCall) {
		req := &dorispb.UpdateAkSkRequest{}
		if c.parse(req) {
			c.mutate(meta.OpUpdateAkSk, req)
		}
	}, true, "update_ak_sk")
	add(func(c *msCall) {
		req := &dorispb.AlterRamUserRequest{}
		if c.parse(req) {
			c.mutate(meta.OpAlterRamUser, req)
		}
	}, true, "alter_ram_user")
	add(func(c *msCall) {
		req := &dorispb.AlterIamRequest{}
		if c.parse(req) {
			c.mutate(meta.OpAlterIam, req)
		}
	}, true, "alter_iam")

	getObjStoreInfo := func(c *msCall) {
		req := &dorispb.GetObjStoreInfoRequest{}
		if c.parse(req) {
			c.reply(c.svc.GetObjStoreInfo(c.r.Context(), c.opts, req))
		}
	}
	add(getObjStoreInfo, true, "get_obj_store_info")
	add(getObjStoreInfo, false, "show_storage_vaults")

	add(func(c *msCall) {
		// get_instance reads its query parameters; the body is ignored.
		req := &dorispb.GetInstanceRequest{}
		if v := c.query["instance_id"]; v != "" {
			req.InstanceID.Set(v)
		}
		if v := c.query["cloud_unique_id"]; v != "" {
			req.CloudUniqueID.Set(v)
		}
		c.reply(c.svc.GetInstance(c.r.Context(), c.opts, req))
	}, true, "get_instance")
	add(func(c *msCall) {
		req := &dorispb.GetClusterRequest{}
		if c.parse(req) {
			c.reply(c.svc.GetCluster(c.r.Context(), c.opts, req))
		}
	}, true, "get_cluster")
	add(func(c *msCall) {
		req := &dorispb.GetClusterStatusRequest{}
		if c.parse(req) {
			c.reply(c.svc.GetClusterStatus(c.r.Context(), c.opts, req))
		}
	}, true, "get_cluster_status")

	add(decodeKey, true, "decode_key")
	add(encodeKey, true, "encode_key")
	add(getValue, true, "get_value")
	add(func(c *msCall) {
		c.invalid("this method only support fdb txn kv")
	}, true, "show_meta_ranges")
	add(tabletStatsRoute, true, "get_tablet_stats")
	add(abortTxnRoute, true, "abort_txn")
	add(abortTabletJobRoute, true, "abort_tablet_job")

	add(func(c *msCall) {
		var hb meta.Heartbeat
		if err := decodeHeartbeat(c.body, &hb); err != nil {
			c.invalid("parse http request '" + c.route + "': INVALID_ARGUMENT:" + err.Error())
			return
		}
		if e := c.svc.ReportHeartbeat(c.r.Context(), hb); e != nil {
			c.fail(e)
			return
		}
		c.ok()
	}, true, "node_heartbeat")
	return routes
}

func decodeKey(c *msCall) {
	key := c.query["key"]
	if key == "" {
		c.invalid("no key to decode")
		return
	}
	if len(key) > maxDecodeKeyHex {
		c.invalid("key too long to decode, limit 4096 hex characters")
		return
	}
	text, err := keys.Prettify(key, c.query["unicode"] != "false")
	if err != nil {
		c.invalid(keys.DecodeKeyFailureMessage(key))
		return
	}
	writeMS(c.w, http.StatusOK, []byte(text))
}

func encodeKey(c *msCall) {
	text, err := keys.EncodeKeyTool(c.query)
	if err != nil {
		c.invalid(err.Error())
		return
	}
	writeMS(c.w, http.StatusOK, []byte(text))
}

// getValue returns the stored value of a key given as hex (`key`) or by
// `key_type` and its parameters.
func getValue(c *msCall) {
	var key []byte
	if hexKey := c.query["key"]; hexKey != "" {
		key = keys.Unhex(hexKey)
		if len(key) == 0 {
			c.invalid("invalid key, key=" + hexKey)
			return
		}
	} else {
		k, err := keys.BuildKey(c.query)
		if err != nil {
			c.invalid(err.Error())
			return
		}
		key = k
	}
	var value []byte
	e := c.svc.View(c.r.Context(), c.opts, func(t *meta.Tx) *meta.Error {
		value = append([]byte(nil), t.Raw(key)...)
		return nil
	})
	if e != nil {
		c.fail(e)
		return
	}
	if value == nil {
		c.fail(&meta.Error{Code: dorispb.MetaServiceCode_UNDEFINED_ERR, Msg: "kv not found, key=" + keys.Hex(key)})
		return
	}
	writeMS(c.w, http.StatusOK, value)
}

// cloudClusterStatus serves the FE endpoint
// /rest/v2/manager/cluster/cluster_info/cloud_cluster_status: the backends of
// every compute cluster with their last heartbeat, in the FE's format.
func cloudClusterStatus(d Deps) http.HandlerFunc {
	type feReply struct {
		Msg   string `json:"msg"`
		Code  int    `json:"code"`
		Data  any    `json:"data"`
		Count int    `json:"count"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		tok := auth.FromRequest(r)
		if _, pass, ok := r.BasicAuth(); ok && tok == "" {
			tok = pass
		}
		if !d.Token.Check(tok) {
			writeJSON(w, http.StatusUnauthorized, feReply{Msg: "Unauthorized", Code: 401})
			return
		}
		instanceID := r.URL.Query().Get("instance_id")
		data, e := d.Meta.CloudClusterStatus(r.Context(), readOptions(r), instanceID)
		if e != nil {
			writeJSON(w, http.StatusOK, feReply{Msg: e.Msg, Code: 1})
			return
		}
		writeJSON(w, http.StatusOK, feReply{Msg: "success", Code: 0, Data: data})
	}
}

// decodeHeartbeat decodes a node_heartbeat body; unknown fields are
// errors so a typo in a field name is not silently dropped.
func decodeHeartbeat(body []byte, hb *meta.Heartbeat) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(hb); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}
