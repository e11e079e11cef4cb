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
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// Invalidate API key answers as Elasticsearch sends them (InvalidateApiKeyResponse.toXContent; the 403
// follows AuthorizationDenialMessages with InvalidateApiKeyAction.NAME).
const (
	bodyKeysInvalidated = `{"invalidated_api_keys":["VuaCfGcBCdbkQm-e5aOx","H3_AhoIBA9hmeQJdg7ij"],"previously_invalidated_api_keys":[],"error_count":0}`
	bodyKeysNone        = `{"invalidated_api_keys":[],"previously_invalidated_api_keys":[],"error_count":0}`
	bodyKeysPartial     = `{"invalidated_api_keys":["a1"],"previously_invalidated_api_keys":["p1"],"error_count":1,"error_details":[{"type":"exception","reason":"Error invalidating api key","caused_by":{"type":"version_conflict_engine_exception","reason":"[b2]: version conflict"}}]}`
	bodyKeysValidation  = `{"error":{"root_cause":[{"type":"action_request_validation_exception","reason":"Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;"}],"type":"action_request_validation_exception","reason":"Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;"},"status":400}`
	bodyKeysForbidden   = `{"error":{"root_cause":[{"type":"security_exception","reason":"action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [bob] with effective roles [r1], this action is granted by the cluster privileges [manage_api_key,manage_security,all]"}],"type":"security_exception","reason":"action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [bob] with effective roles [r1], this action is granted by the cluster privileges [manage_api_key,manage_security,all]"},"status":403}`
	bodyKeysDisabled    = `{"error":{"root_cause":[{"type":"feature_not_enabled_exception","reason":"api keys are not enabled","disabled.feature":"api_keys"}],"type":"feature_not_enabled_exception","reason":"api keys are not enabled","disabled.feature":"api_keys"},"status":400}`
	bodyKeysUnknownIDs  = `{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"[1:2] [invalidate_api_key] unknown field [ids] did you mean [id]?"}],"type":"x_content_parse_exception","reason":"[1:2] [invalidate_api_key] unknown field [ids] did you mean [id]?"},"status":400}`
	bodyKeysNoHandler   = `{"error":"no handler found for uri [/_security/api_key] and method [DELETE]"}`
)

func TestParseAPIKeyInvalidateResponseReturnsTheIDsOfA200(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want es.APIKeyResult
	}{
		{"invalidated keys are listed by id", bodyKeysInvalidated, es.APIKeyResult{
			InvalidatedIDs: []string{"VuaCfGcBCdbkQm-e5aOx", "H3_AhoIBA9hmeQJdg7ij"}, PreviouslyInvalidatedIDs: []string{}}},
		{"no matching key (unknown ids included) is two empty lists, not an error", bodyKeysNone,
			es.APIKeyResult{InvalidatedIDs: []string{}, PreviouslyInvalidatedIDs: []string{}}},
		{"partial errors keep the lists and the details", bodyKeysPartial, es.APIKeyResult{
			InvalidatedIDs: []string{"a1"}, PreviouslyInvalidatedIDs: []string{"p1"}, ErrorCount: 1,
			ErrorDetails: []es.ErrorCause{{Type: "exception", Reason: "Error invalidating api key",
				CausedBy: &es.ErrorCause{Type: "version_conflict_engine_exception", Reason: "[b2]: version conflict"}}}}},
		{"malformed details do not hide the lists", `{"invalidated_api_keys":["a"],"previously_invalidated_api_keys":[],"error_count":1,"error_details":"oops"}`,
			es.APIKeyResult{InvalidatedIDs: []string{"a"}, PreviouslyInvalidatedIDs: []string{}, ErrorCount: 1}},
		{"an id too long to be Elasticsearch's is bounded", `{"invalidated_api_keys":["` + strings.Repeat("i", 300) + `"],"previously_invalidated_api_keys":[],"error_count":0}`,
			es.APIKeyResult{InvalidatedIDs: []string{strings.Repeat("i", es.MaxIDBytes-3) + "…"}, PreviouslyInvalidatedIDs: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			res, err := es.ParseAPIKeyInvalidateResponse(http.StatusOK, esHeader(), []byte(tt.body))

			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(res).To(Equal(tt.want))
		})
	}
}

func TestParseAPIKeyInvalidateResponseClassifiesEveryOtherAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		header   http.Header
		body     string
		kind     es.Kind
		contains []string
	}{
		{"a validation error is an invalid request", 400, esHeader(), bodyKeysValidation, es.KindInvalidRequest,
			[]string{"Validation Failed: 1: One of [api key id(s)"}},
		{"a missing privilege names the API key privileges", 403, esHeader(), bodyKeysForbidden, es.KindForbidden,
			[]string{"api_key/invalidate", "manage_api_key", "manage_own_api_key"}},
		{"a disabled API key service is final", 400, esHeader(), bodyKeysDisabled, es.KindAPIKeyServiceDisabled,
			[]string{"xpack.security.authc.api_key.enabled"}},
		{"a refused field is the request's fault on 7.14 and later (Clients tells older clusters apart)", 400,
			esHeader(), bodyKeysUnknownIDs, es.KindInvalidRequest, []string{"unknown field [ids]"}},
		{"no handler is a wrong URL, security off or a cluster before 6.7", 400, esHeader(), bodyKeysNoHandler, es.KindInvalidTarget,
			[]string{"DELETE /_security/api_key", "before 6.7"}},
		{"a 404 is never Elasticsearch's verdict on keys", 404, esHeader(), bodyIndexMissing, es.KindUnavailable,
			[]string{"not the invalidate API key API's answer"}},
		{"the token API's counters are not an API key answer", 200, esHeader(), bodyInvalidated, es.KindUnavailable,
			[]string{"not an invalidate API key response"}},
		{"lists without the product header are not trusted from 7.14", 200, http.Header{}, bodyKeysNone, es.KindUnavailable,
			[]string{"X-Elastic-Product"}},
		{"bad credentials", 401, esHeader(), bodyNoCredential, es.KindUnauthorized, []string{"check the credentials"}},
		{"overload", 429, esHeader(), bodyRejected, es.KindUnavailable, []string{"overloaded"}},
		{"a proxy's 502", 502, http.Header{"Content-Type": {"text/html"}}, bodyNginx502, es.KindUnavailable,
			[]string{"not Elasticsearch's"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			res, err := es.ParseAPIKeyInvalidateResponse(tt.status, tt.header, []byte(tt.body))

			g.Expect(es.KindOf(err)).To(Equal(tt.kind), "%v", err)
			g.Expect(res).To(Equal(es.APIKeyResult{}))
			for _, s := range tt.contains {
				g.Expect(err.Error()).To(ContainSubstring(s))
			}
		})
	}
}

func TestAPIKeyRequestPrintsTheSameThroughEveryVerb(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	req := es.APIKeyRequest{IDs: []string{"k1", "k2"}, Owner: true}
	want := `APIKeyRequest{IDs: ["k1" "k2"], Name: "", RealmName: "", Username: "", Owner: true}`

	g.Expect(fmt.Sprint(req)).To(Equal(want))
	g.Expect(fmt.Sprintf("%v %+v %s %q", req, req, req, req)).To(Equal(want + " " + want + " " + want + " " + want))
	g.Expect(fmt.Sprintf("%#v", req)).To(Equal("elasticsearch." + want))
	g.Expect(req.GomegaString()).To(Equal(want))
}

var apiKeyFuzzSeeds = []struct {
	status int
	body   string
}{
	{200, bodyKeysInvalidated}, {200, bodyKeysNone}, {200, bodyKeysPartial}, {400, bodyKeysValidation},
	{403, bodyKeysForbidden}, {400, bodyKeysDisabled}, {400, bodyKeysUnknownIDs}, {400, bodyKeysNoHandler},
	{404, bodyIndexMissing}, {401, bodyNoCredential}, {502, bodyNginx502}, {200, bodyInvalidated},
	{200, `{"invalidated_api_keys":null,"previously_invalidated_api_keys":[],"error_count":0}`},
	{200, `{"invalidated_api_keys":[1],"previously_invalidated_api_keys":[],"error_count":-1}`},
	{200, `{"invalidated_api_keys":[],"previously_invalidated_api_keys":[],"error_count":2,"error_details":[null,"s",{"caused_by":"x"}]}`},
}

func FuzzParseAPIKeyInvalidateResponse(f *testing.F) {
	for _, s := range apiKeyFuzzSeeds {
		f.Add(s.status, true, []byte(s.body))
	}
	f.Add(200, false, []byte(bodyKeysNone))

	f.Fuzz(func(t *testing.T, status int, productHeader bool, body []byte) {

		res, err := es.ParseAPIKeyInvalidateResponse(status, fuzzHeader(productHeader), body)

		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("status %d gave a result", status)
			}
			checkResultBounds(t, es.Result{ErrorDetails: res.ErrorDetails})
			for _, id := range append(res.InvalidatedIDs, res.PreviouslyInvalidatedIDs...) {
				if len(id) > es.MaxIDBytes {
					t.Fatalf("an id of %d bytes was kept", len(id))
				}
			}
			return
		}
		var e *es.Error
		if !errors.As(err, &e) {
			t.Fatalf("the error is a %T, not an *Error", err)
		}
		if res.InvalidatedIDs != nil || res.PreviouslyInvalidatedIDs != nil || res.ErrorCount != 0 || res.ErrorDetails != nil {
			t.Fatalf("an error came with a non-empty result")
		}
		checkErrorBounds(t, e)
	})
}

// APIKeyIDOf is apikeyid.Of (whose tests hold every form) with this package's error kind.
func TestAPIKeyIDOfReadsALeakedCredentialAndRefusesWithKindInvalidRequest(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	const id, key = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
	encoded := base64.StdEncoding.EncodeToString([]byte(id + ":" + key))

	got, err := es.APIKeyIDOf("ApiKey " + encoded)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got).To(Equal(id))

	_, err = es.APIKeyIDOf(id + ":")
	g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidRequest))
	g.Expect(err.Error()).NotTo(ContainSubstring(id))
}
