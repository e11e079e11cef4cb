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

package elasticsearch

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// legacyFacts are the parts of an answer that tell Elasticsearch generations apart.
type legacyFacts struct {
	// created is the {"created": bool} of 6.0–6.8 (alone before 6.7, beside the counters in 6.7–6.8).
	created *bool
	// statusField is the "status" of an Elasticsearch error body, 0 when absent. Every generation's
	// generic error body carries the HTTP status there (ElasticsearchException.generateFailureXContent via
	// BytesRestResponse/RestResponse), which a proxy's JSON seldom does.
	statusField int
	// noHandler is Elasticsearch's routing error, "no handler found for uri [...] and method [...]":
	// a JSON {"error": "..."} since elastic/elasticsearch#30383 (2018, 6.4), plain text "No handler found
	// ..." before it (elastic/elasticsearch#30329 shows 6.2.4's text/plain answer). RestController sends
	// it when no handler is registered for the path, before any handler runs, so nothing was done.
	noHandler bool
}

func parseLegacyFacts(status int, body []byte) legacyFacts {
	var f legacyFacts
	var top struct {
		Created *bool           `json:"created"`
		Status  *int            `json:"status"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) == nil {
		f.created = top.Created
		if top.Status != nil {
			f.statusField = *top.Status
		}
		var msg string
		if json.Unmarshal(top.Error, &msg) == nil && strings.HasPrefix(msg, "no handler found for uri [") {
			f.noHandler = status == http.StatusBadRequest
		}
		return f
	}
	if status == http.StatusBadRequest && bytes.HasPrefix(body, []byte("No handler found for uri [")) {
		f.noHandler = true
	}
	return f
}

// requestMode is which of the invalidate token API's modes a request uses.
type requestMode int

const (
	accessTokenMode requestMode = iota
	refreshTokenMode
	realmOrUserMode
	// apiKeyMode is a call to the invalidate API key API, whatever its body.
	apiKeyMode
)

func (r InvalidateRequest) mode() requestMode {
	switch {
	case r.Token != "":
		return accessTokenMode
	case r.RefreshToken != "":
		return refreshTokenMode
	default:
		return realmOrUserMode
	}
}

// trusted says the answer is Elasticsearch's: it carries the product header, or the target may be
// older than 7.14 (which sends none) and the body has one of Elasticsearch's shapes.
func (a *answer) trusted() bool {
	if a.fromES {
		return true
	}
	if a.version.atLeast(v7_14) {
		return false
	}
	return a.hasCounters() || a.legacy.created != nil || a.legacy.noHandler ||
		(a.esErr != nil && a.legacy.statusField == a.status)
}

// hasCounters says the body is the success answer of the API called: the token counters, or the API
// key lists.
func (a *answer) hasCounters() bool {
	if a.sent == apiKeyMode {
		return a.keys != nil
	}
	return a.counters != nil
}

// createdResult counts a 6.x {"created": bool}: true is one token invalidated now, false one that was
// already invalid (6.0 TokenService.invalidateToken: false on a version conflict or an expired token).
func (a *answer) createdResult() Result {
	if !*a.legacy.created {
		return Result{PreviouslyInvalidatedTokens: 1}
	}
	r := Result{InvalidatedTokens: 1}
	if !a.version.below(v6_2) {
		r.Caveat = "Elasticsearch 6.2–6.6 answers created: true even for a token that was already invalid " +
			"(elastic/elasticsearch#35115), so this count cannot tell whether the token was still valid"
	}
	return r
}

// tokenMalformed is how Elasticsearch before 7.8 answered an access token it does not know: 401
// security_exception "token malformed" with WWW-Authenticate: Bearer realm="security",
// error="invalid_token", error_description="The access token is malformed" (TokenService
// malformedTokenException; elastic/elasticsearch#53323, fixed by #54532). The operator authenticates
// with Basic or ApiKey credentials, never a bearer token, so a 401 naming an invalid bearer token is
// about the token in the body; a 401 for the operator's credentials has no error="invalid_token".
func (a *answer) tokenMalformed() bool {
	if a.status != http.StatusUnauthorized || a.sent != accessTokenMode || a.version.atLeast(v7_8) ||
		a.esErr == nil || a.esErr.Reason != "token malformed" {
		return false
	}
	for _, v := range a.header.Values("WWW-Authenticate") {
		if strings.HasPrefix(v, "Bearer ") && strings.Contains(v, `error="invalid_token"`) {
			return true
		}
	}
	return false
}

// invalidGrant is how Elasticsearch 6.2–7.7 answered a refresh token it does not know: 400
// security_exception "invalid_grant" with an error_description header "could not refresh the
// requested token" (TokenService.invalidGrantException; elastic/elasticsearch#54532 made it a 404).
func (a *answer) invalidGrant() bool {
	return a.status == http.StatusBadRequest && a.sent == refreshTokenMode && !a.version.atLeast(v7_8) &&
		a.esErr != nil && a.esErr.Type == "security_exception" && a.esErr.Reason == "invalid_grant"
}

// unknownFieldOf says a 400 is a parser's refusal of a field the request sent: what 6.0–6.1 answer to
// refresh_token, and 6.0–6.6 to realm_name or username, because their parsers do not declare those
// fields (6.0 and 6.2 RestInvalidateTokenAction.PARSER; the exact wording, "[invalidate_token] unknown
// field [x], parser not found" or "Required [token]", is inferred from ObjectParser, not seen).
func (a *answer) unknownFieldOf() bool {
	if a.status != http.StatusBadRequest || a.esErr == nil {
		return false
	}
	text := a.esErr.Reason
	for c := a.esErr.CausedBy; c != nil; c = c.CausedBy {
		text += " " + c.Reason
	}
	fields := map[requestMode][]string{refreshTokenMode: {"refresh_token"}, realmOrUserMode: {"realm_name", "username"}}
	for _, f := range fields[a.sent] {
		if strings.Contains(text, "unknown field ["+f+"]") {
			return true
		}
	}
	return a.sent != accessTokenMode && strings.Contains(text, "Required [token]")
}

// serviceDisabledBefore77 is how 6.x–7.6 answer when the token (or API key) service is off:
// ensureEnabled threw IllegalStateException("tokens are not enabled" / "api keys are not enabled"), a
// 500 (6.0 TokenService; 7.7 made it 400 feature_not_enabled_exception, see v7_7). Retrying cannot
// change it.
func (a *answer) serviceDisabledBefore77() bool {
	reason := "tokens are not enabled"
	if a.sent == apiKeyMode {
		reason = "api keys are not enabled"
	}
	return a.status == http.StatusInternalServerError && !a.version.atLeast(v7_7) && a.trusted() &&
		a.esErr != nil && a.esErr.Type == "illegal_state_exception" && a.esErr.Reason == reason
}
