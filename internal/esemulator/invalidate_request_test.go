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

package esemulator_test

import (
	"net/http"
	"testing"

	. "github.com/onsi/gomega"
)

const (
	mustProvide = "Validation Failed: 1: token string must be provided when not specifying a realm name or a username;"
	mustNotBoth = "Validation Failed: 1: token string must not be provided when realm name or username is specified;" +
		"2: token type must not be provided when realm name or username is specified;"
	mustNotType = "Validation Failed: 1: token type must not be provided when realm name or username is specified;"
)

func TestInvalidateValidatesLikeInvalidateTokenRequest(t *testing.T) {
	validation := func(reason string) string {
		return errorBody(http.StatusBadRequest, "action_request_validation_exception", reason)
	}
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"an empty object is rejected", `{}`, 400, validation(mustProvide)},
		{"an empty token counts as absent", `{"token":""}`, 400, validation(mustProvide)},
		{"an empty refresh token counts as absent", `{"refresh_token":""}`, 400, validation(mustProvide)},
		{"an empty username counts as absent", `{"username":""}`, 400, validation(mustProvide)},
		{"a blank realm name counts as absent", `{"realm_name":"  "}`, 400, validation(mustProvide)},
		{"an empty token and realm count as absent", `{"token":"","realm_name":""}`, 400, validation(mustProvide)},
		{"a token with a username gets both errors", `{"token":"x","username":"u"}`, 400, validation(mustNotBoth)},
		{"a refresh token with a realm gets both errors", `{"refresh_token":"x","realm_name":"r"}`, 400, validation(mustNotBoth)},
		{"a blank token with a username only gets the token type error", `{"token":"   ","username":"u"}`, 400, validation(mustNotType)},
		{"a token with an empty realm is an access-token request", `{"token":"x","realm_name":""}`, 404, notFoundBody},
		{"a token with an empty refresh token is an access-token request", `{"token":"x","refresh_token":""}`, 404, notFoundBody},
		{"a blank token is accepted and not found", `{"token":"  "}`, 404, notFoundBody},
		{"realm and username together are valid", `{"realm_name":"r","username":"u"}`, 200, counts(0, 0)},
		{"a no-break space is text to Java", `{"username":"\u00a0"}`, 200, counts(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			f.mint(adminUser) // the tokens index exists

			r := f.invalidate(tt.body)

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(Equal(tt.wantBody))
			expectElasticsearchHeaders(g, r)
		})
	}
}

func TestInvalidateRejectsBodiesTheParserRejects(t *testing.T) {
	parse := func(reason string) string {
		return errorBody(http.StatusBadRequest, "x_content_parse_exception", reason)
	}
	const onlyOne = `{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"Failed to build [invalidate_token] after last required field arrived"}],` +
		`"type":"x_content_parse_exception","reason":"Failed to build [invalidate_token] after last required field arrived",` +
		`"caused_by":{"type":"illegal_argument_exception","reason":"only one of [token, refresh_token] may be sent per request"}},"status":400}`
	const allFour = `{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"[1:62] [invalidate_token] failed to parse field [username]"}],` +
		`"type":"x_content_parse_exception","reason":"[1:62] [invalidate_token] failed to parse field [username]",` +
		`"caused_by":{"type":"x_content_parse_exception","reason":"Failed to build [invalidate_token] after last required field arrived",` +
		`"caused_by":{"type":"illegal_argument_exception","reason":"only one of [token, refresh_token] may be sent per request"}}},"status":400}`
	tests := []struct {
		name     string
		body     string
		wantBody string
	}{
		{"both token and refresh token", `{"token":"a","refresh_token":"b"}`, onlyOne},
		{"all four fields with both tokens", `{"token":"a","refresh_token":"b","realm_name":"r","username":"u"}`, allFour},
		{"an unknown field", `{"foo":"x"}`, parse("[1:2] [invalidate_token] unknown field [foo]")},
		{"an unknown field on the second line", "{\n  \"foo\": 1\n}", parse("[2:3] [invalidate_token] unknown field [foo]")},
		{"a number", `{"token": 1}`, parse("[1:11] [invalidate_token] token doesn't support values of type: VALUE_NUMBER")},
		{"a null", `{"token":null}`, parse("[1:10] [invalidate_token] token doesn't support values of type: VALUE_NULL")},
		{"a boolean", `{"refresh_token":true}`, parse("[1:18] [invalidate_token] refresh_token doesn't support values of type: VALUE_BOOLEAN")},
		{"an object", `{"username":{"a":"b"}}`, parse("[1:13] [invalidate_token] username doesn't support values of type: START_OBJECT")},
		{"an array", `{"realm_name":["r"]}`, parse("[1:15] [invalidate_token] realm_name doesn't support values of type: START_ARRAY")},
		{"an array at the top", `["x"]`, parse("[1:1] [invalidate_token] Expected START_OBJECT but was: START_ARRAY")},
		{"only whitespace", "  \n", parse("[2:1] [invalidate_token] Expected START_OBJECT but was: null")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.invalidate(tt.body)

			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body).To(Equal(tt.wantBody))
			g.Expect(f.em.InvalidateCalls()).To(BeZero())
		})
	}
}

func TestInvalidateRejectsMalformedJSON(t *testing.T) {
	tests := map[string]string{
		"an unterminated object":   `{"token":"x"`,
		"a trailing comma":         `{"token":"x",}`,
		"a missing colon":          `{"token" "x"}`,
		"an unquoted field name":   `{token:"x"}`,
		"a duplicated field":       `{"token":"a","token":"b"}`,
		"a bad literal":            `{"token":nope}`,
		"an unterminated string":   `{"token":"x`,
		"a raw newline in a value": "{\"token\":\"a\nb\"}",
	}
	for name, body := range tests {
		t.Run("a body with "+name+" is a parse error", func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.invalidate(body)

			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body).To(HavePrefix(`{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"[1:`))
			g.Expect(r.body).To(ContainSubstring(`"caused_by":{"type":"json_parse_exception"`))
			g.Expect(r.body).To(HaveSuffix(`"status":400}`))
		})
	}
}

func TestInvalidateRequiresAJSONBody(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		headers    []string
		wantStatus int
		wantBody   string
	}{
		{"an empty body is required", "", nil, 400,
			errorBody(400, "parse_exception", "request body is required")},
		{"a body without Content-Type is not acceptable", `{}`, []string{"Content-Type", ""}, 406,
			`{"error":"Content-Type header is missing","status":406}`},
		{"a text body is not acceptable", `{}`, []string{"Content-Type", "text/plain"}, 406,
			`{"error":"Content-Type header [text/plain] is not supported","status":406}`},
		{"JSON with a charset is fine", `{"token":"x"}`, []string{"Content-Type", "application/json; charset=UTF-8"}, 404, notFoundBody},
		{"the global query parameters are accepted", `{"token":"x"}`, []string{"X-Path", "?pretty=false&human=true&error_trace=false"}, 404, notFoundBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			f.mint(adminUser)
			path, headers := tokenPath, tt.headers
			if len(headers) == 2 && headers[0] == "X-Path" {
				path, headers = tokenPath+headers[1], nil
			}

			r := f.send(http.MethodDelete, path, tt.body, headers...)

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(Equal(tt.wantBody))
			g.Expect(r.header.Get("X-Elastic-Product")).To(Equal("Elasticsearch"))
		})
	}
}

func TestInvalidateRejectsUnknownQueryParameters(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	one := f.send(http.MethodDelete, tokenPath+"?refresh=true", `{"token":"x"}`)
	two := f.send(http.MethodDelete, tokenPath+"?b=1&a=2", `{"token":"x"}`)

	g.Expect(one.status).To(Equal(http.StatusBadRequest))
	g.Expect(one.body).To(Equal(errorBody(400, "illegal_argument_exception",
		"request [/_security/oauth2/token] contains unrecognized parameter: [refresh]")))
	g.Expect(two.body).To(Equal(errorBody(400, "illegal_argument_exception",
		"request [/_security/oauth2/token] contains unrecognized parameters: [a], [b]")))
}

func TestInvalidateChecksInElasticsearchsOrder(t *testing.T) {
	tests := []struct {
		name       string
		auth       string
		body       string
		disabled   bool
		wantStatus int
		wantType   string
		wantCalls  int64
	}{
		{"authentication comes before the body", "", `not json`, false, 401, "security_exception", 0},
		{"parsing comes before authorization", basic(weakUser, weakPassword), `{"foo":"x"}`, false, 400, "x_content_parse_exception", 0},
		{"validation comes before authorization", basic(weakUser, weakPassword), `{}`, false, 400, "action_request_validation_exception", 0},
		{"authorization comes before the token service", basic(weakUser, weakPassword), `{"token":"x"}`, true, 403, "security_exception", 0},
		{"validation comes before the token service check", basic(adminUser, adminPassword), `{}`, true, 400, "action_request_validation_exception", 0},
		{"a disabled token service is reached last", basic(adminUser, adminPassword), `{"token":"x"}`, true, 400, "feature_not_enabled_exception", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			f.em.SetTokenServiceEnabled(!tt.disabled)

			r := f.invalidate(tt.body, "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(ContainSubstring(`"type":"` + tt.wantType + `"`))
			g.Expect(f.em.InvalidateCalls()).To(Equal(tt.wantCalls))
		})
	}
}
