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

// Field names of the invalidate API key body.
const (
	fieldID    = "id"
	fieldIDs   = "ids"
	fieldName  = "name"
	fieldOwner = "owner"
	// fieldMetadata is the free-form object of users, roles and API keys.
	fieldMetadata = "metadata"
)

// invalidateAPIKeyParser is RestInvalidateApiKeyAction's parser in the emulated version (see
// esVersion.apiKeyIDList): realm_name, username, id and name from 6.7, owner from 7.4, ids from 7.10;
// apiVersion is the request's negotiated REST API version (8.x keeps "id" for compatible-with=7).
func (v esVersion) invalidateAPIKeyParser(apiVersion int) objectParser {
	fields := []string{fieldRealmName, fieldUsername, fieldName}
	if v.manageOwnAPIKey() {
		fields = append(fields, fieldOwner)
	}
	if v.apiKeyIDList() {
		fields = append(fields, fieldIDs)
	}
	if !v.apiKeyIDList() || v.major == 7 || apiVersion == 7 {
		fields = append(fields, fieldID)
	}
	name := "invalidate_api_key"
	if v.major >= 8 && apiVersion == 7 {
		name = "invalidate_api_key_v7" // RestInvalidateApiKeyAction's parser for RestApiVersion.V_7
	}
	p := objectParser{name: name, fields: fields, dialect: v.parseDialect(),
		lists: []string{fieldIDs}, bools: []string{fieldOwner}}
	p.build = func(values map[string]string) *esError {
		_, id := values[fieldID]
		_, ids := values[fieldIDs]
		if id && ids && v.apiKeyIDList() {
			return illegalArgument("Must use either [id] or [ids], not both at the same time")
		}
		if v.idsCheckedWhileParsing() {
			if errs := newKeyRequest(values).idErrors(); len(errs) > 0 {
				return validationError(errs)
			}
		}
		return nil
	}
	return p
}

// keyRequest is InvalidateApiKeyRequest as the REST action builds it.
type keyRequest struct {
	realmName, username, name string
	ids                       []string // nil when neither id nor ids was sent
	owner                     bool
}

func newKeyRequest(values map[string]string) keyRequest {
	r := keyRequest{realmName: values[fieldRealmName], username: values[fieldUsername], name: values[fieldName],
		owner: values[fieldOwner] == jsonTrue}
	list, sent := values[fieldIDs]
	r.ids = decodeList(list, sent)
	if id, ok := values[fieldID]; ok && r.ids == nil {
		r.ids = []string{id}
	}
	return r
}

// idErrors are the checks of "ids" (7.10 and later): not empty, no blank id.
func (r keyRequest) idErrors() []string {
	if r.ids == nil {
		return nil
	}
	if len(r.ids) == 0 {
		return []string{"Field [ids] cannot be an empty array"}
	}
	var blank []string
	for i, id := range r.ids {
		if !hasText(id) {
			blank = append(blank, fmt.Sprint(i))
		}
	}
	switch len(blank) {
	case 0:
		return nil
	case 1:
		return []string{"Field [ids] must not contain blank id, but got blank id at index position: [" + blank[0] + "]"}
	}
	return []string{"Field [ids] must not contain blank id, but got blank ids at index positions: [" +
		strings.Join(blank, ", ") + "]"}
}

// validate is InvalidateApiKeyRequest.validate() in the emulated version: 6.7–7.3 its first form
// (legacySelectionErrors), 7.4–7.9 with owner, naming "api key id", 7.10 and later naming "api key id(s)"
// and checking "ids" (the 7.4 boundary of the wording follows the owner field (u)).
func (v esVersion) validateKeyRequest(r keyRequest) []string {
	var errs []string
	if v.apiKeyIDList() && !v.idsCheckedWhileParsing() {
		errs = r.idErrors()
	}
	if !v.manageOwnAPIKey() {
		return legacySelectionErrors(r)
	}
	return append(errs, v.selectionErrors(r)...)
}

// selectionErrors are validate()'s checks of what the request selects keys by. Before 7.10 a blank
// "id" counts as none (Strings.hasText); from 7.10 any "ids" counts.
func (v esVersion) selectionErrors(r keyRequest) []string {
	var errs []string
	hasID := r.ids != nil
	if !v.apiKeyIDList() {
		hasID = len(r.ids) > 0 && hasText(r.ids[0])
	}
	byOwner := hasText(r.realmName) || hasText(r.username)
	ids, verb, flag := v.keyValidationWords()
	if !byOwner && !hasID && !hasText(r.name) && !r.owner {
		errs = append(errs, fmt.Sprintf("One of [%s, api key name, username, realm name] must be specified%s", ids, flag))
	}
	if (hasID || hasText(r.name)) && byOwner {
		errs = append(errs, fmt.Sprintf("username or realm name must not be specified when the %s or api key name %s specified", ids, verb))
	}
	if r.owner && byOwner {
		errs = append(errs, "neither username nor realm-name may be specified when invalidating owned API keys")
	}
	if hasID && hasText(r.name) {
		errs = append(errs, fmt.Sprintf("only one of [%s, api key name] can be specified", ids))
	}
	return errs
}

// legacySelectionErrors is 6.7–7.3's InvalidateApiKeyRequest.validate() (x-pack core
// security/action/InvalidateApiKeyRequest.java): its wording, and its habit of starting a new
// ValidationException (addValidationError(msg, null)) for the first and the id checks, which drops
// the errors found before them.
func legacySelectionErrors(r keyRequest) []string {
	id := len(r.ids) > 0 && hasText(r.ids[0])
	var errs []string
	if !hasText(r.realmName) && !hasText(r.username) && !id && !hasText(r.name) {
		errs = []string{"One of [api key id, api key name, username, realm name] must be specified"}
	}
	switch {
	case hasText(r.realmName) || hasText(r.username):
		if id {
			errs = []string{"api key id must not be specified when username or realm name is specified"}
		}
		if hasText(r.name) {
			errs = append(errs, "api key name must not be specified when username or realm name is specified")
		}
	case id && hasText(r.name):
		errs = []string{"api key name must not be specified when api key id is specified"}
	}
	return errs
}

// keyValidationWords are the words validateKeyRequest's messages change by version: how ids are named,
// the verb after them, and the owner clause of the first message.
func (v esVersion) keyValidationWords() (ids, verb, flag string) {
	ids, verb = "api key id", "is"
	if v.manageOwnAPIKey() {
		flag = " if [owner] flag is false"
	}
	if v.apiKeyIDList() {
		ids, verb = "api key id(s)", "are"
	}
	return ids, verb, flag
}

// invalidateAPIKeys serves DELETE /_security/api_key: parse, validate, authorize, then invalidate the
// valid keys the request selects. Keys that are already invalid are not selected (the search filters
// on api_key_invalidated: false), so an unknown or already invalidated id is answered 200 with empty
// lists, in every version (ApiKeyService.invalidateApiKeys); previously_invalidated_api_keys lists only
// keys invalidated by another request between the search and the update, which the emulator, holding
// one lock, never sees.
func (e *Emulator) invalidateAPIKeys(req *request) response {
	values, fail := jsonBody(req, e.version.invalidateAPIKeyParser(req.apiVersion))
	if fail != nil {
		return *fail
	}
	if x := unrecognizedParams(req); x != nil {
		return x.response()
	}
	r := newKeyRequest(values)
	if errs := e.version.validateKeyRequest(r); len(errs) > 0 {
		return validationError(errs).response()
	}
	own := func() bool { return ownsAll(req.who, r.ids, r.owner, r.username, r.realmName) }
	if x := e.authorizeAPIKeys(actionInvalidateAPIKey, req.who, own); x != nil {
		return x.response()
	}
	q := keyQuery{realmName: r.realmName, username: r.username, name: r.name, ids: r.ids, activeOnly: true}
	if r.owner {
		o := ownerOf(req.who)
		q.username, q.realmName = o.username, o.realmName
	}
	e.invalidateCalls.Add(1)
	if x := e.apiKeysDisabled(); x != nil {
		return x.response()
	}
	resp := e.runFaulted(req, func(failures int) response { return e.invalidateKeys(q, failures) })
	if _, sent := values[fieldID]; sent && e.version.deprecatedIDField() && !resp.drop && !resp.abandon {
		resp.addHeader("Warning", e.version.warning("Deprecated field [id] used, replaced by [ids]"))
	}
	return resp
}

// invalidateKeys invalidates the keys q selects, the first failures of them failing as bulk items do
// (ApiKeyService.indexInvalidation: "Error invalidating api key" with the item's cause).
func (e *Emulator) invalidateKeys(q keyQuery, failures int) response {
	e.mu.Lock()
	defer e.mu.Unlock()
	invalidated, details := []string{}, []any{}
	for i, k := range e.find(q) {
		if i < failures {
			details = append(details, obj("type", "exception", "reason", "Error invalidating api key",
				"caused_by", obj("type", "document_missing_exception", "reason", "["+k.id+"]: document missing",
					"index_uuid", e.tokens.indexUUID, "shard", "0", "index", securityIndex)))
			continue
		}
		k.invalidated = true
		invalidated = append(invalidated, k.id)
	}
	body := obj("invalidated_api_keys", invalidated, "previously_invalidated_api_keys", []string{},
		"error_count", len(details))
	if len(details) > 0 {
		body = body.with("error_details", details)
	}
	return jsonResponse(http.StatusOK, body)
}

// securityIndex is the index API key documents live in.
const securityIndex = ".security-7"

// createAPIKey serves POST and PUT /_security/api_key: {"name", "expiration", "role_descriptors",
// "metadata"}; it answers id, name, expiration (epoch milliseconds, when set), api_key and, from 7.16,
// encoded. The key holds the caller's privileges as they are now (role_descriptors, which can only
// narrow them, are accepted and not applied (u)).
func (e *Emulator) createAPIKey(req *request) response {
	body, fail := looseBody(req, "api_key_request", []string{fieldName, "expiration", "role_descriptors", fieldMetadata})
	if fail != nil {
		return *fail
	}
	name, _ := body.str("name")
	if !hasText(name) {
		return validationError([]string{"api key name is required"}).response()
	}
	var expires *time.Time
	if exp, ok := body.str("expiration"); ok {
		d, x := parseTimeValue(exp, "expiration")
		if x != nil {
			return x.response()
		}
		t := req.now.Add(d)
		expires = &t
	}
	if x := e.authorizeAPIKeys(actionCreateAPIKey, req.who, func() bool { return true }); x != nil {
		return x.response()
	}
	if x := e.apiKeysDisabled(); x != nil {
		return x.response()
	}
	e.mu.Lock()
	owner := ownerOf(req.who)
	k := e.newAPIKey(owner, name, e.clusterPrivileges(req.who), expires)
	e.mu.Unlock()
	out := obj("id", k.id, "name", k.name)
	if k.expires != nil {
		out = out.with("expiration", k.expires.UnixMilli())
	}
	out = out.with("api_key", k.secret)
	if e.version.encodedAPIKey() {
		out = out.with("encoded", encodeAPIKey(k.id, k.secret))
	}
	return jsonResponse(http.StatusOK, out)
}

// getAPIKeys serves GET /_security/api_key?id=&name=&owner=&realm_name=&username=, answering
// {"api_keys":[...]} with invalidated keys included (GetApiKeyRequest's validation as invalidation's,
// with "retrieving" for "invalidating"), with status 404 for an id no key matches.
func (e *Emulator) getAPIKeys(req *request) response {
	q := req.http.URL.Query()
	var bad []string
	for k := range q {
		if !globalParams[k] && !slices.Contains([]string{fieldID, fieldName, fieldOwner, fieldRealmName, fieldUsername}, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return unrecognizedParamsError(req.path, bad).response()
	}
	r := keyRequest{realmName: q.Get(fieldRealmName), username: q.Get(fieldUsername), name: q.Get(fieldName),
		owner: q.Get(fieldOwner) == jsonTrue}
	if id := q.Get(fieldID); hasText(id) {
		r.ids = []string{id}
	}
	if errs := getValidation(r); len(errs) > 0 {
		return validationError(errs).response()
	}
	own := func() bool { return ownsAll(req.who, r.ids, r.owner, r.username, r.realmName) }
	if x := e.authorizeAPIKeys(actionGetAPIKey, req.who, own); x != nil {
		return x.response()
	}
	if x := e.apiKeysDisabled(); x != nil {
		return x.response()
	}
	query := keyQuery{realmName: r.realmName, username: r.username, name: r.name, ids: r.ids}
	if r.owner {
		o := ownerOf(req.who)
		query.username, query.realmName = o.username, o.realmName
	}
	e.mu.Lock()
	keys := e.find(query)
	infos := make([]any, len(keys))
	for i, k := range keys {
		infos[i] = keyInfo(k)
	}
	e.mu.Unlock()
	if len(infos) == 0 && len(r.ids) > 0 && e.version.getAPIKeyNotFoundIs404() {
		return jsonResponse(http.StatusNotFound, obj("api_keys", infos))
	}
	return jsonResponse(http.StatusOK, obj("api_keys", infos))
}

// getValidation is GetApiKeyRequest.validate() (7.4 and later wording).
func getValidation(r keyRequest) []string {
	var errs []string
	byOwner := hasText(r.realmName) || hasText(r.username)
	if (len(r.ids) > 0 || hasText(r.name)) && byOwner {
		errs = append(errs, "username or realm name must not be specified when the api key id or api key name is specified")
	}
	if r.owner && byOwner {
		errs = append(errs, "neither username nor realm-name may be specified when retrieving owned API keys")
	}
	if len(r.ids) > 0 && hasText(r.name) {
		errs = append(errs, "only one of [api key id, api key name] can be specified")
	}
	return errs
}
