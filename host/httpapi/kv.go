package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/kv"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/sdk/validator"
)

// readOptions reads the consistency choice of a request: linearizable unless
// `stale` or `consistency=stale` is given.
func readOptions(r *http.Request) raftstore.ReadOptions {
	q := r.URL.Query()
	return raftstore.ReadOptions{Stale: q.Get("consistency") == "stale" || q.Has("stale") && q.Get("stale") != "false"}
}

func mountKV(r chi.Router, d Deps) {
	r.Route("/v1/kv", func(r chi.Router) {
		r.Use(requireToken(d.Token))
		r.Get("/", func(w http.ResponseWriter, r *http.Request) {
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			entries, err := d.KV.List(r.Context(), readOptions(r), r.URL.Query().Get("prefix"), limit)
			if err != nil {
				writeStoreError(w, err)
				return
			}
			if entries == nil {
				entries = []kv.Entry{}
			}
			writeJSON(w, http.StatusOK, entries)
		})
		r.Get("/*", func(w http.ResponseWriter, r *http.Request) {
			e, err := d.KV.Get(r.Context(), readOptions(r), chi.URLParam(r, "*"))
			if errors.Is(err, kv.ErrNotFound) {
				writeAdminError(w, http.StatusNotFound, raftstore.CodeNotFound, "key not found")
				return
			}
			if err != nil {
				writeStoreError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, e)
		})
		r.Put("/*", func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, kv.MaxValueLen))
			if err != nil {
				writeAdminError(w, http.StatusRequestEntityTooLarge, raftstore.CodeInvalid, "value too large")
				return
			}
			if v := d.Validate.check(r.Context(), &validator.Request{Surface: "kv", Operation: "kv_put", Body: body}); !v.Allow {
				writeAdminError(w, http.StatusForbidden, v.Code, v.Message)
				return
			}
			res, err := d.KV.Put(r.Context(), chi.URLParam(r, "*"), body)
			if err != nil {
				writeStoreError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, res)
		})
		r.Delete("/*", func(w http.ResponseWriter, r *http.Request) {
			if v := d.Validate.check(r.Context(), &validator.Request{Surface: "kv", Operation: "kv_delete", Body: []byte(chi.URLParam(r, "*"))}); !v.Allow {
				writeAdminError(w, http.StatusForbidden, v.Code, v.Message)
				return
			}
			if err := d.KV.Delete(r.Context(), chi.URLParam(r, "*")); err != nil {
				writeStoreError(w, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	})
}
