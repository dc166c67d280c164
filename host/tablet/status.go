package tablet

import "github.com/metahost/metahost/host/meta/dorispb"

// statusField returns the address of a response message's status field, or
// nil for a message without one.
func statusField(m dorispb.Message) **dorispb.MetaServiceResponseStatus {
	switch r := m.(type) {
	case *dorispb.CreateTabletsResponse:
		return &r.Status
	case *dorispb.GetTabletResponse:
		return &r.Status
	case *dorispb.BeginTxnResponse:
		return &r.Status
	case *dorispb.CommitTxnResponse:
		return &r.Status
	case *dorispb.AbortTxnResponse:
		return &r.Status
	case *dorispb.GetTxnResponse:
		return &r.Status
	case *dorispb.CreateRowsetResponse:
		return &r.Status
	case *dorispb.GetRowsetResponse:
		return &r.Status
	case *dorispb.GetTabletStatsResponse:
		return &r.Status
	case *dorispb.StartTabletJobResponse:
		return &r.Status
	case *dorispb.FinishTabletJobResponse:
		return &r.Status
	case *dorispb.MetaServiceResponseStatus:
		// record_compaction answers with a bare status.
		return nil
	}
	return nil
}

// setStatus sets a response's status (code and message are always both
// set, as Doris's RPC_PREPROCESS does).
func setStatus(m dorispb.Message, code dorispb.MetaServiceCode, msg string) {
	if st, ok := m.(*dorispb.MetaServiceResponseStatus); ok {
		st.Code.Set(code)
		st.Msg.Set(msg)
		return
	}
	if p := statusField(m); p != nil {
		*p = &dorispb.MetaServiceResponseStatus{Code: dorispb.Some(code), Msg: dorispb.Some(msg)}
	}
}

// Status returns a response's status code and message (OK and "" when the
// message has no status).
func Status(m dorispb.Message) (dorispb.MetaServiceCode, string) {
	if st, ok := m.(*dorispb.MetaServiceResponseStatus); ok {
		return st.Code.Get(), st.Msg.Get()
	}
	st := statusField(m)
	if st == nil || *st == nil {
		return dorispb.MetaServiceCode_OK, ""
	}
	return (*st).Code.Get(), (*st).Msg.Get()
}
