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
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/esrevoke/token-revocation-operator/internal/apikeyid"
)

// APIKeyInvalidator invalidates API keys on a target; the controller codes against it and tests can fake it.
type APIKeyInvalidator interface {
	// InvalidateAPIKeys makes one invalidate API key call and classifies the outcome.
	InvalidateAPIKeys(ctx context.Context, target Target, req APIKeyRequest) (APIKeyResult, error)
}

var _ APIKeyInvalidator = (*Clients)(nil)

// APIKeyRequest is the body of DELETE /_security/api_key. Empty fields are not sent, and Elasticsearch
// itself judges the combination (InvalidateApiKeyRequest.validate: at least one of IDs, Name, RealmName,
// Username unless Owner; IDs or Name exclude RealmName and Username; Owner excludes RealmName and
// Username; IDs exclude Name; its refusals come back as KindInvalidRequest). What a version cannot take
// fails as KindUnsupported: API keys need 6.7, Owner 7.4, more than one id 7.10 (before 7.10 the body
// carries a single "id"; this package sends "id" or "ids" as the version takes it).
// It holds no secret (API key ids are not secret: Elasticsearch names them in its own messages), yet
// prints through String like every request type of this package.
type APIKeyRequest struct {
	// IDs are the ids of the keys to invalidate.
	IDs []string
	// Name selects the keys of that name; a trailing "*" makes it a prefix (7.x and later (u)).
	Name string
	// RealmName selects the keys owned by users of a realm.
	RealmName string
	// Username selects the keys owned by a user.
	Username string
	// Owner limits the request to the keys of the authenticated user (7.4 and later); it is what a
	// credential holding only manage_own_api_key sends.
	Owner bool
}

// String describes the request; nothing in it is secret.
func (r APIKeyRequest) String() string {
	return fmt.Sprintf("APIKeyRequest{IDs: %q, Name: %q, RealmName: %q, Username: %q, Owner: %t}",
		r.IDs, r.Name, r.RealmName, r.Username, r.Owner)
}

// GoString is String, as for InvalidateRequest.
func (r APIKeyRequest) GoString() string { return "elasticsearch." + r.String() }

// GomegaString keeps gomega's failure output to String.
func (r APIKeyRequest) GomegaString() string { return r.String() }

// Format prints String for every verb (GoString for %#v).
func (r APIKeyRequest) Format(f fmt.State, verb rune) { formatVia(f, verb, r.String, r.GoString) }

// APIKeyResult is what a 200 answer reported. ErrorCount > 0 is a partial failure: the controller decides.
// Elasticsearch answers ids, names, realms and users that match no valid key with 200 and empty lists in
// every version (ApiKeyService.invalidateApiKeys: "No active api keys to invalidate" → an empty response),
// never with a 404; a key that was already invalid is not found either (the search filters out
// invalidated keys), so it is not listed at all: PreviouslyInvalidatedIDs lists only keys another call
// invalidated between this call's search and its update.
type APIKeyResult struct {
	// InvalidatedIDs are the ids of the keys this call invalidated.
	InvalidatedIDs []string
	// PreviouslyInvalidatedIDs are the ids of matched keys that were already invalid.
	PreviouslyInvalidatedIDs []string
	// ErrorCount counts keys Elasticsearch failed to invalidate.
	ErrorCount int64
	// ErrorDetails holds at most MaxErrorDetails of Elasticsearch's error details, bounded in depth and length.
	ErrorDetails []ErrorCause
	// Version is as Result.Version.
	Version string
	// Caveat is as Result.Caveat; "" if none. It is set when ids the request named are missing from both
	// lists (unknown, or already invalid: Elasticsearch does not say which).
	Caveat string
}

// apiKeyPath is the invalidate API key path of every version that has API keys (6.7 and later).
const apiKeyPath apiPath = "/_security/api_key"

// InvalidateAPIKeys makes one invalidate API key call (the client's retries are off) within
// target.Timeout, on the same clients, version knowledge, timeouts, redaction and classification as
// Invalidate: an APIKeyResult for a 200, otherwise an *Error beside a result that carries only Version.
// A target whose version is not known is sent "ids"; a cluster older than 7.10 refuses that field while
// parsing, before anything is done, and a single id is then sent again as "id", once.
func (c *Clients) InvalidateAPIKeys(ctx context.Context, target Target, req APIKeyRequest) (APIKeyResult, error) {
	red := newRedactor(target)
	res, err := c.invalidateAPIKeys(ctx, target, req, red)
	return red.apiKeyResult(res), red.error(err)
}

func (c *Clients) invalidateAPIKeys(ctx context.Context, target Target, req APIKeyRequest, red redactor) (APIKeyResult, error) {
	client, state, err := c.validClient(target)
	if err != nil {
		return APIKeyResult{Version: configuredText(target)}, err
	}
	v := state.plan().version
	if err := unsupportedAPIKeys(v, req); err != nil {
		return APIKeyResult{Version: v.String()}, err
	}
	callCtx, cancel := context.WithTimeout(ctx, target.timeout())
	defer cancel()

	idList := !v.below(v7_10)
	for {
		body := req.body(idList)
		a, err := send(ctx, callCtx, client, target, string(apiKeyPath), body.json(), red)
		if err != nil {
			return APIKeyResult{Version: state.current().String()}, err
		}
		a.version, a.sent, a.keyFields = v, apiKeyMode, body.fields()
		state.learn(ctx, target, apiKeyPath, a, red)
		if idList && len(req.IDs) == 1 && a.refusedKeyField() == fieldIDs {
			// A parser refusal comes before validation and execution, so nothing was invalidated: the one
			// id goes again in the form 6.7–7.9 take.
			idList, v = false, state.current()
			continue
		}
		a.version = state.current()
		res, err := a.classifyAPIKeys()
		res.Version = a.version.String()
		if err == nil {
			res.Caveat = unreportedIDs(req.IDs, res)
		}
		return res, err
	}
}

// unreportedIDs is the caveat for ids the answer lists neither as invalidated nor as previously
// invalidated: Elasticsearch searches only valid keys, so an id it does not know and the id of a key
// that was already invalid both come back as nothing, and the answer cannot tell which it was.
func unreportedIDs(ids []string, res APIKeyResult) string {
	reported := map[string]bool{}
	for _, id := range append(append([]string{}, res.InvalidatedIDs...), res.PreviouslyInvalidatedIDs...) {
		reported[id] = true
	}
	var missing []string
	for _, id := range ids {
		if !reported[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	// Ids are not secrets: name up to ten, so a responder sees which keys to look at.
	named := strings.Join(missing[:min(len(missing), 10)], ", ")
	if len(missing) > 10 {
		named += fmt.Sprintf(" and %d more", len(missing)-10)
	}
	if res.ErrorCount > 0 {
		return fmt.Sprintf("%d of the %d API key ids named were not invalidated by this call (%s): Elasticsearch failed "+
			"to invalidate %d key(s) (see the error details), and reports neither ids it does not know nor keys "+
			"that were already invalid", len(missing), len(ids), named, res.ErrorCount)
	}
	return fmt.Sprintf("%d of the %d API key ids named were not invalidated by this call (%s): Elasticsearch reports "+
		"neither ids it does not know nor keys that were already invalid, so either may be the case", len(missing), len(ids), named)
}

// unsupportedAPIKeys is the KindUnsupported error for a request the version cannot take, or nil.
func unsupportedAPIKeys(v versionRange, req APIKeyRequest) error {
	for _, need := range req.needs() {
		if v.below(need.release) {
			return newError(KindUnsupported, 0, fmt.Sprintf(
				"%s needs Elasticsearch %s or later, and this target runs %s; %s",
				need.what, need.release, describeVersion(v), need.instead))
		}
	}
	return nil
}

// need is a release a request needs, and why.
type need struct {
	release release
	what    string
	instead string
}

// needs lists what the request needs of the target's version, the most basic first.
func (r APIKeyRequest) needs() []need {
	out := []need{{v6_7, "invalidating API keys", "API keys do not exist before 6.7"}}
	if r.Owner {
		out = append(out, need{v7_4, "invalidating only the credential's own API keys (owner: true)",
			"name the keys by id, or by the owner's username and realm_name, with a credential holding manage_api_key"})
	}
	if len(r.IDs) > 1 {
		out = append(out, need{v7_10, "invalidating more than one API key id in one request",
			"revoke one id per revocation"})
	}
	return out
}

// The body fields whose presence depends on the version.
const (
	fieldIDs   = "ids"
	fieldOwner = "owner"
)

// apiKeyBody is the JSON body; omitempty sends only the fields that are set. ID is the one id of
// 6.7–7.9; IDs the list of 7.10 and later.
type apiKeyBody struct {
	ID        string   `json:"id,omitempty"`
	IDs       []string `json:"ids,omitempty"`
	Name      string   `json:"name,omitempty"`
	RealmName string   `json:"realm_name,omitempty"`
	Username  string   `json:"username,omitempty"`
	Owner     bool     `json:"owner,omitempty"`
}

// body is the request as sent: the ids as a list when idList, else the single id.
func (r APIKeyRequest) body(idList bool) apiKeyBody {
	b := apiKeyBody{Name: r.Name, RealmName: r.RealmName, Username: r.Username, Owner: r.Owner}
	switch {
	case idList:
		b.IDs = r.IDs
	case len(r.IDs) > 0:
		b.ID = r.IDs[0]
	}
	return b
}

func (b apiKeyBody) json() []byte {
	// Marshalling strings, a list of strings and a bool cannot fail.
	out, _ := json.Marshal(b)
	return out
}

// fields names the body's fields, to recognize a parser's refusal of one of them.
func (b apiKeyBody) fields() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"id", b.ID != ""}, {fieldIDs, b.IDs != nil}, {"name", b.Name != ""}, {"realm_name", b.RealmName != ""},
		{"username", b.Username != ""}, {fieldOwner, b.Owner}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// refusedKeyField is the field of an invalidate API key body the target's parser refused as unknown in
// an answer trusted as Elasticsearch's ("[invalidate_api_key] unknown field [ids], parser not found"
// before 7.6, "[1:2] [invalidate_api_key] unknown field [ids]" from 7.6, with " did you mean [id]?"
// after it when a declared field is close (ObjectParser; PR #50938 in the 7.6.0 release notes)), or
// "". The suggestion never reads "unknown field [...]", so it cannot be taken for a refused field.
func (a *answer) refusedKeyField() string {
	if a.status != 400 || a.esErr == nil || a.sent != apiKeyMode || !a.trusted() {
		return ""
	}
	text := a.esErr.Reason
	for c := a.esErr.CausedBy; c != nil; c = c.CausedBy {
		text += " " + c.Reason
	}
	for _, f := range a.keyFields {
		if strings.Contains(text, "unknown field ["+f+"]") {
			return f
		}
	}
	return ""
}

// keyFieldLimit is what a refused field says of the version: "ids" is unknown before 7.10, "owner"
// before 7.4, and "id" from 8.0 (without compatible-with=7).
func keyFieldLimit(field string) (limit, bool) {
	switch field {
	case fieldIDs:
		return limit{lo: v6_7, hi: v7_10.before()}, true
	case fieldOwner:
		return limit{lo: v6_7, hi: v7_4.before()}, true
	case "id":
		return limit{lo: release{8, 0}, hi: unbounded}, true
	default:
		return limit{}, false
	}
}

// unsupportedKeyShape is the error for a body the target's parser refused because its version does not
// know a field sent.
func (a *answer) unsupportedKeyShape(field string) error {
	hint := fmt.Sprintf("the field %q is not known to this cluster's version", field)
	switch field {
	case fieldIDs:
		hint = "invalidating more than one API key id in one request needs Elasticsearch 7.10 or later, and this cluster is older"
	case fieldOwner:
		hint = "owner: true needs Elasticsearch 7.4 or later, and this cluster is older"
	}
	e := newError(KindUnsupported, a.status, withHint(a.describe(), hint))
	e.Type, e.Reason = a.esErr.Type, a.esErr.Reason
	return e
}

// APIKeyIDOf derives the id of a leaked API key credential as a responder finds it (see
// apikeyid.Of, which the kubectl plugin shares to refuse what this would refuse). The error, of
// KindInvalidRequest, never repeats the credential, nor any part of it.
func APIKeyIDOf(leaked string) (string, error) {
	id, err := apikeyid.Of(leaked)
	if err != nil {
		return "", newError(KindInvalidRequest, 0, "the API key credential is not an encoded API key (base64 of "+
			"id:api_key, optionally after \"ApiKey \") nor id:api_key; the value is not shown")
	}
	return id, nil
}
