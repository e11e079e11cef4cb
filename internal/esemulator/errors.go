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

package esemulator

import (
	"fmt"
	"net/http"
	"strings"
)

// esError is an Elasticsearch exception about to be rendered by
// ElasticsearchException.generateFailureXContent.
type esError struct {
	typ        string
	reason     string
	metadata   object   // "es."-prefixed metadata, rendered without the prefix
	header     []string // WWW-Authenticate values (or headerName's): in the body and as HTTP headers
	headerName string   // the header carrying header; "" means WWW-Authenticate
	cause      *esError // rendered as caused_by
	plain      bool     // not an ElasticsearchException: root-cause guessing stops here
	status     int      // HTTP status (top level only)
}

// rootCause mirrors ElasticsearchException.guessRootCauses: it unwraps causes
// while they are ElasticsearchExceptions.
func (x *esError) rootCause() *esError {
	if x.plain || x.cause == nil || x.cause.plain {
		return x
	}
	return x.cause.rootCause()
}

// inner renders type, reason, metadata, caused_by and header in Elasticsearch's order.
func (x *esError) inner(withCause bool) object {
	o := obj("type", x.typ, "reason", x.reason)
	o = append(o, x.metadata...)
	if withCause && x.cause != nil {
		o = o.with("caused_by", x.cause.inner(true))
	}
	if len(x.header) == 1 {
		o = o.with("header", obj(x.headerKey(), x.header[0]))
	} else if len(x.header) > 1 {
		o = o.with("header", obj(x.headerKey(), x.header))
	}
	return o
}

func (x *esError) headerKey() string {
	if x.headerName == "" {
		return "WWW-Authenticate"
	}
	return x.headerName
}

// response renders the full error body and its HTTP headers.
func (x *esError) response() response {
	root := x.rootCause().inner(false)
	errObj := obj("root_cause", []any{root})
	errObj = append(errObj, x.inner(true)...)
	resp := jsonResponse(x.status, obj("error", errObj, "status", x.status))
	for _, v := range x.header {
		resp.header.Add(x.headerKey(), v)
	}
	return resp
}

func newError(status int, typ, reason string) *esError {
	return &esError{status: status, typ: typ, reason: reason}
}

func securityException(status int, reason string) *esError {
	return newError(status, "security_exception", reason)
}

// Authentication challenges sent with a 401, in Elasticsearch's order.
const (
	basicChallenge  = `Basic realm="security" charset="UTF-8"`
	bearerChallenge = `Bearer realm="security"`
	apiKeyChallenge = `ApiKey`
	expiredToken    = `Bearer realm="security", error="invalid_token", error_description="The access token expired"`
	malformedToken  = `Bearer realm="security", error="invalid_token", error_description="The access token is malformed"`
)

// challenges lists Basic, Bearer while the token service is enabled, and
// ApiKey from 6.7 (esVersion.apiKeys).
func (e *Emulator) challenges() []string {
	c := []string{basicChallenge}
	if e.tokenServiceEnabled() {
		c = append(c, bearerChallenge)
	}
	if e.version.apiKeys() {
		c = append(c, apiKeyChallenge)
	}
	return c
}

// authenticationError is a 401 security_exception with the default challenges.
func (e *Emulator) authenticationError(reason string) *esError {
	x := securityException(http.StatusUnauthorized, reason)
	x.header = e.challenges()
	return x
}

// malformedTokenError is TokenService.malformedTokenException, what 6.x and
// 7.0–7.7.0 answer to an unknown access token (PR #54532).
func malformedTokenError() *esError {
	x := securityException(http.StatusUnauthorized, "token malformed")
	x.header = []string{malformedToken}
	return x
}

// unknownRefreshTokenError is TokenService.invalidGrantException for a
// refresh token no document holds: a 400 security_exception "invalid_grant"
// whose error_description header says why.
func unknownRefreshTokenError() *esError {
	x := securityException(http.StatusBadRequest, "invalid_grant")
	x.header, x.headerName = []string{"could not refresh the requested token"}, "error_description"
	return x
}

// tokensDisabledError is what the token APIs answer while the token service
// is disabled (esVersion.tokensDisabledIsFeatureError).
func (e *Emulator) tokensDisabledError() *esError {
	if e.version.tokensDisabledIsFeatureError() {
		return featureNotEnabledError()
	}
	x := newError(http.StatusInternalServerError, "illegal_state_exception", "tokens are not enabled")
	x.plain = true
	return x
}

func tokenExpiredError() *esError {
	x := securityException(http.StatusUnauthorized, "token expired")
	x.header = []string{expiredToken}
	return x
}

// Transport action names of the token APIs, as 403 messages name them.
const (
	actionCreateToken     = "cluster:admin/xpack/security/token/create"
	actionRefreshToken    = "cluster:admin/xpack/security/token/refresh"
	actionInvalidateToken = "cluster:admin/xpack/security/token/invalidate"
)

// grantingPrivileges lists the cluster privileges that grant action, as
// AuthorizationDenialMessages does: manage_saml also grants refresh and invalidate.
// The API key and user/role actions are granted by manage_api_key (or manage_security) and all;
// manage_own_api_key, a conditional privilege, is not named (u: the exact list and its order).
func grantingPrivileges(action string) string {
	switch {
	case action == actionCreateToken:
		return "manage_token,manage_security,all"
	case strings.HasPrefix(action, "cluster:admin/xpack/security/api_key/"):
		return "manage_api_key,manage_security,all"
	case !strings.HasPrefix(action, "cluster:admin/xpack/security/token/"):
		return "manage_security,all"
	}
	return "manage_saml,manage_token,manage_security,all"
}

// unauthorizedError is a 403 in the wording of the emulated version
// (esVersion.unauthorizedStyle). A caller authenticated by an API key is described as "API key id
// [id] of user [u]", never with roles, which an API key does not have: AuthorizationService's
// denialException in the 7.x AuthorizationEngine era before PR #66900 (the API key realm type
// checked), with PR #69318's roles (7.13), and AuthorizationDenialMessages in 8.x. Unverified: 6.7–6.8,
// chosen alike.
func (e *Emulator) unauthorizedError(action string, p *principal) *esError {
	reason := fmt.Sprintf("action [%s] is unauthorized for user [%s]", action, p.username)
	byAPIKey := p.authType == authTypeAPIKey
	if byAPIKey {
		reason = fmt.Sprintf("action [%s] is unauthorized for API key id [%s] of user [%s]", action, p.apiKeyID, p.username)
	}
	switch style := e.version.unauthorizedStyle(); {
	case byAPIKey:
	case style == unauthorizedRoles:
		reason += fmt.Sprintf(" with roles [%s]", strings.Join(p.roles, ","))
	case style == unauthorizedEffectiveRoles:
		found, missing := e.resolveRoles(p.roles)
		reason += fmt.Sprintf(" with effective roles [%s]", strings.Join(found, ","))
		if len(missing) > 0 {
			reason += fmt.Sprintf(" (assigned roles [%s] were not found)", strings.Join(missing, ","))
		}
	}
	if e.version.unauthorizedStyle() != unauthorizedPlain {
		reason += fmt.Sprintf(", this action is granted by the cluster privileges [%s]", grantingPrivileges(action))
	}
	return securityException(http.StatusForbidden, reason)
}

func validationError(errs []string) *esError {
	var b strings.Builder
	b.WriteString("Validation Failed: ")
	for i, msg := range errs {
		fmt.Fprintf(&b, "%d: %s;", i+1, msg)
	}
	x := newError(http.StatusBadRequest, "action_request_validation_exception", b.String())
	x.plain = true
	return x
}

func featureNotEnabledError() *esError {
	x := newError(http.StatusBadRequest, "feature_not_enabled_exception", "security tokens are not enabled")
	x.metadata = obj("disabled.feature", "security_tokens")
	return x
}

func bodyRequiredError() *esError {
	return newError(http.StatusBadRequest, "parse_exception", "request body is required")
}

func unrecognizedParamsError(path string, params []string) *esError {
	noun := "parameter"
	if len(params) > 1 {
		noun = "parameters"
	}
	reason := fmt.Sprintf("request [%s] contains unrecognized %s: [%s]", path, noun, strings.Join(params, "], ["))
	x := newError(http.StatusBadRequest, "illegal_argument_exception", reason)
	x.plain = true
	return x
}

// simpleError is RestController's string-valued error body, used for routing
// and content-type failures; handleBadRequest's has no status field.
func simpleError(status int, msg string, withStatus bool) response {
	body := obj("error", msg)
	if withStatus {
		body = body.with("status", status)
	}
	return jsonResponse(status, body)
}

// oauthError is RestGetTokenAction's RFC 6749 section 5.2 error body.
func oauthError(code, description string) response {
	return jsonResponse(http.StatusBadRequest, obj("error", code, "error_description", description))
}
