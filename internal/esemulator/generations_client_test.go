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
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// perform sends a raw request through the official client's transport,
// below its product check, and reads the answer.
func perform(t *testing.T, es *elasticsearch.Client, method, path, body string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := es.Transport.Perform(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: string(b)}
}

func TestTheOfficialClientSeesEachGenerationOnTheWire(t *testing.T) {
	tests := []struct {
		version, path string
		product       bool
		invalidated   string
		unknownStatus int
		unknownBody   string
		warning       string
	}{
		{"6.0.1", legacyPath, false, created(true), 401, malformedBody, ""},
		{"6.1.4", legacyPath, false, created(true), 401, malformedBody, ""},
		{"6.5.4", legacyPath, false, created(true), 401, malformedBody, ""},
		{"6.8.23", legacyPath, false, createdCounts(true, 1, 0), 401, malformedBody, ""},
		{"7.6.2", legacyPath, false, counts(1, 0), 401, malformedBody, warningFor("7.6.2")},
		{"7.10.2", tokenPath, false, counts(1, 0), 404, notFoundBody, ""},
		{"7.17.29", tokenPath, true, counts(1, 0), 404, notFoundBody, ""},
		{"8.19.7", tokenPath, true, counts(1, 0), 404, notFoundBody, ""},
		{"9.1.0", tokenPath, true, counts(1, 0), 404, notFoundBody, ""},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))
			es := f.lowLevelClient()
			tok := f.mint(adminUser).AccessToken

			ok := perform(t, es, http.MethodDelete, tt.path, `{"token":"`+tok+`"}`)
			unknown := perform(t, es, http.MethodDelete, tt.path, `{"token":"`+legacyToken+`"}`)
			root := perform(t, es, http.MethodGet, "/", "")

			g.Expect(ok.status).To(Equal(http.StatusOK))
			g.Expect(ok.body).To(Equal(tt.invalidated))
			g.Expect(ok.header.Values("X-Elastic-Product")).To(Equal(productHeader(tt.product)))
			if tt.warning == "" {
				g.Expect(ok.header.Values("Warning")).To(BeEmpty())
			} else {
				g.Expect(ok.header.Values("Warning")).To(ConsistOf(MatchRegexp(tt.warning)))
			}
			g.Expect(unknown.status).To(Equal(tt.unknownStatus))
			g.Expect(unknown.body).To(Equal(tt.unknownBody))
			g.Expect(root.body).To(ContainSubstring(`"number":"` + tt.version + `"`))
			known, accessInvalidated, _ := f.em.TokenState(tok)
			g.Expect(known && accessInvalidated).To(BeTrue())
		})
	}
}

// The client's product check refuses a 2xx without X-Elastic-Product, as
// 7.0–7.13 send it: only es.Transport.Perform shows such an answer.
func TestTheClientsProductCheckRefusesGenerationsBefore714(t *testing.T) {
	for version, wantErr := range map[string]bool{"7.13.4": true, "7.14.0": false} {
		t.Run(version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(version))
			es := f.lowLevelClient()

			res, err := es.Info()

			if wantErr {
				g.Expect(err).To(MatchError(ContainSubstring("not Elasticsearch")))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			defer res.Body.Close()
			g.Expect(res.StatusCode).To(Equal(http.StatusOK))
		})
	}
}

func TestAnOldGenerationServesTLS(t *testing.T) {
	g := NewWithT(t)
	em := esemulator.New(esemulator.WithVersion("6.8.23"))
	em.AddUser(adminUser, adminPassword, "")
	srv := httptest.NewUnstartedServer(em)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srv.URL}, Username: adminUser,
		Password: adminPassword, CACert: ca, DisableRetry: true})
	g.Expect(err).NotTo(HaveOccurred())
	pair, err := em.MintPasswordToken(adminUser)
	g.Expect(err).NotTo(HaveOccurred())

	first := perform(t, es, http.MethodDelete, legacyPath, `{"refresh_token":"`+pair.RefreshToken+`"}`)
	again := perform(t, es, http.MethodDelete, tokenPath, `{"refresh_token":"`+pair.RefreshToken+`"}`)

	g.Expect(first.status).To(Equal(http.StatusOK))
	g.Expect(first.body).To(Equal(createdCounts(true, 1, 0)))
	g.Expect(again.status).To(Equal(http.StatusOK))
	g.Expect(again.body).To(Equal(createdCounts(false, 0, 1)))
	g.Expect(first.header.Values("X-Elastic-Product")).To(BeEmpty())
}

func TestEachGenerationGrantsTheTokensItKnows(t *testing.T) {
	tests := []struct {
		version, body string
		status        int
		want          string // a regexp
	}{
		{"6.0.1", `{"grant_type":"client_credentials"}`, 400,
			`^\{"error":"unsupported_grant_type","error_description":"Validation Failed: 1: grant_type only supports the values: \[password\];"\}$`},
		{"6.0.1", `{"grant_type":"refresh_token","refresh_token":"x"}`, 400,
			`^\{"error":\{"root_cause":\[\{"type":"illegal_argument_exception","reason":"\[token_request\] unknown field \[refresh_token\], parser not found"\}\]`},
		{"6.1.4", `{"grant_type":"password","username":"elastic","password":"changeme"}`, 200,
			`^\{"access_token":"[^"]+","type":"Bearer","expires_in":1200\}$`},
		{"6.4.3", `{"grant_type":"client_credentials"}`, 400,
			`grant_type only supports the values: \[password, refresh_token\];`},
		{"7.10.2", `{"grant_type":"client_credentials"}`, 200, `^\{"access_token":"[^"]+","type":"Bearer","expires_in":1200\}$`},
		{"7.11.0", `{"grant_type":"client_credentials"}`, 200, `,"authentication":\{"username":"elastic",`},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.body, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(tt.version))

			r := f.send(http.MethodPost, pathFor(tt.version), tt.body)

			g.Expect(r.status).To(Equal(tt.status))
			g.Expect(r.body).To(MatchRegexp(tt.want))
		})
	}
}

func TestBefore72ARefreshTokenIsUsedOnce(t *testing.T) {
	for version, second := range map[string]int{"6.8.23": http.StatusBadRequest, "7.2.0": http.StatusOK} {
		t.Run(version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(version))
			body := `{"grant_type":"refresh_token","refresh_token":"` + f.mint(adminUser).RefreshToken + `"}`

			first := f.send(http.MethodPost, pathFor(version), body)
			again := f.send(http.MethodPost, pathFor(version), body)

			g.Expect(first.status).To(Equal(http.StatusOK))
			g.Expect(again.status).To(Equal(second))
			if second == http.StatusBadRequest {
				g.Expect(again.body).To(Equal(`{"error":"invalid_grant","error_description":"token has already been refreshed"}`))
			}
		})
	}
}

func TestAPIKeysExistFrom67(t *testing.T) {
	for version, status := range map[string]int{"6.6.2": http.StatusUnauthorized, "6.7.0": http.StatusOK} {
		t.Run(version, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, esemulator.WithVersion(version))

			r := f.send(http.MethodGet, "/_xpack/security/_authenticate", "", "Authorization", apiKey(apiKeyID, apiKeySecret))

			g.Expect(r.status).To(Equal(status))
			if status == http.StatusUnauthorized {
				g.Expect(r.header.Values("WWW-Authenticate")).To(Equal([]string{`Basic realm="security" charset="UTF-8"`, `Bearer realm="security"`}))
			}
		})
	}
}
