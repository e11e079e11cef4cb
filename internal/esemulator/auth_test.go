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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

var challenges = []string{`Basic realm="security" charset="UTF-8"`, `Bearer realm="security"`, `ApiKey`}

const challengeJSON = `"header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","Bearer realm=\"security\"","ApiKey"]}`

// unauthorized is the 401 body with the default challenges and optional metadata.
func unauthorized(reason, metadata string) string {
	inner := `"type":"security_exception","reason":` + jsonString(reason) + metadata + `,` + challengeJSON
	return `{"error":{"root_cause":[{` + inner + `}],` + inner + `},"status":401}`
}

func TestRequestsWithoutValidCredentialsAreUnauthorized(t *testing.T) {
	const anonymous = "unable to authenticate with provided credentials and anonymous access is not allowed for this request"
	tests := []struct {
		name     string
		auth     string
		wantBody string
	}{
		{"no credentials", "", unauthorized("missing authentication credentials for REST request [/_security/oauth2/token]", "")},
		{"an unknown scheme", "Digest abc", unauthorized("missing authentication credentials for REST request [/_security/oauth2/token]", "")},
		{"a wrong password", basic(adminUser, "wrong"), unauthorized("unable to authenticate user [elastic] for REST request [/_security/oauth2/token]", "")},
		{"an unknown user", basic("mallory", "x"), unauthorized("unable to authenticate user [mallory] for REST request [/_security/oauth2/token]", "")},
		{"a Basic value that is not base64", "Basic !!!", unauthorized("invalid basic authentication header encoding", "")},
		{"a Basic value without a colon", "Basic " + "ZWxhc3RpYw==", unauthorized("invalid basic authentication header value", "")},
		{"an unknown API key", apiKey("nope", "x"), unauthorized(anonymous, `,"additional_unsuccessful_credentials":"API key: unable to find apikey with id nope"`)},
		{"a wrong API key secret", apiKey(apiKeyID, "wrong"), unauthorized(anonymous, `,"additional_unsuccessful_credentials":"API key: invalid credentials for API key [key-1]"`)},
		{"an unknown bearer token", bearer(legacyToken), unauthorized(anonymous, `,"additional_unsuccessful_credentials":"oauth2 token: invalid token"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.invalidate(`{"token":"x"}`, "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(http.StatusUnauthorized))
			g.Expect(r.body).To(Equal(tt.wantBody))
			g.Expect(r.header.Values("WWW-Authenticate")).To(Equal(challenges))
			expectElasticsearchHeaders(g, r)
			g.Expect(r.body).NotTo(ContainSubstring("wrong"), "no secret is echoed")
			g.Expect(f.em.InvalidateCalls()).To(BeZero())
		})
	}
}

func TestTheMissingCredentialsMessageNamesTheRequestURI(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	r := f.send(http.MethodGet, "/_security/_authenticate?human=true", "", "Authorization", "")

	g.Expect(r.body).To(Equal(unauthorized("missing authentication credentials for REST request [/_security/_authenticate?human=true]", "")))
}

func TestBearerTokensStopAuthenticatingOnceInvalidatedOrExpired(t *testing.T) {
	const expired = `Bearer realm="security", error="invalid_token", error_description="The access token expired"`
	inner := `"type":"security_exception","reason":"token expired","header":{"WWW-Authenticate":` + jsonString(expired) + `}`
	wantBody := `{"error":{"root_cause":[{` + inner + `}],` + inner + `},"status":401}`
	tests := []struct {
		name   string
		revoke func(f *fixture, access string)
	}{
		{"an invalidated token", func(f *fixture, access string) { f.invalidate(`{"token":"` + access + `"}`) }},
		{"a token invalidated by user", func(f *fixture, _ string) { f.invalidate(`{"username":"alice"}`) }},
		{"an expired token", func(f *fixture, _ string) { f.clock.Step(20*time.Minute + time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" answers token expired", func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			access := f.passwordGrant().AccessToken
			before := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", bearer(access))
			g.Expect(before.status).To(Equal(http.StatusOK))

			tt.revoke(f, access)
			after := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", bearer(access))

			g.Expect(after.status).To(Equal(http.StatusUnauthorized))
			g.Expect(after.body).To(Equal(wantBody))
			g.Expect(after.header.Values("WWW-Authenticate")).To(Equal([]string{expired}))
		})
	}
}

func TestAuthenticateDescribesTheCaller(t *testing.T) {
	realm := func(name, typ string) string { return `{"name":"` + name + `","type":"` + typ + `"}` }
	user := func(name, roles, r, authType string) string {
		return `{"username":"` + name + `","roles":` + roles + `,"full_name":null,"email":null,"metadata":{},"enabled":true,` +
			`"authentication_realm":` + r + `,"lookup_realm":` + r + `,"authentication_type":"` + authType + `"`
	}
	f := newFixture(t)
	access := f.mint(samlUser).AccessToken
	tests := []struct {
		name string
		auth string
		want string
	}{
		{"a native user", basic(adminUser, adminPassword), user("elastic", `["superuser"]`, realm("default_native", "native"), "realm") + `}`},
		{"a SAML user", basic(samlUser, samlPassword), user("alice", `["superuser"]`, realm("saml1", "saml"), "realm") + `}`},
		{"an unprivileged user", basic(weakUser, weakPassword), user("bob", `[]`, realm("default_native", "native"), "realm") + `}`},
		{"an API key", apiKey(apiKeyID, apiKeySecret), user("key-1", `[]`, realm("_es_api_key", "_es_api_key"), "api_key") +
			`,"api_key":{"id":"key-1","name":"key-1"}}`},
		{"an API key with a lowercase scheme", "apikey " + strings.TrimPrefix(apiKey(apiKeyID, apiKeySecret), "ApiKey "),
			user("key-1", `[]`, realm("_es_api_key", "_es_api_key"), "api_key") + `,"api_key":{"id":"key-1","name":"key-1"}}`},
		{"a bearer token", bearer(access), user("alice", `["superuser"]`, realm("saml1", "saml"), "token") + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)

			r := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(http.StatusOK))
			g.Expect(r.body).To(Equal(tt.want))
			expectElasticsearchHeaders(g, r)
		})
	}
}

func TestCallersWithoutManageTokenAreForbidden(t *testing.T) {
	const invalidate = `action [cluster:admin/xpack/security/token/invalidate] is unauthorized for user [bob] with effective roles [], ` +
		`this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]`
	const create = `action [cluster:admin/xpack/security/token/create] is unauthorized for user [bob] with effective roles [], ` +
		`this action is granted by the cluster privileges [manage_token,manage_security,all]`
	const refresh = `action [cluster:admin/xpack/security/token/refresh] is unauthorized for user [bob] with effective roles [], ` +
		`this action is granted by the cluster privileges [manage_saml,manage_token,manage_security,all]`
	f := newFixture(t)
	bobs := f.mint(weakUser)
	tests := []struct {
		name, method, body, auth, reason string
	}{
		{"invalidating as bob", http.MethodDelete, `{"token":"x"}`, basic(weakUser, weakPassword), invalidate},
		{"invalidating with bob's bearer token", http.MethodDelete, `{"username":"x"}`, bearer(bobs.AccessToken), invalidate},
		{"creating a token as bob", http.MethodPost, `{"grant_type":"client_credentials"}`, basic(weakUser, weakPassword), create},
		{"refreshing a token as bob", http.MethodPost, `{"grant_type":"refresh_token","refresh_token":"x"}`, basic(weakUser, weakPassword), refresh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)

			r := f.send(tt.method, tokenPath, tt.body, "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(http.StatusForbidden))
			g.Expect(r.body).To(Equal(errorBody(http.StatusForbidden, "security_exception", tt.reason)))
			g.Expect(r.body).To(ContainSubstring("manage_token"))
			g.Expect(r.header.Values("WWW-Authenticate")).To(BeEmpty())
		})
	}
}

func TestTheAPIKeyAndBearerTokensOfPrivilegedCallersMayInvalidate(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	target := f.mint(samlUser)
	caller := f.mint(adminUser)

	byKey := f.invalidate(`{"token":"`+target.AccessToken+`"}`, "Authorization", apiKey(apiKeyID, apiKeySecret))
	byBearer := f.invalidate(`{"refresh_token":"`+target.RefreshToken+`"}`, "Authorization", bearer(caller.AccessToken))

	g.Expect(byKey.body).To(Equal(counts(1, 0)))
	g.Expect(byBearer.body).To(Equal(counts(1, 0)))
}

func TestADisabledTokenServiceRejectsTokenAPIsAndBearerTokens(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	access := f.mint(adminUser).AccessToken
	f.em.SetTokenServiceEnabled(false)
	inner := `"type":"feature_not_enabled_exception","reason":"security tokens are not enabled","disabled.feature":"security_tokens"`
	disabled := `{"error":{"root_cause":[{` + inner + `}],` + inner + `},"status":400}`

	inv := f.invalidate(`{"token":"` + access + `"}`)
	get := f.getToken(`{"grant_type":"client_credentials"}`)
	refresh := f.getToken(`{"grant_type":"refresh_token","refresh_token":"x"}`)
	me := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", bearer(access))
	_, mintErr := f.em.MintPasswordToken(adminUser)

	g.Expect(inv.status).To(Equal(http.StatusBadRequest))
	g.Expect(inv.body).To(Equal(disabled))
	g.Expect(get.body).To(Equal(disabled))
	g.Expect(refresh.body).To(Equal(disabled))
	g.Expect(me.status).To(Equal(http.StatusUnauthorized))
	g.Expect(me.header.Values("WWW-Authenticate")).To(Equal([]string{challenges[0], challenges[2]}),
		"Bearer is not offered when tokens are disabled")
	g.Expect(mintErr).To(HaveOccurred())
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(1)))

	f.em.SetTokenServiceEnabled(true)
	g.Expect(f.invalidate(`{"token":"` + access + `"}`).body).To(Equal(counts(1, 0)))
}

func TestClusterInfoIdentifiesElasticsearch(t *testing.T) {
	tests := []struct {
		version, lucene string
	}{
		{esemulator.DefaultVersion, "9.12.2"},
		{"9.1.5", "10.2.2"},
	}
	for _, tt := range tests {
		t.Run("version "+tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			r := f.send(http.MethodGet, "/", "")
			head := f.send(http.MethodHead, "/", "")

			g.Expect(r.status).To(Equal(http.StatusOK))
			g.Expect(r.body).To(MatchRegexp(`^\{"name":"es-emulator","cluster_name":"es-emulator","cluster_uuid":"[A-Za-z0-9_-]{22}",` +
				`"version":\{"number":"` + tt.version + `","build_flavor":"default",.*"lucene_version":"` + tt.lucene + `",.*\},` +
				`"tagline":"You Know, for Search"\}$`))
			expectElasticsearchHeaders(g, r)
			g.Expect(head.status).To(Equal(http.StatusOK))
			g.Expect(head.body).To(BeEmpty())
		})
	}
}
