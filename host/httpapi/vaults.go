package httpapi

// POST /v1/vaults/{instance_id}/probe: check that every vault of an
// instance is reachable through its provider (a write probe: a small object
// is put and deleted under the vault's prefix). Token required.

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/vault"
)

// vaultProbe is one vault's result.
type vaultProbe struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Provider string `json:"provider"`
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
}

func mountVaults(r chi.Router, d Deps) {
	if d.Vaults == nil {
		return
	}
	r.With(requireToken(d.Token)).Post("/v1/vaults/{instance_id}/probe", func(w http.ResponseWriter, req *http.Request) {
		id := chi.URLParam(req, "instance_id")
		vs, err := d.Vaults.Vaults(req.Context(), id)
		switch {
		case errors.Is(err, vault.ErrNoVault):
			writeAdminError(w, http.StatusNotFound, raftstore.CodeNotFound, fmt.Sprintf("instance %q not found", id))
			return
		case err != nil:
			writeAdminError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
			return
		}
		out := make([]vaultProbe, 0, len(vs))
		for _, v := range vs {
			p := vaultProbe{ID: v.ID, Name: v.Name, Provider: v.Provider, OK: true}
			if err := d.Vaults.Bind(v).Probe(req.Context(), true); err != nil {
				p.OK, p.Error = false, vault.ProbeMessage(err)
			}
			out = append(out, p)
		}
		writeJSON(w, http.StatusOK, out)
	})
}
