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
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// Bodies as Elasticsearch sends them, from elasticsearch-token-api.md and the API documentation.
const (
	bodyInvalidated  = `{"invalidated_tokens":1,"previously_invalidated_tokens":0,"error_count":0}`
	bodyPrevious     = `{"invalidated_tokens":0,"previously_invalidated_tokens":1,"error_count":0}`
	bodyNotFound     = `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":0}`
	bodyPartial      = `{"invalidated_tokens":9,"previously_invalidated_tokens":15,"error_count":2,"error_details":[{"type":"exception","reason":"Elasticsearch exception [type=exception, reason=foo]","caused_by":{"type":"exception","reason":"Elasticsearch exception [type=illegal_argument_exception, reason=bar]"}},{"type":"exception","reason":"Elasticsearch exception [type=exception, reason=boo]","caused_by":{"type":"exception","reason":"Elasticsearch exception [type=illegal_argument_exception, reason=far]"}}]}`
	bodyNoIndex      = `{"error":{"root_cause":[{"type":"security_exception","reason":"failed to invalidate token"}],"type":"security_exception","reason":"failed to invalidate token"},"status":400}`
	bodyValidation   = `{"error":{"root_cause":[{"type":"action_request_validation_exception","reason":"Validation Failed: 1: token string must be provided when not specifying a realm name or a username;"}],"type":"action_request_validation_exception","reason":"Validation Failed: 1: token string must be provided when not specifying a realm name or a username;"},"status":400}`
	bodyBothTokens   = `{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"Failed to build [invalidate_token] after last required field arrived"}],"type":"x_content_parse_exception","reason":"Failed to build [invalidate_token] after last required field arrived","caused_by":{"type":"illegal_argument_exception","reason":"only one of [token, refresh_token] may be sent per request"}},"status":400}`
	bodyNoBody       = `{"error":{"root_cause":[{"type":"parse_exception","reason":"request body is required"}],"type":"parse_exception","reason":"request body is required"},"status":400}`
	bodyDisabled     = `{"error":{"root_cause":[{"type":"feature_not_enabled_exception","reason":"security tokens are not enabled","disabled.feature":"security_tokens"}],"type":"feature_not_enabled_exception","reason":"security tokens are not enabled","disabled.feature":"security_tokens"},"status":400}`
	bodyNoHandler    = `{"error":"no handler found for uri [/_security/oauth2/token] and method [DELETE]"}`
	bodyMediaType    = `{"error":{"root_cause":[{"type":"media_type_header_exception","reason":"Invalid media-type value on headers [Accept, Content-Type]"}],"type":"media_type_header_exception","reason":"Invalid media-type value on headers [Accept, Content-Type]","caused_by":{"type":"status_exception","reason":"Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json;compatible-with=9"}},"status":400}`
	bodyWrongMethod  = `{"error":"Incorrect HTTP method for uri [/_security/oauth2/token] and method [PUT], allowed: [POST, DELETE]","status":405}`
	bodyNoCredential = `{"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/_security/oauth2/token]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","Bearer realm=\"security\"","ApiKey"]}}],"type":"security_exception","reason":"missing authentication credentials for REST request [/_security/oauth2/token]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","Bearer realm=\"security\"","ApiKey"]}},"status":401}`
	bodyForbidden    = `{"error":{"root_cause":[{"type":"security_exception","reason":"action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [bob] with effective roles [r1], this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]"}],"type":"security_exception","reason":"action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [bob] with effective roles [r1], this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]"},"status":403}`
	bodyLicense      = `{"error":{"root_cause":[{"type":"security_exception","reason":"current license is non-compliant for [security tokens]","license.expired.feature":"security tokens"}],"type":"security_exception","reason":"current license is non-compliant for [security tokens]","license.expired.feature":"security tokens"},"status":403}`
	bodyRejected     = `{"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"rejected execution"}],"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}`
	bodyBasic7x      = `{"error":{"root_cause":[{"type":"exception","reason":"Security must be explicitly enabled when using a [basic] license."}],"type":"exception","reason":"Security must be explicitly enabled when using a [basic] license."},"status":500}`
	bodyUnavailable  = `{"error":{"root_cause":[{"type":"security_exception","reason":"unable to perform requested action"}],"type":"security_exception","reason":"unable to perform requested action","caused_by":{"type":"unavailable_shards_exception","reason":"[.security-tokens-7][0] primary shard is not active"}},"status":503}`
	bodyIndexMissing = `{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [x]"}],"type":"index_not_found_exception","reason":"no such index [x]"},"status":404}`
	bodyNginx502     = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)

// esHeader is the header of an Elasticsearch JSON answer.
func esHeader() http.Header {
	return http.Header{"X-Elastic-Product": {"Elasticsearch"}, "Content-Type": {"application/json"}}
}

func TestParseInvalidateResponseReturnsTheCountersOfA200(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want es.Result
	}{
		{"an invalidated token is counted", bodyInvalidated, es.Result{InvalidatedTokens: 1}},
		{"a previously invalidated token is counted", bodyPrevious, es.Result{PreviouslyInvalidatedTokens: 1}},
		{"no matching token counts nothing", bodyNotFound, es.Result{}},
		{"partial errors keep every detail and cause exactly", bodyPartial, es.Result{
			InvalidatedTokens: 9, PreviouslyInvalidatedTokens: 15, ErrorCount: 2,
			ErrorDetails: []es.ErrorCause{
				{Type: "exception", Reason: "Elasticsearch exception [type=exception, reason=foo]", CausedBy: &es.ErrorCause{
					Type: "exception", Reason: "Elasticsearch exception [type=illegal_argument_exception, reason=bar]"}},
				{Type: "exception", Reason: "Elasticsearch exception [type=exception, reason=boo]", CausedBy: &es.ErrorCause{
					Type: "exception", Reason: "Elasticsearch exception [type=illegal_argument_exception, reason=far]"}},
			},
		}},
		{"extra keys in details are ignored", `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":1,"error_details":[{"type":"exception","reason":"Error invalidating access_token: ","caused_by":{"type":"document_missing_exception","reason":"[token_xyz]: document missing","index_uuid":"u","shard":"0","index":".security-tokens-7"}}]}`,
			es.Result{ErrorCount: 1, ErrorDetails: []es.ErrorCause{{Type: "exception", Reason: "Error invalidating access_token: ",
				CausedBy: &es.ErrorCause{Type: "document_missing_exception", Reason: "[token_xyz]: document missing"}}}}},
		{"details that are not causes are skipped", `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":3,"error_details":[null,7,"a plain reason",{"type":"t","caused_by":null}]}`,
			es.Result{ErrorCount: 3, ErrorDetails: []es.ErrorCause{{Reason: "a plain reason"}, {Type: "t"}}}},
		{"malformed details do not hide the counters", `{"invalidated_tokens":2,"previously_invalidated_tokens":0,"error_count":1,"error_details":"oops"}`,
			es.Result{InvalidatedTokens: 2, ErrorCount: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			res, err := es.ParseInvalidateResponse(http.StatusOK, esHeader(), []byte(tt.body))

			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(res).To(Equal(tt.want))
		})
	}
}

func TestParseInvalidateResponseClassifiesEveryOtherAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		header      http.Header
		body        string
		kind        es.Kind
		message     string // the exact message, when set
		contains    []string
		typ, reason string
	}{
		{name: "404 with the counters means the token is unknown", status: 404, body: bodyNotFound, kind: es.KindTokenNotFound,
			message: "Elasticsearch answered 404: " + tokenUnknown},
		{name: "400 failed to invalidate token means the cluster has no tokens index", status: 400, body: bodyNoIndex, kind: es.KindTokenNotFound,
			message: "Elasticsearch answered 400 (security_exception): failed to invalidate token; the token is unknown to Elasticsearch: " +
				"this cluster has no tokens index, so it never issued a token (or the index was deleted)",
			typ: "security_exception", reason: "failed to invalidate token"},
		{name: "400 validation failure is an invalid request", status: 400, body: bodyValidation, kind: es.KindInvalidRequest,
			message: "Elasticsearch answered 400 (action_request_validation_exception): Validation Failed: 1: token string must be provided when not specifying a realm name or a username;",
			typ:     "action_request_validation_exception",
			reason:  "Validation Failed: 1: token string must be provided when not specifying a realm name or a username;"},
		{name: "400 parse failure keeps its cause", status: 400, body: bodyBothTokens, kind: es.KindInvalidRequest,
			message: "Elasticsearch answered 400 (x_content_parse_exception): Failed to build [invalidate_token] after last required field arrived; " +
				"caused by illegal_argument_exception: only one of [token, refresh_token] may be sent per request"},
		{name: "400 missing body is an invalid request", status: 400, body: bodyNoBody, kind: es.KindInvalidRequest,
			contains: []string{"(parse_exception): request body is required"}},
		{name: "400 feature_not_enabled_exception means the token service is disabled", status: 400, body: bodyDisabled, kind: es.KindTokenServiceDisabled,
			message: "Elasticsearch answered 400 (feature_not_enabled_exception): security tokens are not enabled; " +
				"the token service is disabled on this cluster (xpack.security.authc.token.enabled: false)"},
		{name: "400 no handler found, a plain string error, is an invalid target", status: 400, body: bodyNoHandler, kind: es.KindInvalidTarget,
			message: `Elasticsearch answered 400 "no handler found" for DELETE /_security/oauth2/token: the URL's path is wrong ` +
				"(it must lead to Elasticsearch's root, for example https://host:9200), or security is disabled on this cluster " +
				"(xpack.security.enabled: false), which removes the token API"},
		{name: "400 media_type_header_exception is an invalid request", status: 400, body: bodyMediaType, kind: es.KindInvalidRequest,
			contains: []string{"(media_type_header_exception)", "caused by status_exception: Accept version must be", "changed the headers"}},
		{name: "405 wrong method is an invalid request", status: 405, body: bodyWrongMethod, kind: es.KindInvalidRequest,
			contains: []string{"Elasticsearch answered 405: Incorrect HTTP method"}},
		{name: "401 missing credentials is unauthorized", status: 401, body: bodyNoCredential, kind: es.KindUnauthorized,
			message: "Elasticsearch answered 401 (security_exception): missing authentication credentials for REST request [/_security/oauth2/token]; " +
				"check the credentials (username and password, or apiKey)"},
		{name: "403 names the manage_token privilege", status: 403, body: bodyForbidden, kind: es.KindForbidden,
			message: "Elasticsearch answered 403 (security_exception): action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [bob] " +
				"with effective roles [r1], this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]; " +
				"the credential needs the manage_token cluster privilege"},
		{name: "403 for the license says so instead of naming a privilege", status: 403, body: bodyLicense, kind: es.KindForbidden,
			message: "Elasticsearch answered 403 (security_exception): current license is non-compliant for [security tokens]; " +
				"the cluster's license does not cover security tokens (Standard or higher is needed)"},
		{name: "429 is unavailable", status: 429, body: bodyRejected, kind: es.KindUnavailable,
			contains: []string{"Elasticsearch answered 429 (es_rejected_execution_exception): rejected execution; Elasticsearch is overloaded"}},
		{name: "500 is unavailable", status: 500, body: bodyBasic7x, kind: es.KindUnavailable,
			contains: []string{"Elasticsearch answered 500 (exception): Security must be explicitly enabled"}},
		{name: "503 is unavailable and keeps its cause", status: 503, body: bodyUnavailable, kind: es.KindUnavailable,
			message: "Elasticsearch answered 503 (security_exception): unable to perform requested action; " +
				"caused by unavailable_shards_exception: [.security-tokens-7][0] primary shard is not active"},
		{name: "502 from a proxy is described, not quoted", status: 502, header: http.Header{"Content-Type": {"text/html"}}, body: bodyNginx502,
			kind: es.KindUnavailable, message: "the server answered 502 with a body that is not Elasticsearch's (122 bytes, content-type text/html)"},
		{name: "504 with no body is unavailable", status: 504, header: http.Header{}, kind: es.KindUnavailable,
			message: "the server answered 504 with a body that is not Elasticsearch's (0 bytes, content-type none)"},
		{name: "200 that is not JSON is unavailable", status: 200, header: esHeader(), body: "<<garbage>>", kind: es.KindUnavailable,
			message: "the server answered 200 with a body that is not an invalidate token response (11 bytes, content-type application/json); " +
				"it is not Elasticsearch, or something in between changed the answer"},
		{name: "200 without the product header is unavailable", status: 200, header: http.Header{"Content-Type": {"application/json"}},
			body: bodyInvalidated, kind: es.KindUnavailable, contains: []string{"answered 200 without the X-Elastic-Product: Elasticsearch header"}},
		{name: "200 with negative counters is unavailable", status: 200, body: `{"invalidated_tokens":-1,"previously_invalidated_tokens":0,"error_count":0}`,
			kind: es.KindUnavailable, contains: []string{"not an invalidate token response"}},
		{name: "404 from a proxy does not mean the token is unknown", status: 404, header: http.Header{"Content-Type": {"text/plain"}},
			body: "404 page not found", kind: es.KindUnavailable, contains: []string{"answered 404 with a body that is not Elasticsearch's"}},
		{name: "404 counters without the product header do not mean the token is unknown", status: 404,
			header: http.Header{"Content-Type": {"application/json"}}, body: bodyNotFound, kind: es.KindUnavailable,
			contains: []string{"answered 404 without the X-Elastic-Product: Elasticsearch header"}},
		{name: "404 from another Elasticsearch API does not mean the token is unknown", status: 404, body: bodyIndexMissing,
			kind: es.KindUnavailable, contains: []string{"(index_not_found_exception): no such index [x]", "check the URL's path"}},
		{name: "400 from a proxy is not a final verdict", status: 400, header: http.Header{"Content-Type": {"text/html"}},
			body: "<html>400 The plain HTTP request was sent to HTTPS port</html>", kind: es.KindUnavailable,
			contains: []string{"answered 400 with a body that is not Elasticsearch's"}},
		{name: "400 Elasticsearch body without the product header is not a final verdict", status: 400,
			header: http.Header{"Content-Type": {"application/json"}}, body: bodyValidation, kind: es.KindUnavailable,
			contains: []string{"answered 400 without the X-Elastic-Product: Elasticsearch header"}},
		{name: "401 from a proxy is still unauthorized", status: 401, header: http.Header{"Content-Type": {"text/html"}},
			body: "<html>401 Authorization Required</html>", kind: es.KindUnauthorized,
			contains: []string{"answered 401 with a body that is not Elasticsearch's", "check the credentials"}},
		{name: "a redirect says where it points, without credentials or query", status: 301,
			header: http.Header{"Location": {"https://user:hunter2@elsewhere:9200/es/?token=abc#x"}}, kind: es.KindInvalidTarget,
			message: "the server answered 301 redirecting to https://elsewhere:9200/es/; set the URL to where Elasticsearch answers"},
		{name: "a redirect without Location says so", status: 302, header: http.Header{}, kind: es.KindInvalidTarget,
			message: "the server answered 302 redirecting to nowhere (no Location header); set the URL to where Elasticsearch answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			header := tt.header
			if header == nil {
				header = esHeader()
			}

			res, err := es.ParseInvalidateResponse(tt.status, header, []byte(tt.body))

			g.Expect(res).To(Equal(es.Result{}))
			var e *es.Error
			g.Expect(errors.As(err, &e)).To(BeTrue())
			g.Expect(e.Kind).To(Equal(tt.kind))
			g.Expect(e.StatusCode).To(Equal(tt.status))
			if tt.message != "" {
				g.Expect(e.Error()).To(Equal(tt.message))
			}
			for _, c := range tt.contains {
				g.Expect(e.Error()).To(ContainSubstring(c))
			}
			if tt.typ != "" || tt.reason != "" {
				g.Expect(e.Type).To(Equal(tt.typ))
				g.Expect(e.Reason).To(Equal(tt.reason))
			}
		})
	}
}

func TestParseInvalidateResponseBoundsWhatItKeeps(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 3000) // 6000 bytes of two-byte runes
	deepCause := strings.Repeat(`{"type":"t","reason":"r","caused_by":`, 50) + `{"type":"t","reason":"bottom"}` + strings.Repeat("}", 50)
	detail := `{"type":"` + long + `","reason":"` + long + `","extra":{"k":[1,2,3]},"caused_by":` + deepCause + `}`
	manyDetails := `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":40,"error_details":[` +
		strings.TrimSuffix(strings.Repeat(detail+",", 40), ",") + `]}`

	t.Run("details are at most MaxErrorDetails, MaxCauseDepth deep and MaxTextBytes long", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)

		res, err := es.ParseInvalidateResponse(200, esHeader(), []byte(manyDetails))

		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res.ErrorCount).To(Equal(int64(40)))
		g.Expect(res.ErrorDetails).To(HaveLen(es.MaxErrorDetails))
		for _, d := range res.ErrorDetails {
			g.Expect(d.Type).To(HaveLen(es.MaxTextBytes - 1)) // 1021 bytes of é cut to a rune boundary, then "…"
			g.Expect(d.Type).To(HaveSuffix("é…"))
			g.Expect(d.Reason).To(Equal(d.Type))
			g.Expect(causeDepth(&d)).To(Equal(es.MaxCauseDepth))
		}
	})
	t.Run("an error body's reason and causes are bounded in the message", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		body := `{"error":{"type":"` + long + `","reason":"` + long + `","caused_by":` + deepCause + `},"status":500}`

		_, err := es.ParseInvalidateResponse(500, esHeader(), []byte(body))

		var e *es.Error
		g.Expect(errors.As(err, &e)).To(BeTrue())
		g.Expect(len(e.Reason)).To(BeNumerically("<=", es.MaxTextBytes))
		g.Expect(len(e.Type)).To(BeNumerically("<=", es.MaxTextBytes))
		g.Expect(strings.Count(e.Error(), "caused by")).To(Equal(es.MaxCauseDepth))
		g.Expect(len(e.Error())).To(BeNumerically("<", 3*es.MaxTextBytes))
	})
	t.Run("nesting deeper than JSON decoding allows is not Elasticsearch's", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		body := `{"error":` + strings.Repeat(`{"caused_by":`, 20000) + `{}` + strings.Repeat("}", 20001)

		_, err := es.ParseInvalidateResponse(500, esHeader(), []byte(body))

		g.Expect(es.KindOf(err)).To(Equal(es.KindUnavailable))
		g.Expect(err.Error()).To(HavePrefix(fmt.Sprintf("the server answered 500 with a body that is not Elasticsearch's (%d bytes", len(body))))
	})
	t.Run("a body larger than MaxBodyBytes is not Elasticsearch's", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		body := bodyInvalidated[:len(bodyInvalidated)-1] + `,"pad":"` + strings.Repeat("x", es.MaxBodyBytes) + `"}`

		_, err := es.ParseInvalidateResponse(200, esHeader(), []byte(body))

		g.Expect(es.KindOf(err)).To(Equal(es.KindUnavailable))
		g.Expect(err.Error()).To(ContainSubstring("(more than 1048576 bytes, content-type application/json)"))
	})
}

func causeDepth(c *es.ErrorCause) int {
	depth := 0
	for c = c.CausedBy; c != nil; c = c.CausedBy {
		depth++
	}
	return depth
}
