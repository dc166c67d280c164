package httpapi

// The recycler admin API under /v1/recycler: its replicated progress
// (dropped instances being emptied, objects deleted, pending rowsets), a
// round on demand, and the retry of an instance the recycler refused. Every
// route needs the token.

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/recycler"
)

func mountRecycler(r chi.Router, d Deps) {
	rec := d.Recycler
	if rec == nil {
		return
	}
	r.Route("/v1/recycler", func(r chi.Router) {
		r.Use(requireToken(d.Token))
		r.Get("/", func(w http.ResponseWriter, req *http.Request) {
			st, err := rec.Status(req.Context())
			if err != nil {
				writeAdminError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
				return
			}
			writeJSON(w, http.StatusOK, st)
		})
		r.Post("/run", func(w http.ResponseWriter, req *http.Request) {
			if !d.Store.IsLeader() {
				writeAdminError(w, http.StatusConflict, "NOT_LEADER", "the recycler runs on the leader only; send this to the leader")
				return
			}
			runErr := rec.RunOnce(req.Context())
			st, err := rec.Status(req.Context())
			if err != nil {
				writeAdminError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
				return
			}
			body := struct {
				recycler.Status
				RoundError string `json:"round_error,omitempty"`
			}{Status: st}
			if runErr != nil {
				body.RoundError = runErr.Error()
			}
			writeJSON(w, http.StatusOK, body)
		})
		r.Post("/instances/{id}/retry", func(w http.ResponseWriter, req *http.Request) {
			err := rec.Retry(req.Context(), chi.URLParam(req, "id"))
			var re *raftstore.Error
			switch {
			case err == nil:
				writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
			case errors.As(err, &re) && re.Code == "NOT_FOUND":
				writeAdminError(w, http.StatusNotFound, re.Code, re.Message)
			case errors.As(err, &re) && re.Code == "INVALID_ARGUMENT":
				writeAdminError(w, http.StatusBadRequest, re.Code, re.Message)
			default:
				writeAdminError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
			}
		})
	})
}
