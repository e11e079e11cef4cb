/*
Copyright 2026 The Token Revocation Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package elasticsearch_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// generation is a small stand-in for one Elasticsearch release's invalidate token API, answering as
// elasticsearch-token-api.md (§1, §4.4, §7) and the sources cited in version.go say that release does.
// It serves only what the client tests need; internal/esemulator is the full emulator.
type generation struct {
	version      string
	major, minor int
	// routesSecurity overrides whether /_security/oauth2/token is routed (nil: from 7.0). Whether late
	// 6.x releases route it is unverified, so tests try both.
	routesSecurity *bool
	// securityDisabled removes the token API's routes, as xpack.security.enabled: false does.
	securityDisabled bool

	mu    sync.Mutex
	calls map[string]int
	state map[string]string // access and refresh token → "valid" or "invalid"
}

const (
	genUser     = "revoker"
	genPassword = "pw-Gen-5e1b9a"
	hashOfBuild = "747e1cc71def077253878a59143c1f785afa92b9"
)

func newGeneration(version string) *generation {
	parts := strings.Split(version, ".")
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	return &generation{version: version, major: major, minor: minor, calls: map[string]int{}, state: map[string]string{}}
}

func (g *generation) atLeast(major, minor int) bool {
	return g.major > major || (g.major == major && g.minor >= minor)
}

// add makes tokens known to the cluster, valid.
func (g *generation) add(tokens ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, t := range tokens {
		g.state[t] = "valid"
	}
}

// callsTo is how many requests reached path.
func (g *generation) callsTo(path string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[path]
}

func (g *generation) totalCalls() int {
	return g.callsTo("/_security/oauth2/token") + g.callsTo("/_xpack/security/oauth2/token")
}

func (g *generation) routes(path string) bool {
	switch {
	case g.securityDisabled:
		return false
	case path == "/_security/oauth2/token" && g.routesSecurity != nil:
		return *g.routesSecurity
	case path == "/_security/oauth2/token":
		return g.atLeast(7, 0)
	case path == "/_xpack/security/oauth2/token":
		return !g.atLeast(8, 0)
	default:
		return false
	}
}

func (g *generation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls[r.URL.Path]++
	g.mu.Unlock()
	if g.atLeast(7, 14) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
	}
	if r.Method != http.MethodDelete || !g.routes(r.URL.Path) {
		g.noHandler(w, r)
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != genUser || pass != genPassword {
		// Unauthenticated answers carry no product header (elastic/elasticsearch#73434).
		w.Header().Del("X-Elastic-Product")
		w.Header().Add("WWW-Authenticate", `Basic realm="security" charset="UTF-8"`)
		g.esError(w, http.StatusUnauthorized, "security_exception", "unable to authenticate user ["+user+"] for REST request ["+r.URL.Path+"]")
		return
	}
	if r.URL.Path == "/_xpack/security/oauth2/token" && g.atLeast(7, 0) {
		w.Header().Add("Warning", fmt.Sprintf(`299 Elasticsearch-%s-%s "[DELETE /_xpack/security/oauth2/token] is deprecated! Use [DELETE /_security/oauth2/token] instead."`,
			g.version, hashOfBuild))
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]string
	if err := json.Unmarshal(raw, &body); err != nil {
		g.esError(w, http.StatusBadRequest, "parse_exception", "request body is required")
		return
	}
	for field := range body {
		if !g.accepts(field) {
			g.esError(w, http.StatusBadRequest, "parsing_exception", "[invalidate_token] unknown field ["+field+"], parser not found")
			return
		}
	}
	g.invalidate(w, body)
}

// accepts says whether this release's parser declares a body field.
func (g *generation) accepts(field string) bool {
	switch field {
	case "token":
		return true
	case "refresh_token":
		return g.atLeast(6, 2)
	case "realm_name", "username":
		return g.atLeast(6, 7)
	default:
		return false
	}
}

func (g *generation) invalidate(w http.ResponseWriter, body map[string]string) {
	if body["token"] == "" && body["refresh_token"] == "" {
		g.invalidateUser(w)
		return
	}
	g.mu.Lock()
	key := body["token"] + body["refresh_token"]
	was, known := g.state[key]
	if known {
		g.state[key] = "invalid"
	}
	g.mu.Unlock()
	switch {
	case !known && g.atLeast(7, 8):
		g.counters(w, http.StatusNotFound, 0, 0)
	case !known && body["token"] != "":
		w.Header().Add("WWW-Authenticate", `Bearer realm="security", error="invalid_token", error_description="The access token is malformed"`)
		g.esError(w, http.StatusUnauthorized, "security_exception", "token malformed")
	case !known:
		w.Header().Set("error_description", "could not refresh the requested token")
		g.esError(w, http.StatusBadRequest, "security_exception", "invalid_grant")
	case !g.atLeast(6, 7):
		// 6.2–6.6 answer created: true even for an invalid token (elastic/elasticsearch#35115).
		g.json(w, http.StatusOK, map[string]any{"created": was == "valid" || g.atLeast(6, 2)})
	case was == "valid":
		g.counters(w, http.StatusOK, 1, 0)
	default:
		g.counters(w, http.StatusOK, 0, 1)
	}
}

func (g *generation) invalidateUser(w http.ResponseWriter) {
	g.mu.Lock()
	n := 0
	for t, s := range g.state {
		if s == "valid" {
			g.state[t] = "invalid"
			n++
		}
	}
	g.mu.Unlock()
	g.counters(w, http.StatusOK, n, 0)
}

func (g *generation) counters(w http.ResponseWriter, status, invalidated, previously int) {
	body := map[string]any{"invalidated_tokens": invalidated, "previously_invalidated_tokens": previously, "error_count": 0}
	if !g.atLeast(7, 0) {
		body["created"] = invalidated > 0
	}
	g.json(w, status, body)
}

func (g *generation) noHandler(w http.ResponseWriter, r *http.Request) {
	msg := "no handler found for uri [" + r.URL.Path + "] and method [" + r.Method + "]"
	if !g.atLeast(6, 4) {
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "N"+msg[1:])
		return
	}
	g.json(w, http.StatusBadRequest, map[string]any{"error": msg})
}

func (g *generation) esError(w http.ResponseWriter, status int, typ, reason string) {
	cause := map[string]any{"type": typ, "reason": reason}
	g.json(w, status, map[string]any{"error": map[string]any{"root_cause": []any{cause}, "type": typ, "reason": reason}, "status": status})
}

func (g *generation) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
