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
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestGetTokenValidatesLikeCreateTokenRequest(t *testing.T) {
	const grants = "grant_type only supports the values: [password, _kerberos, refresh_token, client_credentials]"
	oauth := func(code, description string) string {
		return `{"error":"` + code + `","error_description":"Validation Failed: ` + description + `"}`
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"a missing grant type", `{"username":"a"}`, oauth("unsupported_grant_type", "1: "+grants+";")},
		{"an unsupported grant type", `{"grant_type":"authorization_code"}`, oauth("unsupported_grant_type", "1: "+grants+";")},
		{"a password grant without credentials", `{"grant_type":"password"}`,
			oauth("invalid_request", "1: username is missing;2: password is missing;")},
		{"a password grant with an empty password", `{"grant_type":"password","username":"a","password":""}`,
			oauth("invalid_request", "1: password is missing;")},
		{"a password grant with a refresh token", `{"grant_type":"password","username":"a","password":"b","refresh_token":"c"}`,
			oauth("unsupported_grant_type", "1: refresh_token is not supported with the password grant_type;")},
		{"client credentials with a username, even empty", `{"grant_type":"client_credentials","username":""}`,
			oauth("unsupported_grant_type", "1: username is not supported with the client_credentials grant_type;")},
		{"a refresh grant without a refresh token", `{"grant_type":"refresh_token"}`,
			oauth("invalid_request", "1: refresh_token is missing;")},
		{"a kerberos grant with a password", `{"grant_type":"_kerberos","password":"p"}`,
			oauth("unsupported_grant_type", "1: password is not supported with the _kerberos grant_type;2: kerberos_ticket is missing;")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.getToken(tt.body)

			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body).To(Equal(tt.want))
			expectElasticsearchHeaders(g, r)
		})
	}
}

func TestGetTokenParsesLikeItsObjectParser(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	unknown := f.getToken(`{"grant_type":"password","user":"a"}`)
	empty := f.getToken(``)

	g.Expect(unknown.body).To(Equal(errorBody(400, "x_content_parse_exception", "[1:26] [token_request] unknown field [user]")))
	g.Expect(empty.body).To(Equal(errorBody(400, "parse_exception", "request body is required")))
}

func TestThePasswordGrantAnswersLikeElasticsearch(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	r := f.getToken(`{"grant_type":"password","username":"alice","password":"alice-password","scope":"anything"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(MatchRegexp(`^\{"access_token":"[A-Za-z0-9+/]{39}=","type":"Bearer","expires_in":1200,` +
		`"refresh_token":"[A-Za-z0-9+/]{39}=","scope":"full","authentication":\{"username":"alice","roles":\["superuser"\],` +
		`"full_name":null,"email":null,"metadata":\{\},"enabled":true,"authentication_realm":\{"name":"saml1","type":"saml"\},` +
		`"lookup_realm":\{"name":"saml1","type":"saml"\},"authentication_type":"realm"\}\}$`))
	tok := decodeToken(t, r.body)
	raw, err := base64.StdEncoding.DecodeString(tok.AccessToken)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(raw).To(HaveLen(29), "a 4-byte version, a length byte and 24 random bytes")
	g.Expect(raw[4]).To(Equal(byte(24)))
	g.Expect(tok.RefreshToken).NotTo(Equal(tok.AccessToken))
}

func TestTheClientCredentialsGrantIssuesOnlyAnAccessToken(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithTokenTimeout(5*time.Minute))

	r := f.getToken(`{"grant_type":"client_credentials"}`, "Authorization", apiKey(apiKeyID, apiKeySecret))

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(MatchRegexp(`^\{"access_token":"[^"]{40}","type":"Bearer","expires_in":300,"authentication":\{` +
		`"username":"key-1",.*"authentication_type":"api_key","api_key":\{"id":"key-1","name":"key-1"\}\}\}$`))
	g.Expect(f.invalidate(`{"realm_name":"_es_api_key"}`).body).To(Equal(counts(1, 0)))
}

func TestAWrongPasswordInTheBodyIsUnauthorized(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	r := f.getToken(`{"grant_type":"password","username":"alice","password":"guess"}`)

	g.Expect(r.status).To(Equal(http.StatusUnauthorized))
	g.Expect(r.body).To(Equal(unauthorized(
		"unable to authenticate user [alice] for action [cluster:admin/xpack/security/token/create]", "")))
	g.Expect(r.body).NotTo(ContainSubstring("guess"))
}

func TestRefreshingFollowsElasticsearchsRules(t *testing.T) {
	invalidGrant := func(description string) string {
		return `{"error":"invalid_grant","error_description":"` + description + `"}`
	}
	admin := basic(adminUser, adminPassword)
	tests := []struct {
		name string
		opts []esemulator.Option
		// prepare acts on the fixture and returns the refresh token to use.
		prepare func(f *fixture, refresh string) string
		auth    string
		want    string
	}{
		{"an unknown refresh token cannot be refreshed", nil, func(*fixture, string) string {
			return legacyToken
		}, admin, invalidGrant("could not refresh the requested token")},
		{"an invalidated refresh token cannot be refreshed", nil, func(f *fixture, rt string) string {
			f.invalidate(`{"refresh_token":"` + rt + `"}`)
			return rt
		}, admin, invalidGrant("token has been invalidated")},
		{"a refresh more than 30 seconds after the first fails", nil, func(f *fixture, rt string) string {
			f.getToken(`{"grant_type":"refresh_token","refresh_token":"` + rt + `"}`)
			f.clock.Step(31 * time.Second)
			return rt
		}, admin, invalidGrant("token has already been refreshed more than 30 seconds in the past")},
		{"another client cannot refresh", nil, func(_ *fixture, rt string) string { return rt },
			basic(samlUser, samlPassword), invalidGrant("tokens must be refreshed by the creating client")},
		{"an expired document cannot be refreshed before the remover deletes it",
			[]esemulator.Option{esemulator.WithRemoverDelay(30 * time.Minute)}, func(f *fixture, rt string) string {
				f.invalidate(`{"refresh_token":"` + rt + `"}`)
				f.clock.Step(24*time.Hour + time.Minute)
				return rt
			}, admin, invalidGrant("token document has expired")},
		{"a deleted document cannot be refreshed", nil, func(f *fixture, rt string) string {
			f.clock.Step(24 * time.Hour)
			return rt
		}, admin, invalidGrant("could not refresh the requested token")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, tt.opts...)
			rt := tt.prepare(f, f.passwordGrant().RefreshToken)

			r := f.getToken(`{"grant_type":"refresh_token","refresh_token":"`+rt+`"}`, "Authorization", tt.auth)

			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body).To(Equal(tt.want))
		})
	}
}

func TestRefreshingTwiceWithin30SecondsReturnsTheSamePair(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	original := f.passwordGrant()
	body := `{"grant_type":"refresh_token","refresh_token":"` + original.RefreshToken + `"}`

	first := f.getToken(body)
	f.clock.Step(30 * time.Second)
	second := f.getToken(body)

	g.Expect(first.status).To(Equal(http.StatusOK))
	g.Expect(first.body).To(MatchRegexp(`"expires_in":1200,"refresh_token":"[^"]+","authentication":\{"username":"alice",.*` +
		`"authentication_type":"token"\}\}$`))
	g.Expect(second.status).To(Equal(http.StatusOK))
	a, b := decodeToken(t, first.body), decodeToken(t, second.body)
	g.Expect(b.AccessToken).To(Equal(a.AccessToken))
	g.Expect(b.RefreshToken).To(Equal(a.RefreshToken))
	g.Expect(a.AccessToken).NotTo(Equal(original.AccessToken))
	old := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", bearer(original.AccessToken))
	g.Expect(old.status).To(Equal(http.StatusOK), "refreshing does not invalidate the old access token")
	g.Expect(f.invalidate(`{"username":"alice"}`).body).To(Equal(counts(4, 0)))
}
