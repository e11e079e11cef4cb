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
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

const (
	tokenPath = "/_security/oauth2/token"

	adminUser, adminPassword = "elastic", "changeme"
	samlUser, samlPassword   = "alice", "alice-password"
	weakUser, weakPassword   = "bob", "bob-password"
	apiKeyID, apiKeySecret   = "key-1", "key-1-secret"

	// seedToken is the access token of Elastic's invalidate-token documentation (seed 000).
	seedToken = "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ=="
	// legacyToken is a well-formed 8.0 token from Elasticsearch's 11_invalidation.yml.
	legacyToken = "46ToAxYzNUdPZWdYOFRQcWhjeHR3NWpvTmVB"

	notFoundBody = `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":0}`
)

var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is an emulator with a fake clock, served over HTTP, with:
// elastic (default_native) and alice (saml1) holding manage_token, bob
// without it, and the API key key-1.
type fixture struct {
	t     *testing.T
	em    *esemulator.Emulator
	srv   *httptest.Server
	clock *clocktesting.FakeClock
	// serverLog is what net/http logged, e.g. a recovered handler panic.
	serverLog *lockedBuffer
}

func newFixture(t *testing.T, opts ...esemulator.Option) *fixture {
	t.Helper()
	clock := clocktesting.NewFakeClock(epoch)
	em := esemulator.New(append([]esemulator.Option{esemulator.WithClock(clock.Now)}, opts...)...)
	em.AddUser(adminUser, adminPassword, "")
	em.AddUser(samlUser, samlPassword, "saml1")
	em.AddUnprivilegedUser(weakUser, weakPassword)
	em.AddAPIKey(apiKeyID, apiKeySecret)
	srv := httptest.NewUnstartedServer(em)
	serverLog := &lockedBuffer{}
	srv.Config.ErrorLog = log.New(serverLog, "", 0)
	srv.Start()
	t.Cleanup(func() { // runs after srv.Close: no handler may have panicked
		if strings.Contains(serverLog.String(), "panic") {
			t.Errorf("a handler panicked:\n%s", serverLog)
		}
	})
	t.Cleanup(srv.Close)
	return &fixture{t: t, em: em, srv: srv, clock: clock, serverLog: serverLog}
}

// lockedBuffer collects the test server's error log.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// reply is an HTTP answer with its body read.
type reply struct {
	status int
	header http.Header
	body   string
}

// send makes a request as elastic with Content-Type application/json when
// there is a body. headers are name/value pairs; an empty value removes the header.
func (f *fixture) send(method, path, body string, headers ...string) reply {
	f.t.Helper()
	return send(f.t, f.srv.Client(), f.srv.URL, method, path, body, headers...)
}

func send(t *testing.T, client *http.Client, base, method, path, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	req.Header.Set("Authorization", basic(adminUser, adminPassword))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := client.Do(req)
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

// invalidate sends DELETE /_security/oauth2/token as elastic.
func (f *fixture) invalidate(body string, headers ...string) reply {
	f.t.Helper()
	return f.send(http.MethodDelete, tokenPath, body, headers...)
}

// getToken sends POST /_security/oauth2/token as elastic.
func (f *fixture) getToken(body string, headers ...string) reply {
	f.t.Helper()
	return f.send(http.MethodPost, tokenPath, body, headers...)
}

// passwordGrant mints tokens for samlUser over HTTP as Elastic's documentation does.
func (f *fixture) passwordGrant() tokenResponse {
	f.t.Helper()
	r := f.getToken(`{"grant_type":"password","username":"` + samlUser + `","password":"` + samlPassword + `"}`)
	if r.status != http.StatusOK {
		f.t.Fatalf("password grant for %s: %d %s", samlUser, r.status, r.body)
	}
	return decodeToken(f.t, r.body)
}

// mint mints password-grant tokens without HTTP.
func (f *fixture) mint(user string) esemulator.TokenPair {
	f.t.Helper()
	pair, err := f.em.MintPasswordToken(user)
	if err != nil {
		f.t.Fatalf("minting for %s: %v", user, err)
	}
	return pair
}

// mintCC mints a client_credentials token without HTTP.
func (f *fixture) mintCC(user string) string {
	f.t.Helper()
	tok, err := f.em.MintClientCredentialsToken(user)
	if err != nil {
		f.t.Fatalf("minting for %s: %v", user, err)
	}
	return tok
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	Type         string `json:"type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

func decodeToken(t *testing.T, body string) tokenResponse {
	t.Helper()
	var tr tokenResponse
	if err := json.Unmarshal([]byte(body), &tr); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return tr
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func apiKey(id, key string) string {
	return "ApiKey " + base64.StdEncoding.EncodeToString([]byte(id+":"+key))
}

func bearer(token string) string {
	return "Bearer " + token
}

// counts renders the invalidate response body for the given counters.
func counts(invalidated, previously int) string {
	return fmt.Sprintf(`{"invalidated_tokens":%d,"previously_invalidated_tokens":%d,"error_count":0}`,
		invalidated, previously)
}

// errorBody is Elasticsearch's generic error body whose root cause is the error itself.
func errorBody(status int, typ, reason string) string {
	inner := fmt.Sprintf(`"type":%s,"reason":%s`, jsonString(typ), jsonString(reason))
	return fmt.Sprintf(`{"error":{"root_cause":[{%s}],%s},"status":%d}`, inner, inner, status)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// expectElasticsearchHeaders checks the headers every answer carries.
func expectElasticsearchHeaders(g Gomega, r reply) {
	g.ExpectWithOffset(1, r.header.Get("X-Elastic-Product")).To(Equal("Elasticsearch"))
	g.ExpectWithOffset(1, r.header.Get("Content-Type")).To(Equal("application/json"))
}
