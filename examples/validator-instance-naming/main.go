// Command validator-instance-naming is an example metahost request validator, built to wasm:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o instance-naming.wasm ./examples/validator-instance-naming
//
// Its configuration is a comma-separated list of team names, e.g. "analytics,payments". Every
// request that addresses an instance must name it "<team>-<anything>" for a configured team, and
// every storage-vault "prefix" in the request body must start with "<team>/" or "<team>-" of that
// same team, so that two teams' vault prefixes can never collide. Denials answer INVALID_ARGUMENT.
package main

import (
	"errors"
	"strings"

	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/validator"
)

// Version is the plugin version reported by plugin_describe.
const Version = "1.0.0"

// naming is the validator; teams is set by plugin_configure.
type naming struct {
	teams []string
}

func init() {
	n := &naming{}
	guest.RegisterValidator(guest.Info{Name: "instance-naming", Version: Version}, n)
	guest.OnConfigure(n.configure)
}

func main() {}

// configure parses "team1,team2".
func (n *naming) configure(config []byte) error {
	n.teams = n.teams[:0]
	for _, t := range strings.Split(string(config), ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if strings.ContainsAny(t, "-/ ") {
			return errors.New("team names may not contain '-', '/' or spaces: " + t)
		}
		n.teams = append(n.teams, t)
	}
	if len(n.teams) == 0 {
		return errors.New("no team configured (want e.g. \"analytics,payments\")")
	}
	return nil
}

// Validate implements validator.Validator.
func (n *naming) Validate(req *validator.Request) (validator.Response, error) {
	if req.InstanceID == "" {
		return validator.Allowed(), nil
	}
	team := n.teamOf(req.InstanceID)
	if team == "" {
		return validator.Denied("INVALID_ARGUMENT", "instance_id "+quote(req.InstanceID)+
			" must start with a team prefix ("+strings.Join(n.teams, "-, ")+"-)"), nil
	}
	for _, p := range stringFields(req.Body, "prefix") {
		if !strings.HasPrefix(p, team+"/") && !strings.HasPrefix(p, team+"-") {
			return validator.Denied("INVALID_ARGUMENT", "vault prefix "+quote(p)+" of instance "+
				quote(req.InstanceID)+" must start with \""+team+"/\" or \""+team+"-\""), nil
		}
	}
	return validator.Allowed(), nil
}

func (n *naming) teamOf(id string) string {
	for _, t := range n.teams {
		if len(id) > len(t)+1 && strings.HasPrefix(id, t) && id[len(t)] == '-' {
			return t
		}
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// stringFields returns the string values of every JSON member named key, at any depth. It is a
// small scanner, not a JSON parser: the host has already checked that the body is valid JSON.
func stringFields(body []byte, key string) []string {
	var out []string
	pat := "\"" + key + "\""
	s := string(body)
	for {
		i := strings.Index(s, pat)
		if i < 0 {
			return out
		}
		s = s[i+len(pat):]
		j := skipSpace(s, 0)
		if j >= len(s) || s[j] != ':' {
			continue
		}
		j = skipSpace(s, j+1)
		if j >= len(s) || s[j] != '"' {
			continue
		}
		var b strings.Builder
		k := j + 1
		for ; k < len(s) && s[k] != '"'; k++ {
			if s[k] == '\\' && k+1 < len(s) {
				k++
			}
			b.WriteByte(s[k])
		}
		out = append(out, b.String())
		s = s[min(k+1, len(s)):]
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
