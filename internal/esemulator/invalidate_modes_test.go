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

func TestInvalidatingAnAccessTokenCountsItOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(samlUser)

	first := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	second := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(first.status).To(Equal(http.StatusOK))
	g.Expect(first.body).To(Equal(counts(1, 0)))
	g.Expect(second.status).To(Equal(http.StatusOK))
	g.Expect(second.body).To(Equal(counts(0, 1)))
	known, access, refresh := f.em.TokenState(pair.AccessToken)
	g.Expect([]bool{known, access, refresh}).To(Equal([]bool{true, true, false}), "the refresh half stays valid")
	refreshed := f.getToken(`{"grant_type":"refresh_token","refresh_token":"` + pair.RefreshToken + `"}`)
	g.Expect(refreshed.status).To(Equal(http.StatusOK), "the refresh token is still usable")
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(2)))
}

func TestInvalidatingARefreshTokenLeavesItsAccessTokenUsable(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(samlUser)

	first := f.invalidate(`{"refresh_token":"` + pair.RefreshToken + `"}`)
	second := f.invalidate(`{"refresh_token":"` + pair.RefreshToken + `"}`)

	g.Expect(first.body).To(Equal(counts(1, 0)))
	g.Expect(second.body).To(Equal(counts(0, 1)))
	me := f.send(http.MethodGet, "/_security/_authenticate", "", "Authorization", bearer(pair.AccessToken))
	g.Expect(me.status).To(Equal(http.StatusOK))
	refreshed := f.getToken(`{"grant_type":"refresh_token","refresh_token":"` + pair.RefreshToken + `"}`)
	g.Expect(refreshed.status).To(Equal(http.StatusBadRequest))
	g.Expect(refreshed.body).To(Equal(`{"error":"invalid_grant","error_description":"token has been invalidated"}`))
}

func TestInvalidatingAnUnknownTokenIsNotFound(t *testing.T) {
	f := newFixture(t)
	pair := f.mint(adminUser)
	tests := map[string]string{
		"an access token is unknown":                  `{"token":"` + legacyToken + `"}`,
		"a refresh token is unknown":                  `{"refresh_token":"` + legacyToken + `"}`,
		"the documentation's token is malformed":      `{"token":"` + seedToken + `"}`,
		"a non-base64 token is malformed":             `{"token":"!this_is_not_a_base64_string_and_we_should_fail_decoding_it"}`,
		"an access token sent as a refresh token":     `{"refresh_token":"` + pair.AccessToken + `"}`,
		"a refresh token sent as an access token":     `{"token":"` + pair.RefreshToken + `"}`,
		"the documentation's refresh token is absent": `{"refresh_token":"vLBPvmAB6KvwvJZr27cS"}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)

			r := f.invalidate(body)

			g.Expect(r.status).To(Equal(http.StatusNotFound))
			g.Expect(r.body).To(Equal(notFoundBody))
			expectElasticsearchHeaders(g, r)
		})
	}
}

func TestInvalidatingBeforeAnyTokenExistsFailsForWellFormedTokens(t *testing.T) {
	missingIndex := errorBody(http.StatusBadRequest, "security_exception", "failed to invalidate token")
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"a well-formed access token", `{"token":"` + legacyToken + `"}`, 400, missingIndex},
		{"a well-formed refresh token", `{"refresh_token":"` + legacyToken + `"}`, 400, missingIndex},
		{"a malformed token is still not found", `{"token":"` + seedToken + `"}`, 404, notFoundBody},
		{"a user still finds nothing", `{"username":"` + adminUser + `"}`, 200, counts(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)

			r := f.invalidate(tt.body)

			g.Expect(r.status).To(Equal(tt.wantStatus))
			g.Expect(r.body).To(Equal(tt.wantBody))
		})
	}
}

func TestInvalidatingByRealmOrUserCountsEveryActiveHalf(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"a user's two password tokens count 4", `{"username":"elastic"}`, counts(4, 0)},
		{"a realm counts password tokens twice and client credentials once", `{"realm_name":"saml1"}`, counts(3, 0)},
		{"realm and user must both match", `{"realm_name":"default_native","username":"alice"}`, counts(0, 0)},
		{"realm and user narrow to one user", `{"realm_name":"saml1","username":"alice"}`, counts(3, 0)},
		{"a blank username with a realm means the whole realm", `{"realm_name":"default_native","username":" "}`, counts(4, 0)},
		{"a blank realm with a username is a realm that matches nothing", `{"realm_name":" ","username":"elastic"}`, counts(0, 0)},
		{"an unknown user finds nothing and is still 200", `{"username":"nobody"}`, counts(0, 0)},
		{"usernames are case-sensitive", `{"username":"Elastic"}`, counts(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			f.mint(adminUser)
			f.mint(adminUser)
			f.mint(samlUser)
			f.mintCC(samlUser)

			first := f.invalidate(tt.body)
			again := f.invalidate(tt.body)

			g.Expect(first.status).To(Equal(http.StatusOK))
			g.Expect(first.body).To(Equal(tt.want))
			g.Expect(again.body).To(Equal(counts(0, 0)), "fully invalidated documents are not selected again")
		})
	}
}

func TestInvalidatingByUserCountsAlreadyInvalidHalvesAsPrevious(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(f *fixture, pair tokenPair)
		want    string
	}{
		{"an invalidated access half with a live refresh half counts 1+1", func(f *fixture, p tokenPair) {
			f.invalidate(`{"token":"` + p.access + `"}`)
		}, counts(1, 1)},
		{"an invalidated refresh half with a live access half counts 1+1", func(f *fixture, p tokenPair) {
			f.invalidate(`{"refresh_token":"` + p.refresh + `"}`)
		}, counts(1, 1)},
		{"an untouched password-grant token counts 2", func(*fixture, tokenPair) {}, counts(2, 0)},
		{"a refreshed token is still active and counts 2 along with its successor", func(f *fixture, p tokenPair) {
			f.getToken(`{"grant_type":"refresh_token","refresh_token":"` + p.refresh + `"}`)
		}, counts(4, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			pair := f.mint(samlUser)
			tt.prepare(f, tokenPair{access: pair.AccessToken, refresh: pair.RefreshToken})

			r := f.invalidate(`{"username":"alice"}`)

			g.Expect(r.status).To(Equal(http.StatusOK))
			g.Expect(r.body).To(Equal(tt.want))
			_, access, refresh := f.em.TokenState(pair.AccessToken)
			g.Expect(access && refresh).To(BeTrue())
		})
	}
}

type tokenPair struct{ access, refresh string }

func TestClientCredentialsTokensCountOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	cc := f.getToken(`{"grant_type":"client_credentials"}`, "Authorization", basic(samlUser, samlPassword))
	g.Expect(cc.status).To(Equal(http.StatusOK))
	tok := decodeToken(t, cc.body)
	g.Expect(tok.RefreshToken).To(BeEmpty())

	r := f.invalidate(`{"realm_name":"saml1"}`)

	g.Expect(r.body).To(Equal(counts(1, 0)))
	g.Expect(f.invalidate(`{"token":"` + tok.AccessToken + `"}`).body).To(Equal(counts(0, 1)))
}

func TestInvalidatingPaddingFreeTokensFindsTheSameDocument(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	unpadded := pair.AccessToken
	for unpadded[len(unpadded)-1] == '=' {
		unpadded = unpadded[:len(unpadded)-1]
	}
	g.Expect(unpadded).NotTo(Equal(pair.AccessToken), "minted tokens are padded base64")

	r := f.invalidate(`{"token":"` + unpadded + `"}`)

	g.Expect(r.body).To(Equal(counts(1, 0)))
}
