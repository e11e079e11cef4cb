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
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
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

// longToken is a 2,000-character token, as long ones came back quoted in the reproduction.
func longToken() string {
	var b strings.Builder
	for i := 0; b.Len() < 2000; i++ {
		b.WriteString(base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "long-token-part-%04d;", i)))
	}
	return b.String()[:2000]
}

// expectNoRunOf fails if text holds any es.SecretRunLength-byte run of secret.
func expectNoRunOf(g Gomega, text, secret string) {
	for i := 0; i+es.SecretRunLength <= len(secret); i++ {
		run := secret[i : i+es.SecretRunLength]
		g.Expect(strings.Contains(text, run)).To(BeFalse(), "the run at %d of the secret survives in: %s",
			i, strings.ReplaceAll(text, run, "<RUN>"))
	}
}

func TestALongTokenQuotedInAReasonLeavesNoRunOfIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		shape  func(request, authorization string) string
		// reasons are the error's reason, or the error detail's reason and its cause's, after redaction.
		reasons []string
	}{
		{"a 401 quoting the token", http.StatusUnauthorized, func(string, string) string {
			return `{"error":{"type":"security_exception","reason":` + jsonText("token ["+longToken()+"] is not valid") + `},"status":401}`
		}, []string{"token [[REDACTED]] is not valid"}},
		{"a 400 parse error quoting the request body", http.StatusBadRequest, func(body, _ string) string {
			return `{"error":{"type":"x_content_parse_exception","reason":` + jsonText("[1:3] [token] failed to parse: "+body) +
				`,"caused_by":{"type":"json_parse_exception","reason":` + jsonText(body) + `}},"status":400}`
		}, []string{`[1:3] [token] failed to parse: {"token":"[REDACTED]"}`}},
		{"error details quoting the token", http.StatusOK, func(body, _ string) string {
			return `{"invalidated_tokens":0,"previously_invalidated_tokens":0,"error_count":1,"error_details":[` +
				`{"type":"exception","reason":` + jsonText("cannot invalidate "+longToken()) + `,"caused_by":{"type":"exception","reason":` +
				jsonText(body) + `}}]}`
		}, []string{"cannot invalidate [REDACTED]", `{"token":"[REDACTED]"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			target := (&cluster{url: echoingCluster(t, tt.status, tt.shape)}).target(apiKeyAuth)
			req := es.InvalidateRequest{Token: longToken()}

			res, err := es.NewClients().Invalidate(context.Background(), target, req)

			expectNoRunOf(g, everythingPrinted(target, req, res, err), req.Token)
			var e *es.Error
			if errors.As(err, &e) {
				g.Expect([]string{e.Reason}).To(Equal(tt.reasons))
				g.Expect(e.Error()).To(ContainSubstring(e.Reason))
			} else {
				g.Expect(res.ErrorDetails).To(HaveLen(1))
				g.Expect([]string{res.ErrorDetails[0].Reason, res.ErrorDetails[0].CausedBy.Reason}).To(Equal(tt.reasons))
			}
		})
	}
}

func TestAPasswordIsRedactedWithoutGarblingTheWordsAroundIt(t *testing.T) {
	t.Parallel()
	const reason = "unable to authenticate user [revoker] with password [%s] for REST request " +
		"[https://es.example:9200/_security/oauth2/token]; Elasticsearch %s"
	for _, password := range []string{"hunter2xyz", "lasticse", "ttps://es", "security"} {
		t.Run(password, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			url := echoingCluster(t, http.StatusUnauthorized, func(string, string) string {
				return `{"error":{"type":"security_exception","reason":` + jsonText(fmt.Sprintf(reason, password, "said no")) + `},"status":401}`
			})
			target := es.Target{URL: url, Username: userName, Password: password}

			_, err := es.NewClients().Invalidate(context.Background(), target, es.InvalidateRequest{Token: "access-token-9a1b"})

			var e *es.Error
			g.Expect(errors.As(err, &e)).To(BeTrue())
			g.Expect(e.Kind).To(Equal(es.KindUnauthorized))
			g.Expect(e.Reason).To(Equal(fmt.Sprintf(reason, es.Redacted, "said no")))
			g.Expect(e.Error()).To(ContainSubstring(e.Reason))
			g.Expect(e.Error()).To(ContainSubstring("Elasticsearch answered 401 (security_exception)"))
		})
	}
}

func TestACredentialTooShortToRedactIsRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	for name, target := range map[string]es.Target{
		"a 1-character password":            {Username: userName, Password: "p"},
		"a 7-character password":            {Username: userName, Password: "hunter2"},
		"an API key with a 7-character key": {APIKey: encodeAPIKey(apiKeyID, "k3y-s3c")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			var calls atomic.Int32
			target.URL = startServer(t, "http", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) })).URL

			_, err := es.NewClients().Invalidate(context.Background(), target, es.InvalidateRequest{Token: "access-token-9a1b"})

			g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget))
			g.Expect(err.Error()).To(MatchRegexp(`(password|apiKey): .*shorter than 8 characters, too short to keep out of messages safely`))
			g.Expect(err.Error()).NotTo(ContainSubstring(es.Redacted), "the message names the field, so it has nothing to redact")
			g.Expect(calls.Load()).To(BeZero())
		})
	}
}

func TestAShortTokenIsSentAndRedactedAsAWholeValueOnly(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	url := echoingCluster(t, http.StatusBadRequest, func(body, _ string) string {
		return `{"error":{"type":"illegal_argument_exception","reason":` + jsonText("tok: not a token; tokens look different: "+body) + `},"status":400}`
	})
	target := es.Target{URL: url, Username: userName, Password: userPassword}

	_, err := es.NewClients().Invalidate(context.Background(), target, es.InvalidateRequest{Token: "tok"})

	var e *es.Error
	g.Expect(errors.As(err, &e)).To(BeTrue())
	g.Expect(e.Reason).To(Equal(`[REDACTED]: not a token; tokens look different: {"token":"[REDACTED]"}`))
}
