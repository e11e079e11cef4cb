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
	"encoding/json"
	"net/http"
)

// MaxIDBytes bounds each API key id taken from an answer. Elasticsearch's ids are 20 characters (a
// time-based UUID in base64url); a longer one is not Elasticsearch's, and is cut like any text.
const MaxIDBytes = 256

// ParseAPIKeyInvalidateResponse classifies an answer to the invalidate API key API as Elasticsearch 7.14
// or later gives it: an APIKeyResult for a 200 that carries the two id lists and error_count with the
// X-Elastic-Product header, otherwise an *Error. Clients.InvalidateAPIKeys classifies the same way,
// knowing also what the target's version allows. Like ParseInvalidateResponse it reads only the first
// MaxBodyBytes of body, bounds every text it keeps, never quotes a body that is not Elasticsearch's, and
// does not redact.
func ParseAPIKeyInvalidateResponse(status int, header http.Header, body []byte) (APIKeyResult, error) {
	a := newAnswer(status, header, body)
	a.version, a.sent = versionRange{lo: v7_14, hi: unbounded}, apiKeyMode
	res, err := a.classifyAPIKeys()
	return redactor{}.apiKeyResult(res), err
}

// classifyAPIKeys turns an invalidate API key answer into an APIKeyResult or an *Error. Elasticsearch
// answers 200 whenever the request was valid and allowed (no key found included), so a 404 is never
// its verdict on the keys: notFound treats it as not this API's answer.
func (a *answer) classifyAPIKeys() (APIKeyResult, error) {
	switch a.status {
	case http.StatusOK:
		if !a.trusted() || a.keys == nil {
			return APIKeyResult{}, a.notElasticsearch()
		}
		return a.keys.result(), nil
	case http.StatusNotFound:
		return APIKeyResult{}, a.notFound()
	default:
		return APIKeyResult{}, a.failure()
	}
}

// wireAPIKeys is the invalidate API key answer (InvalidateApiKeyResponse.toXContent, the same in every
// version since 6.7): {"invalidated_api_keys":[ids],"previously_invalidated_api_keys":[ids],
// "error_count":n[,"error_details":[causes]]}, error_details only when error_count > 0.
type wireAPIKeys struct {
	Invalidated  *[]string         `json:"invalidated_api_keys"`
	Previously   *[]string         `json:"previously_invalidated_api_keys"`
	ErrorCount   *int64            `json:"error_count"`
	ErrorDetails []json.RawMessage `json:"error_details"`
}

// parseAPIKeys returns the invalidate API key answer in body, or nil when body is not one: both lists
// and a non-negative error_count are required.
func parseAPIKeys(body []byte) *wireAPIKeys {
	var k wireAPIKeys
	if json.Unmarshal(body, &k) != nil {
		// Wrong types in error_details alone do not disqualify the answer.
		var lists struct {
			I *[]string `json:"invalidated_api_keys"`
			P *[]string `json:"previously_invalidated_api_keys"`
			E *int64    `json:"error_count"`
		}
		if json.Unmarshal(body, &lists) != nil {
			return nil
		}
		k = wireAPIKeys{Invalidated: lists.I, Previously: lists.P, ErrorCount: lists.E}
	}
	if k.Invalidated == nil || k.Previously == nil || !nonNegative(k.ErrorCount) {
		return nil
	}
	return &k
}

func (k *wireAPIKeys) result() APIKeyResult {
	return APIKeyResult{
		InvalidatedIDs:           nonNil(*k.Invalidated),
		PreviouslyInvalidatedIDs: nonNil(*k.Previously),
		ErrorCount:               *k.ErrorCount,
		ErrorDetails:             parseDetails(k.ErrorDetails),
	}
}

// nonNil keeps "no ids" one value: an empty list, never nil.
func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// apiKeyResult returns res with every id and error detail redacted and bounded. Ids are not secrets,
// but they are the server's text, headed for status and events like its reasons.
func (r redactor) apiKeyResult(res APIKeyResult) APIKeyResult {
	res.InvalidatedIDs = r.ids(res.InvalidatedIDs)
	res.PreviouslyInvalidatedIDs = r.ids(res.PreviouslyInvalidatedIDs)
	res.ErrorDetails = r.result(Result{ErrorDetails: res.ErrorDetails}).ErrorDetails
	return res
}

func (r redactor) ids(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.bounded(id, MaxIDBytes)
	}
	return out
}
