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
	"slices"
	"strings"
	"time"
)

// tokenRequestParser is RestGetTokenAction's PARSER in the emulated version.
func (v esVersion) tokenRequestParser() objectParser {
	return objectParser{name: "token_request", fields: v.tokenRequestFields(), dialect: v.parseDialect()}
}

// The values of a get-token request's grant_type.
const (
	grantPassword          = "password"
	grantKerberos          = "_kerberos"
	grantRefreshToken      = "refresh_token"
	grantClientCredentials = "client_credentials"
)

// supportedGrants is CreateTokenRequest's message for a grant type the
// version does not know (wording before 7.0 unverified).
func (v esVersion) supportedGrants() string {
	return "grant_type only supports the values: [" + strings.Join(v.grantTypes(), ", ") + "]"
}

// validateTokenRequest is CreateTokenRequest.validate(). A field counts as
// sent when present, even empty; a required field must be non-empty.
func (v esVersion) validateTokenRequest(values map[string]string) []string {
	var errs []string
	grant := values[fieldGrantType]
	if !slices.Contains(v.grantTypes(), grant) {
		return []string{v.supportedGrants()}
	}
	unsupported := func(fields ...string) {
		for _, f := range fields {
			if _, sent := values[f]; sent {
				errs = append(errs, fmt.Sprintf("%s is not supported with the %s grant_type", f, grant))
			}
		}
	}
	required := func(f string) {
		if values[f] == "" {
			errs = append(errs, f+" is missing")
		}
	}
	switch grant {
	case grantPassword:
		unsupported(fieldKerberosTicket, fieldRefreshToken)
		required(fieldUsername)
		required(fieldPassword)
	case grantKerberos:
		unsupported(fieldUsername, fieldPassword, fieldRefreshToken)
		required(fieldKerberosTicket)
	case grantRefreshToken:
		unsupported(fieldUsername, fieldPassword, fieldKerberosTicket)
		required(fieldRefreshToken)
	case grantClientCredentials:
		unsupported(fieldUsername, fieldPassword, fieldKerberosTicket, fieldRefreshToken)
	}
	return errs
}

// getToken serves POST /_security/oauth2/token.
func (e *Emulator) getToken(req *request) response {
	values, fail := jsonBody(req, e.version.tokenRequestParser())
	if fail != nil {
		return *fail
	}
	if x := unrecognizedParams(req); x != nil {
		return x.response()
	}
	if errs := e.version.validateTokenRequest(values); len(errs) > 0 {
		code := "invalid_request"
		for _, msg := range errs {
			if strings.Contains(msg, "grant_type") {
				code = "unsupported_grant_type"
			}
		}
		return oauthError(code, validationError(errs).reason)
	}
	grant := values[fieldGrantType]
	action := actionCreateToken
	if grant == grantRefreshToken {
		action = actionRefreshToken
	}
	if x := e.authorize(action, req.who); x != nil {
		return x.response()
	}
	switch grant {
	case grantPassword:
		return e.passwordGrant(req, values)
	case grantClientCredentials:
		return e.clientCredentialsGrant(req, values)
	case grantRefreshToken:
		return e.refreshGrant(req, values)
	}
	// No Kerberos realm is emulated, so a ticket never authenticates.
	return e.authenticationError(fmt.Sprintf("unable to authenticate user [<Kerberos Token>] for action [%s]",
		actionCreateToken)).response()
}

func (e *Emulator) passwordGrant(req *request, values map[string]string) response {
	name := values[fieldUsername]
	owner, ok := e.checkUser(name, values[fieldPassword])
	if !ok {
		return e.authenticationError(fmt.Sprintf("unable to authenticate user [%s] for action [%s]",
			name, actionCreateToken)).response()
	}
	// Refresh tokens exist from 6.2 (esVersion.grantTypes).
	doc, x := e.mint(owner, &req.who.identity, e.version.atLeast(6, 2, 0), req.now)
	if x != nil {
		return x.response()
	}
	return e.tokenResponse(doc, values, &principal{identity: owner, authType: authTypeRealm})
}

// clientCredentialsGrant issues an access token, without refresh token, to the caller itself.
func (e *Emulator) clientCredentialsGrant(req *request, values map[string]string) response {
	doc, x := e.mint(req.who.identity, &req.who.identity, false, req.now)
	if x != nil {
		return x.response()
	}
	return e.tokenResponse(doc, values, req.who)
}

func (e *Emulator) mint(owner identity, client *identity, withRefresh bool, now time.Time) (*tokenDoc, *esError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tokensDisabled {
		return nil, e.tokensDisabledError()
	}
	return e.tokens.mint(owner, client, withRefresh, now, e.tokenTimeout), nil
}

func (e *Emulator) refreshGrant(req *request, values map[string]string) response {
	e.mu.Lock()
	if e.tokensDisabled {
		e.mu.Unlock()
		return e.tokensDisabledError().response()
	}
	doc, failure := e.tokens.refreshToken(values[fieldRefreshToken], req.who.identity, req.now, e.tokenTimeout,
		e.version.refreshWindow30s())
	e.mu.Unlock()
	if failure != "" {
		return oauthError("invalid_grant", failure)
	}
	return e.tokenResponse(doc, values, &principal{identity: doc.owner, authType: authTypeToken})
}

// refreshToken is TokenService.refreshToken: it supersedes the document
// holding token by a new pair, or says why not, checking in the order of
// checkTokenDocumentForRefresh: lifetime, invalidation, client, earlier refresh.
func (s *tokenStore) refreshToken(token string, client identity, now time.Time, timeout time.Duration,
	window bool) (*tokenDoc, string) {
	d := s.byRefresh(token, now)
	switch {
	case d == nil:
		return nil, "could not refresh the requested token"
	case now.After(d.created.Add(docLifetime)):
		return nil, "token document has expired"
	case d.refreshInvalidated:
		return nil, "token has been invalidated"
	case d.client != nil && (d.client.username != client.username || d.client.realmName != client.realmName):
		return nil, "tokens must be refreshed by the creating client"
	case d.refreshedAt.IsZero():
		n := s.mint(d.owner, &client, true, now, timeout)
		d.refreshedAt, d.superseding = now, n
		return n, ""
	case !window:
		return nil, "token has already been refreshed"
	case now.After(d.refreshedAt.Add(refreshWindow)):
		return nil, "token has already been refreshed more than 30 seconds in the past"
	case now.Before(d.refreshedAt.Add(-refreshWindow)):
		return nil, "token has been refreshed more than 30 seconds in the future, clock skew too great"
	}
	return d.superseding, ""
}

// tokenResponse is CreateTokenResponse.toXContent, keys in its order.
func (e *Emulator) tokenResponse(doc *tokenDoc, values map[string]string, auth *principal) response {
	body := obj("access_token", doc.access, "type", "Bearer", "expires_in", int(e.tokenTimeout/time.Second))
	if doc.refresh != "" {
		body = body.with("refresh_token", doc.refresh)
	}
	if _, sent := values[fieldScope]; sent {
		body = body.with("scope", "full")
	}
	if e.version.authenticationInTokenResponse() {
		body = body.with("authentication", auth.authentication())
	}
	return jsonResponse(http.StatusOK, body)
}
