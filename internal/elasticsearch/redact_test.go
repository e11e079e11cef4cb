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
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// everythingPrinted is every text a caller could print about a call: the error in all forms, each
// error it wraps, the target, the request, and the result with its details.
func everythingPrinted(target es.Target, req es.InvalidateRequest, res es.Result, err error) string {
	texts := []string{fmt.Sprintf("%v %+v %#v", err, target, req), fmt.Sprintf("%+v %#v", res, res)}
	for _, d := range res.ErrorDetails {
		for c := &d; c != nil; c = c.CausedBy {
			texts = append(texts, c.Type, c.Reason)
		}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error(), fmt.Sprintf("%+v %#v", e, e))
	}
	return strings.Join(texts, "\n")
}

func TestNoSecretAppearsInAnyOutcomeOfTheEmulator(t *testing.T) {
	t.Parallel()
	for _, a := range []auth{apiKeyAuth, basicAuth} {
		for _, tt := range outcomes() {
			t.Run(string(a)+": "+tt.name, func(t *testing.T) {
				t.Parallel()
				g := NewWithT(t)
				c := newCluster(t, "https")
				clients := es.NewClients()
				target, req := tt.setup(g, c, clients, c.target(a))

				res, err := clients.Invalidate(context.Background(), target, req)

				g.Expect(es.KindOf(err)).To(Equal(tt.kind))
				expectNoSecrets(g, everythingPrinted(target, req, res, err), secretsOf(target, req))
			})
		}
	}
}

func TestNoSecretAppearsWhenNoAnswerArrives(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	closedPort := "http://" + l.Addr().String()
	g.Expect(l.Close()).To(Succeed())
	slow := newCluster(t, "http")
	slow.em.InjectFaults(esemulator.Fault{Delay: time.Minute})
	tlsCluster := newCluster(t, "https")
	targets := map[string]es.Target{
		"a refused connection": {URL: closedPort, Username: userName, Password: userPassword},
		"a timeout":            {URL: slow.url, APIKey: encodedAPIKey, Timeout: 100 * time.Millisecond},
		"an untrusted certificate": {URL: tlsCluster.url, Username: userName, Password: userPassword,
			CACert: selfSignedCA(g)},
		"an invalid target": {URL: "https://es.example?x=" + userPassword, APIKey: apiKeyID + ":" + apiKeySecret},
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			req := es.InvalidateRequest{Token: "access-token-5e55a1", RefreshToken: "refresh-token-5e55a1"}

			res, err := es.NewClients().Invalidate(context.Background(), target, req)

			g.Expect(err).To(HaveOccurred())
			expectNoSecrets(g, everythingPrinted(target, req, res, err), secretsOf(target, req))
		})
	}
}

// echoingCluster answers like a careless Elasticsearch or proxy that quotes the request back: its
// body (as Jackson's parse errors do) and its Authorization header.
func echoingCluster(t *testing.T, status int, shape func(request, authorization string) string) string {
	return startServer(t, "http", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, shape(string(raw), r.Header.Get("Authorization")))
	})).URL
}

func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		shape  func(request, authorization string) string
	}{
		{"a parse error quoting the request body", http.StatusBadRequest, func(body, _ string) string {
			return `{"error":{"type":"json_parse_exception","reason":` + jsonText("Unexpected character at [Source: (byte[])"+body+"; line: 1]") + `},"status":400}`
		}},
		{"a 401 quoting the Authorization header", http.StatusUnauthorized, func(_, auth string) string {
			return `{"error":{"type":"security_exception","reason":` + jsonText("bad header ["+auth+"]") + `},"status":401}`
		}},
		{"a 503 whose cause quotes the request body", http.StatusServiceUnavailable, func(body, _ string) string {
			return `{"error":{"type":"security_exception","reason":"unable to perform requested action","caused_by":{"type":"x","reason":` +
				jsonText(body) + `}},"status":503}`
		}},
		{"partial errors quoting the request and header", http.StatusOK, func(body, auth string) string {
			return `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":1,"error_details":[{"type":"exception","reason":` +
				jsonText(body) + `,"caused_by":{"type":"exception","reason":` + jsonText(auth) + `}}]}`
		}},
		{"a proxy page quoting everything", http.StatusBadGateway, func(body, auth string) string {
			return "<html>" + body + auth + "</html>"
		}},
	}
	for _, a := range []auth{apiKeyAuth, basicAuth} {
		for _, tt := range tests {
			t.Run(string(a)+": "+tt.name, func(t *testing.T) {
				t.Parallel()
				g := NewWithT(t)
				c := &cluster{url: echoingCluster(t, tt.status, tt.shape)}
				target := c.target(a)
				req := es.InvalidateRequest{Token: "access-token-3cho3d", RefreshToken: "refresh-token-3cho3d"}

				res, err := es.NewClients().Invalidate(context.Background(), target, req)

				printed := everythingPrinted(target, req, res, err)
				expectNoSecrets(g, printed, secretsOf(target, req))
				if tt.status != http.StatusBadGateway {
					g.Expect(printed).To(ContainSubstring(es.Redacted), "the echo was there, redacted")
				}
			})
		}
	}
}
