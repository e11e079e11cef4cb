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
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestInvalidateClassifiesEveryOutcomeOfTheEmulator(t *testing.T) {
	t.Parallel()
	for _, scheme := range []string{"http", "https"} {
		for _, a := range []auth{apiKeyAuth, basicAuth} {
			for _, tt := range outcomes() {
				t.Run(scheme+" with "+string(a)+": "+tt.name, func(t *testing.T) {
					t.Parallel()
					g := NewWithT(t)
					c := newCluster(t, scheme)
					clients := es.NewClients()
					target, req := tt.setup(g, c, clients, c.target(a))
					requests, calls := c.em.Requests(), c.em.InvalidateCalls()

					res, err := clients.Invalidate(context.Background(), target, req)

					g.Expect(c.em.Requests()-requests).To(Equal(max(tt.httpRequests, 1)), "HTTP requests per Invalidate")
					if tt.tokenServiceCalls >= 0 {
						g.Expect(c.em.InvalidateCalls() - calls).To(Equal(tt.tokenServiceCalls))
					}
					expectOutcome(g, tt, res, err)
				})
			}
		}
	}
}

func expectOutcome(g Gomega, tt outcome, res es.Result, err error) {
	g.Expect(es.KindOf(err)).To(Equal(tt.kind))
	wantVersion := tt.version
	if wantVersion == "" && (err == nil || errorStatus(err) != 0) {
		wantVersion = "7.14+"
	}
	g.Expect(res.Version).To(Equal(wantVersion), "what is known of the emulator's version")
	res.Version = ""
	if tt.kind == "" {
		g.Expect(err).NotTo(HaveOccurred())
		if tt.check != nil {
			tt.check(g, res)
		} else {
			g.Expect(res).To(Equal(tt.want))
		}
		return
	}
	var e *es.Error
	g.Expect(errors.As(err, &e)).To(BeTrue())
	g.Expect(e.StatusCode).To(Equal(tt.status))
	for _, m := range tt.message {
		g.Expect(err.Error()).To(ContainSubstring(m))
	}
	g.Expect(res).To(Equal(es.Result{}))
}

func TestInvalidateReportsTransportFailuresAsUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  func(g Gomega) es.Target
		message []string
		cause   error
	}{
		{
			name: "a closed port refuses the connection",
			target: func(g Gomega) es.Target {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				g.Expect(err).NotTo(HaveOccurred())
				addr := l.Addr().String()
				g.Expect(l.Close()).To(Succeed())
				return es.Target{URL: "http://" + addr, APIKey: encodedAPIKey}
			},
			message: []string{"could not reach Elasticsearch at http://127.0.0.1:", "connection refused"},
		},
		{
			name: "a server certificate signed by another CA fails TLS verification",
			target: func(g Gomega) es.Target {
				c := newCluster(t, "https")
				return es.Target{URL: c.url, APIKey: encodedAPIKey, CACert: selfSignedCA(g)}
			},
			message: []string{"TLS verification of https://127.0.0.1:", "certificate", "caCert must hold the CA that signed it"},
		},
		{
			name: "a server certificate is not trusted by the system roots when no CA is given",
			target: func(_ Gomega) es.Target {
				c := newCluster(t, "https")
				return es.Target{URL: c.url, APIKey: encodedAPIKey}
			},
			message: []string{"TLS verification of https://127.0.0.1:", "certificate"},
		},
		{
			name: "an https URL pointing at a plain HTTP server fails",
			target: func(_ Gomega) es.Target {
				c := newCluster(t, "http")
				return es.Target{URL: strings.Replace(c.url, "http:", "https:", 1), APIKey: encodedAPIKey}
			},
			message: []string{"could not reach Elasticsearch at https://127.0.0.1:"},
		},
		{
			name: "the caller's context ending abandons the call",
			target: func(g Gomega) es.Target {
				c := newCluster(t, "http")
				c.em.InjectFaults(esemulator.Fault{Delay: time.Minute})
				return c.target(apiKeyAuth)
			},
			message: []string{"was abandoned: the caller's context ended (context deadline exceeded)"},
			cause:   context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if tt.cause == nil {
				ctx = context.Background()
			}

			_, err := es.NewClients().Invalidate(ctx, tt.target(g), es.InvalidateRequest{Token: "dG9rZW4="})

			g.Expect(es.KindOf(err)).To(Equal(es.KindUnavailable))
			for _, m := range tt.message {
				g.Expect(err.Error()).To(ContainSubstring(m))
			}
			if tt.cause != nil {
				g.Expect(errors.Is(err, tt.cause)).To(BeTrue())
			}
		})
	}
}

func TestInvalidateRejectsAnInvalidTargetWithoutCallingIt(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	c := newCluster(t, "http")
	target := c.target(basicAuth)
	target.Password = ""

	_, err := es.NewClients().Invalidate(context.Background(), target, es.InvalidateRequest{Token: "dG9rZW4="})

	g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget))
	g.Expect(err.Error()).To(ContainSubstring("password: is empty but username is set"))
	g.Expect(c.em.Requests()).To(BeZero())
}

// errorStatus is the HTTP status an *es.Error carries, 0 when no answer arrived.
func errorStatus(err error) int {
	var e *es.Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// recorded is what a request carried, for tests of the wire format.
type recorded struct {
	header http.Header
	body   map[string]any
}

// recording serves h and records every request's headers and JSON body.
func recording(h http.Handler) (http.Handler, func() []recorded) {
	var mu sync.Mutex
	var seen []recorded
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		mu.Lock()
		seen = append(seen, recorded{header: r.Header.Clone(), body: body})
		mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(raw)))
		h.ServeHTTP(w, r)
	})
	return handler, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), seen...)
	}
}

// This test sets an environment variable, so it does not run in parallel.
func TestInvalidateSendsPlainJSONWithOnlyTheFieldsSetAndNoCompatibilityHeader(t *testing.T) {
	t.Setenv("ELASTIC_CLIENT_APIVERSIONING", "true")
	tests := []struct {
		name     string
		req      func(pair esemulator.TokenPair) es.InvalidateRequest
		wantKeys []string
	}{
		{"an access token is sent alone", func(p esemulator.TokenPair) es.InvalidateRequest {
			return es.InvalidateRequest{Token: p.AccessToken}
		}, []string{"token"}},
		{"a refresh token is sent alone", func(p esemulator.TokenPair) es.InvalidateRequest {
			return es.InvalidateRequest{RefreshToken: p.RefreshToken}
		}, []string{"refresh_token"}},
		{"a realm and a user are sent together", func(esemulator.TokenPair) es.InvalidateRequest {
			return es.InvalidateRequest{RealmName: esemulator.DefaultRealm, Username: userName}
		}, []string{"realm_name", "username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			em := esemulator.New()
			em.AddAPIKey(apiKeyID, apiKeySecret)
			em.AddUser(userName, userPassword, "")
			handler, seen := recording(em)
			srv := startServer(t, "http", handler)
			pair, err := em.MintPasswordToken(userName)
			g.Expect(err).NotTo(HaveOccurred())
			req := tt.req(pair)

			_, err = es.NewClients().Invalidate(context.Background(), es.Target{URL: srv.URL, APIKey: encodedAPIKey}, req)

			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(seen()).To(HaveLen(1))
			got := seen()[0]
			g.Expect(got.header.Get("Content-Type")).To(Equal("application/json"))
			g.Expect(got.header.Get("Accept")).NotTo(ContainSubstring("compatible-with"))
			g.Expect(got.header.Get("Authorization")).To(Equal("APIKey "+encodedAPIKey), "the API key is sent as is")
			g.Expect(got.body).To(HaveLen(len(tt.wantKeys)))
			for _, k := range tt.wantKeys {
				g.Expect(got.body).To(HaveKey(k))
			}
			g.Expect(got.body["token"]).To(beSentAs(req.Token), "the token is sent unchanged")
			g.Expect(got.body["refresh_token"]).To(beSentAs(req.RefreshToken), "the refresh token is sent unchanged")
		})
	}
}

// beSentAs matches a decoded body field carrying s: nil (left out) when s is empty, else s itself.
// BeIdenticalTo alone refuses to compare nil to nil.
func beSentAs(s string) types.GomegaMatcher {
	if s == "" {
		return BeNil()
	}
	return BeIdenticalTo(s)
}

func TestInvalidateReadsAtMostMaxBodyBytes(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	srv := startServer(t, "http", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"invalidated_tokens":1,"previously_invalidated_tokens":0,"error_count":0,"pad":"`))
		_, _ = w.Write([]byte(strings.Repeat("x", 4*es.MaxBodyBytes)))
		_, _ = w.Write([]byte(`"}`))
	}))

	_, err := es.NewClients().Invalidate(context.Background(), es.Target{URL: srv.URL, APIKey: encodedAPIKey},
		es.InvalidateRequest{Token: "dG9rZW4="})

	g.Expect(es.KindOf(err)).To(Equal(es.KindUnavailable))
	g.Expect(err.Error()).To(ContainSubstring("more than 1048576 bytes"))
}
