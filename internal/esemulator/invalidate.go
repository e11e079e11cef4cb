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
	"net/http"
	"slices"
	"strings"
	"time"
)

// invalidateParser is RestInvalidateTokenAction's PARSER in the emulated
// version. From 6.7 the "only one of" check runs in its constructor (so it is
// wrapped as a parse error); in 6.2–6.6 the REST action made it after
// parsing (6.2 source), see checkLegacyInvalidate.
func (v esVersion) invalidateParser() objectParser {
	p := objectParser{name: "invalidate_token", fields: v.invalidateFields(), dialect: v.parseDialect()}
	if v.atLeast(6, 7, 0) {
		p.build = func(v map[string]string) *esError {
			if v[fieldToken] != "" && v[fieldRefreshToken] != "" {
				return illegalArgument(onlyOneToken)
			}
			return nil
		}
	}
	return p
}

const onlyOneToken = "only one of [token, refresh_token] may be sent per request"

// checkLegacyInvalidate makes the checks of 6.0–6.6's REST action and
// request: 6.0–6.1 require "token" (ConstructingObjectParser's "Required
// [token]"); 6.2–6.6 refuse both fields (6.2 source). Either then requires
// a token string: the wording "token string must be provided" is
// 7.x's and unverified for 6.x.
func (v esVersion) checkLegacyInvalidate(values map[string]string) *esError {
	if v.atLeast(6, 7, 0) {
		return nil
	}
	if _, sent := values[fieldToken]; !sent && !v.atLeast(6, 2, 0) {
		return illegalArgument("Required [" + fieldToken + "]")
	}
	if values[fieldToken] != "" && values[fieldRefreshToken] != "" {
		return illegalArgument(onlyOneToken)
	}
	if values[fieldToken] == "" && values[fieldRefreshToken] == "" {
		return validationError([]string{"token string must be provided"})
	}
	return nil
}

// invalidateRequest is InvalidateTokenRequest as RestInvalidateTokenAction builds it.
type invalidateRequest struct {
	tokenString string
	tokenType   string // tokenTypeAccess, tokenTypeRefresh or "" (Strings.hasLength picks the field)
	realmName   string
	username    string
}

// InvalidateTokenRequest.Type: a token type is named after the field that carries it.
const (
	tokenTypeAccess  = fieldToken
	tokenTypeRefresh = fieldRefreshToken
)

func newInvalidateRequest(v map[string]string) invalidateRequest {
	r := invalidateRequest{realmName: v[fieldRealmName], username: v[fieldUsername]}
	switch {
	case v[fieldToken] != "":
		r.tokenString, r.tokenType = v[fieldToken], tokenTypeAccess
	case v[fieldRefreshToken] != "":
		r.tokenString, r.tokenType = v[fieldRefreshToken], tokenTypeRefresh
	}
	return r
}

// validate is InvalidateTokenRequest.validate(): hasText for realm and
// user, hasLength for the token string.
func (r invalidateRequest) validate() []string {
	var errs []string
	switch {
	case hasText(r.realmName) || hasText(r.username):
		if hasText(r.tokenString) {
			errs = append(errs, "token string must not be provided when realm name or username is specified")
		}
		if r.tokenType != "" {
			errs = append(errs, "token type must not be provided when realm name or username is specified")
		}
	case r.tokenString == "":
		errs = append(errs, "token string must be provided when not specifying a realm name or a username")
	}
	return errs
}

func (r invalidateRequest) byRealmOrUser() bool {
	return hasText(r.realmName) || hasText(r.username)
}

// invalidateToken serves DELETE /_security/oauth2/token.
func (e *Emulator) invalidateToken(req *request) response {
	values, fail := jsonBody(req, e.version.invalidateParser())
	if fail != nil {
		return *fail
	}
	if x := unrecognizedParams(req); x != nil {
		return x.response()
	}
	if x := e.version.checkLegacyInvalidate(values); x != nil {
		return x.response()
	}
	ir := newInvalidateRequest(values)
	if errs := ir.validate(); len(errs) > 0 {
		return validationError(errs).response()
	}
	if x := e.authorize(actionInvalidateToken, req.who); x != nil {
		return x.response()
	}
	e.invalidateCalls.Add(1)
	if !e.tokenServiceEnabled() {
		return e.tokensDisabledError().response()
	}
	return e.runInvalidate(req, ir)
}

// invalidate changes the token state and renders Elasticsearch's answer;
// failures halves fail as bulk-item errors (a fault).
func (e *Emulator) invalidate(ir invalidateRequest, now time.Time, failures int) response {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ir.byRealmOrUser() {
		return e.answer(e.tokens.invalidate(e.tokens.activeHalves(ir, now), failures))
	}
	token, refresh := ir.tokenString, ir.tokenType == tokenTypeRefresh
	if e.version.unknownTokenIsError() {
		// Before 7.7.1 neither check below existed: a token that cannot be
		// decoded, and any token while the index is missing, is unknown.
		return e.invalidateOne(token, refresh, now, failures)
	}
	if !wellFormedToken(token) && !e.tokens.isFixture(token) {
		return notFoundCounters()
	}
	if !e.tokens.indexExists {
		return securityException(http.StatusBadRequest, "failed to invalidate token").response()
	}
	return e.invalidateOne(token, refresh, now, failures)
}

// invalidateOne invalidates the access or refresh half holding token.
func (e *Emulator) invalidateOne(token string, refresh bool, now time.Time, failures int) response {
	doc := e.tokens.byAccess(token, now)
	if refresh {
		doc = e.tokens.byRefresh(token, now)
	}
	if doc == nil {
		return e.unknownToken(refresh)
	}
	return e.answer(e.tokens.invalidate([]half{{doc: doc, refresh: refresh}}, failures))
}

// unknownToken answers a token no document holds: 404 with zero counters
// from 7.7.1, before that the errors TokenService raised (PR #54532's
// description and diff; shared reference §4.4): 401 "token malformed" for
// an access token, 400 invalid_grant for a refresh token.
func (e *Emulator) unknownToken(refresh bool) response {
	if !e.version.unknownTokenIsError() {
		return notFoundCounters()
	}
	if refresh {
		return unknownRefreshTokenError().response()
	}
	return malformedTokenError().response()
}

// answer renders an outcome in the emulated version's shape (esVersion.answerShape).
func (e *Emulator) answer(o outcome) response {
	shape := e.version.answerShape()
	if shape == shapeCounters {
		return counters(o)
	}
	created := len(o.errors) == 0 && o.invalidated > 0 && o.previously == 0
	if shape == shapeCreatedAndCounters {
		resp := counters(o)
		resp.value = append(obj("created", created), resp.value.(object)...)
		return resp
	}
	if len(o.errors) > 0 {
		// 6.0–6.6 have no error counters: the failed update fails the
		// request. Emulator's choice (unverified): a 500 carrying the
		// bulk item's error.
		x := newError(http.StatusInternalServerError, "exception", "failed to invalidate token")
		return x.response()
	}
	return jsonResponse(http.StatusOK, obj("created", created || e.version.alwaysCreated()))
}

// half is the access or the refresh half of a token document.
type half struct {
	doc     *tokenDoc
	refresh bool
}

func (h half) invalidated() bool {
	if h.refresh {
		return h.doc.refreshInvalidated
	}
	return h.doc.accessInvalidated
}

func (h half) invalidate() {
	if h.refresh {
		h.doc.refreshInvalidated = true
	} else {
		h.doc.accessInvalidated = true
	}
}

// activeHalves selects the active documents of a realm and/or user, as
// invalidateActiveTokensForRealmAndUser does, and lists their refresh halves
// before their access halves.
func (s *tokenStore) activeHalves(ir invalidateRequest, now time.Time) []half {
	var docs []*tokenDoc
	for _, d := range s.liveDocs(now) {
		if d.active(now) && ir.matches(d.owner) {
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(a, b *tokenDoc) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.docID, b.docID)
	})
	var halves []half
	for _, d := range docs {
		if d.refresh != "" {
			halves = append(halves, half{doc: d, refresh: true})
		}
	}
	for _, d := range docs {
		halves = append(halves, half{doc: d})
	}
	return halves
}

// matches filters by realm (when realm_name is not empty) and user (when
// username has text), exactly and case-sensitively.
func (r invalidateRequest) matches(owner identity) bool {
	if r.realmName == "" {
		return owner.username == r.username
	}
	return owner.realmName == r.realmName && (!hasText(r.username) || owner.username == r.username)
}

// outcome is a TokensInvalidationResult.
type outcome struct {
	invalidated int
	previously  int
	errors      []any
}

// invalidate marks halves invalidated; the first failures halves fail instead.
func (s *tokenStore) invalidate(halves []half, failures int) outcome {
	var o outcome
	for i, h := range halves {
		switch {
		case i < failures:
			o.errors = append(o.errors, s.failureDetail(h))
		case h.invalidated():
			o.previously++
		default:
			h.invalidate()
			o.invalidated++
		}
	}
	return o
}

// failureDetail renders a failed bulk item like indexInvalidation does.
func (s *tokenStore) failureDetail(h half) object {
	prefix := "access_token"
	if h.refresh {
		prefix = "refresh_token"
	}
	return obj("type", "exception", "reason", "Error invalidating "+prefix+": ",
		"caused_by", obj("type", "document_missing_exception", "reason", "["+h.doc.docID+"]: document missing",
			"index_uuid", s.indexUUID, "shard", "0", "index", tokensIndex))
}

const tokensIndex = ".security-tokens-7"

func counters(o outcome) response {
	body := obj("invalidated_tokens", o.invalidated, "previously_invalidated_tokens", o.previously,
		"error_count", len(o.errors))
	if len(o.errors) > 0 {
		body = body.with("error_details", o.errors)
	}
	return jsonResponse(http.StatusOK, body)
}

func notFoundCounters() response {
	resp := counters(outcome{})
	resp.status = http.StatusNotFound
	return resp
}
