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
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/typedapi/security/gettoken"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/accesstokengranttype"
	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func (f *fixture) clientConfig() elasticsearch.Config {
	return elasticsearch.Config{
		Addresses:    []string{f.srv.URL},
		Username:     adminUser,
		Password:     adminPassword,
		DisableRetry: true,
	}
}

func (f *fixture) lowLevelClient() *elasticsearch.Client {
	f.t.Helper()
	es, err := elasticsearch.NewClient(f.clientConfig())
	if err != nil {
		f.t.Fatalf("creating client: %v", err)
	}
	return es
}

func (f *fixture) typedClient() *elasticsearch.TypedClient {
	f.t.Helper()
	tc, err := elasticsearch.NewTypedClient(f.clientConfig())
	if err != nil {
		f.t.Fatalf("creating typed client: %v", err)
	}
	return tc
}

// readResponse returns a function that reads an esapi call's status and
// decoded JSON body: readResponse(t)(es.Security.GetToken(...)).
func readResponse(t *testing.T) func(*esapi.Response, error) (int, map[string]any) {
	return func(res *esapi.Response, err error) (int, map[string]any) {
		t.Helper()
		return decodeESResponse(t, res, err)
	}
}

func decodeESResponse(t *testing.T, res *esapi.Response, err error) (int, map[string]any) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return res.StatusCode, body
}

func countersOf(body map[string]any) []float64 {
	return []float64{body["invalidated_tokens"].(float64), body["previously_invalidated_tokens"].(float64), body["error_count"].(float64)}
}

func TestTheLowLevelClientInvalidatesEveryModeWithElasticsearchsCounters(t *testing.T) {
	tests := []struct {
		name   string
		body   func(password, clientCredentials tokenPair) string
		want   []float64
		single bool // one token: a repeat finds it previously invalidated
	}{
		{"an access token", func(p, _ tokenPair) string { return `{"token":"` + p.access + `"}` }, []float64{1, 0, 0}, true},
		{"a refresh token", func(p, _ tokenPair) string { return `{"refresh_token":"` + p.refresh + `"}` }, []float64{1, 0, 0}, true},
		{"a client_credentials token", func(_, c tokenPair) string { return `{"token":"` + c.access + `"}` }, []float64{1, 0, 0}, true},
		{"a realm: password grant 2 + client_credentials 1", func(_, _ tokenPair) string { return `{"realm_name":"saml1"}` }, []float64{3, 0, 0}, false},
		{"a user", func(_, _ tokenPair) string { return `{"username":"alice"}` }, []float64{3, 0, 0}, false},
		{"a realm and a user", func(_, _ tokenPair) string { return `{"realm_name":"saml1","username":"alice"}` }, []float64{3, 0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			es := f.lowLevelClient()
			ctx := context.Background()
			_, pw := readResponse(t)(es.Security.GetToken(strings.NewReader(
				`{"grant_type":"password","username":"alice","password":"alice-password"}`), es.Security.GetToken.WithContext(ctx)))
			_, cc := readResponse(t)(es.Security.GetToken(strings.NewReader(`{"grant_type":"client_credentials"}`),
				es.Security.GetToken.WithContext(ctx), es.Security.GetToken.WithHeader(map[string]string{
					"Authorization": basic(samlUser, samlPassword)})))
			password := tokenPair{access: pw["access_token"].(string), refresh: pw["refresh_token"].(string)}
			clientCredentials := tokenPair{access: cc["access_token"].(string)}
			g.Expect(cc).NotTo(HaveKey("refresh_token"))
			body := tt.body(password, clientCredentials)

			status, first := readResponse(t)(es.Security.InvalidateToken(strings.NewReader(body), es.Security.InvalidateToken.WithContext(ctx)))
			_, again := readResponse(t)(es.Security.InvalidateToken(strings.NewReader(body), es.Security.InvalidateToken.WithContext(ctx)))

			g.Expect(status).To(Equal(http.StatusOK))
			g.Expect(countersOf(first)).To(Equal(tt.want))
			if tt.single {
				g.Expect(countersOf(again)).To(Equal([]float64{0, 1, 0}), "a repeat finds it previously invalidated")
			} else {
				g.Expect(countersOf(again)).To(Equal([]float64{0, 0, 0}), "a repeat selects nothing")
			}
		})
	}
}

func TestTheLowLevelClientSeesMixedDocumentsAndInvalidatedTokens(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	es := f.lowLevelClient()
	pair := f.passwordGrant()
	readResponse(t)(es.Security.InvalidateToken(strings.NewReader(`{"token":"` + pair.AccessToken + `"}`)))

	_, mixed := readResponse(t)(es.Security.InvalidateToken(strings.NewReader(`{"username":"alice"}`)))
	status, refreshed := readResponse(t)(es.Security.GetToken(strings.NewReader(
		`{"grant_type":"refresh_token","refresh_token":"` + pair.RefreshToken + `"}`)))
	authStatus, _ := readResponse(t)(es.Security.Authenticate(es.Security.Authenticate.WithHeader(
		map[string]string{"Authorization": bearer(pair.AccessToken)})))
	notFound, body := readResponse(t)(es.Security.InvalidateToken(strings.NewReader(`{"token":"` + legacyToken + `"}`)))

	g.Expect(countersOf(mixed)).To(Equal([]float64{1, 1, 0}))
	g.Expect(status).To(Equal(http.StatusBadRequest))
	g.Expect(refreshed).To(Equal(map[string]any{"error": "invalid_grant", "error_description": "token has been invalidated"}))
	g.Expect(authStatus).To(Equal(http.StatusUnauthorized))
	g.Expect(notFound).To(Equal(http.StatusNotFound))
	g.Expect(countersOf(body)).To(Equal([]float64{0, 0, 0}))
}

func TestTheTypedClientMintsAndInvalidates(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	tc := f.typedClient()
	ctx := context.Background()
	user, password := samlUser, samlPassword

	pw, err := tc.Security.GetToken().Request(&gettoken.Request{
		GrantType: &accesstokengranttype.Password, Username: &user, Password: &password}).Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	cc, err := tc.Security.GetToken().Request(&gettoken.Request{GrantType: &accesstokengranttype.Clientcredentials}).Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())

	g.Expect(pw.ExpiresIn).To(Equal(int64(1200)))
	g.Expect(pw.RefreshToken).NotTo(BeNil())
	g.Expect(pw.Authentication.Username).To(Equal("alice"))
	g.Expect(pw.Authentication.AuthenticationRealm.Name).To(Equal("saml1"))
	g.Expect(cc.RefreshToken).To(BeNil())
	g.Expect(cc.Authentication.Username).To(Equal("elastic"))

	byToken, err := tc.Security.InvalidateToken().Token(pw.AccessToken).Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect([]int64{byToken.InvalidatedTokens, byToken.PreviouslyInvalidatedTokens, byToken.ErrorCount}).To(Equal([]int64{1, 0, 0}))
	byRealm, err := tc.Security.InvalidateToken().RealmName("saml1").Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect([]int64{byRealm.InvalidatedTokens, byRealm.PreviouslyInvalidatedTokens}).To(Equal([]int64{1, 1}))
	byUser, err := tc.Security.InvalidateToken().Username("elastic").Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(byUser.InvalidatedTokens).To(Equal(int64(1)), "the client_credentials token counts 1")
	again, err := tc.Security.InvalidateToken().RefreshToken(*pw.RefreshToken).Do(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again.PreviouslyInvalidatedTokens).To(Equal(int64(1)))
}

func TestTheTypedClientGetsNotFoundAsAnElasticsearchError(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.mint(adminUser)

	_, err := f.typedClient().Security.InvalidateToken().Token(legacyToken).Do(context.Background())

	var esErr *types.ElasticsearchError
	g.Expect(errors.As(err, &esErr)).To(BeTrue(), "got %v", err)
	g.Expect(esErr.Status).To(Equal(http.StatusNotFound))
	g.Expect(esErr.ErrorCause.Type).To(BeEmpty())
}

func TestTheTypedClientGetsValidationErrorsAsElasticsearchErrors(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	_, err := f.typedClient().Security.InvalidateToken().Token("x").Username("u").Do(context.Background())

	var esErr *types.ElasticsearchError
	g.Expect(errors.As(err, &esErr)).To(BeTrue(), "got %v", err)
	g.Expect(esErr.Status).To(Equal(http.StatusBadRequest))
	g.Expect(esErr.ErrorCause.Type).To(Equal("action_request_validation_exception"))
	g.Expect(*esErr.ErrorCause.Reason).To(Equal(mustNotBoth))
}

func TestTheClientsProductCheckPassesAndNoticesAMissingHeader(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)

	_, passes := f.typedClient().Security.InvalidateToken().Token(pair.AccessToken).Do(context.Background())
	f.em.InjectFaults(esemulator.Fault{NoProductHeader: true})
	_, fails := f.lowLevelClient().Security.InvalidateToken(strings.NewReader(`{"token":"` + pair.AccessToken + `"}`))

	g.Expect(passes).NotTo(HaveOccurred())
	g.Expect(fails).To(MatchError(ContainSubstring("the client noticed that the server is not Elasticsearch")))
}

func TestTheClientRetriesUnavailableAnswersByDefault(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	unavailable := esemulator.Fault{Status: http.StatusServiceUnavailable}
	f.em.InjectFaults(unavailable, unavailable, unavailable)
	cfg := f.clientConfig()
	cfg.DisableRetry = false
	es, err := elasticsearch.NewClient(cfg)
	g.Expect(err).NotTo(HaveOccurred())

	status, body := readResponse(t)(es.Security.InvalidateToken(strings.NewReader(`{"token":"` + pair.AccessToken + `"}`)))

	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(countersOf(body)).To(Equal([]float64{1, 0, 0}))
	g.Expect(f.em.InvalidateCalls()).To(Equal(int64(4)), "one call and three retries")
}

func TestAVersion8TypedClientWorksAgainstEmulated9(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithVersion("9.1.5"))
	pair := f.mint(adminUser)

	res, err := f.typedClient().Security.InvalidateToken().Token(pair.AccessToken).Do(context.Background())

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.InvalidatedTokens).To(Equal(int64(1)))
}
