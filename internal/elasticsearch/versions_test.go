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
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/gomega"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

func TestTargetValidateChecksTheVersion(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "6", "6.8", "7.10.2", "8.0.0-rc1", "7.17.0-SNAPSHOT", "9.1.5", "10.0.0"} {
		g := NewWithT(t)
		target := es.Target{URL: "https://es.example:9200", APIKey: encodedAPIKey, Version: v}
		g.Expect(target.Validate()).To(Succeed(), "version %q", v)
	}
	for _, v := range []string{"7.x", "5.6.16", "latest", "7.10.2.1", " 7.10", "v7.10", "7..1"} {
		g := NewWithT(t)
		target := es.Target{URL: "https://es.example:9200", Username: userName, Password: userPassword, Version: v}
		err := target.Validate()
		g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget), "version %q", v)
		g.Expect(err.Error()).To(ContainSubstring(`version: is not an Elasticsearch version of 6.0 or later, such as "7.10.2", "7.10" or "6"`))
		expectNoSecrets(g, err.Error(), []string{userPassword})
	}
}

func TestTargetValidateSaysHowToWriteAURLWithoutScheme(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"es.example:9200", "10.0.0.1:9200", "es.example", "localhost:9200/es"} {
		g := NewWithT(t)
		err := es.Target{URL: u, APIKey: encodedAPIKey}.Validate()
		g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget))
		g.Expect(err.Error()).To(ContainSubstring("url: has no scheme; write it as https://host:9200"), u)
		g.Expect(err.Error()).NotTo(ContainSubstring("cannot be parsed"), u)
	}
}

func TestInvalidateFailsAShapeTheConfiguredVersionCannotDoBeforeAnyCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		req     es.InvalidateRequest
		message string
	}{
		{"6.5.4", byUser, "invalidating the tokens of a realm or user needs Elasticsearch 6.7 or later, and this target runs 6.5.4 (as configured)"},
		{"6.6", es.InvalidateRequest{RealmName: "saml1"}, "invalidating the tokens of a realm or user needs Elasticsearch 6.7 or later, and this target runs 6.6 (as configured)"},
		{"6.1", validRefresh, "invalidating a refresh token needs Elasticsearch 6.2 or later, and this target runs 6.1 (as configured)"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			gen := newGeneration("6.5.4")
			srv := startServer(t, "http", gen)
			target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Version: tt.version}

			res, err := es.NewClients().Invalidate(context.Background(), target, tt.req)

			g.Expect(gen.totalCalls()).To(BeZero())
			g.Expect(es.KindOf(err)).To(Equal(es.KindUnsupported))
			g.Expect(string(es.KindUnsupported)).To(Equal("UnsupportedByElasticsearch"))
			g.Expect(es.IsRetryable(es.KindUnsupported)).To(BeFalse())
			g.Expect(err.Error()).To(ContainSubstring(tt.message))
			g.Expect(res).To(Equal(es.Result{Version: tt.version}))
		})
	}
}

func TestInvalidateTellsTheOperatorsBadCredentialsFromAnUnknownTokenBefore78(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	gen := newGeneration("7.6.2")
	srv := startServer(t, "http", gen)
	target := es.Target{URL: srv.URL, Username: genUser, Password: wrongSecret}

	res, err := es.NewClients().Invalidate(context.Background(), target, unknownToken)

	g.Expect(es.KindOf(err)).To(Equal(es.KindUnauthorized), "a 401 for the operator's own credentials is retried")
	g.Expect(err.Error()).To(ContainSubstring("unable to authenticate user [revoker]"))
	g.Expect(res.Version).To(BeEmpty(), "a 401 tells nothing of the version")
}

func TestInvalidateSaysATLSHostNameMismatchIsAboutTheHost(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	srv := startServer(t, "https", newGeneration("8.19.7"))
	// httptest's certificate names 127.0.0.1, ::1 and example.com, not localhost.
	target := es.Target{URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), Username: genUser, Password: genPassword,
		CACert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})}

	_, err := es.NewClients().Invalidate(context.Background(), target, validToken)

	g.Expect(es.KindOf(err)).To(Equal(es.KindUnavailable))
	g.Expect(err.Error()).To(ContainSubstring("the server's certificate is not valid for host localhost"))
	g.Expect(err.Error()).NotTo(ContainSubstring("caCert must hold"), "the CA is fine; the name is not")
}

func TestInvalidateLogsAWarningHeaderOncePerTargetAndCarriesOn(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	const warning = `299 Elasticsearch-7.10.2-747e1cc71def077253878a59143c1f785afa92b9 "[some_param] is deprecated"`
	srv := startServer(t, "https", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Warning", warning)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(bodyInvalidated))
	}))
	target := es.Target{URL: srv.URL, APIKey: encodedAPIKey,
		CACert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})}
	var mu sync.Mutex
	var lines []string
	ctx := logf.IntoContext(context.Background(), funcr.New(func(prefix, args string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, args)
	}, funcr.Options{}))
	clients := es.NewClients()

	for range 3 {
		res, err := clients.Invalidate(ctx, target, validToken)

		g.Expect(err).NotTo(HaveOccurred(), "a deprecation is never an error")
		g.Expect(res).To(Equal(es.Result{InvalidatedTokens: 1, Version: "7.10.2"}), "the Warning names the exact version")
	}
	mu.Lock()
	defer mu.Unlock()
	g.Expect(lines).To(HaveLen(1))
	g.Expect(lines[0]).To(ContainSubstring("Elasticsearch sent a deprecation warning"))
	g.Expect(lines[0]).To(ContainSubstring("[some_param] is deprecated"))
	expectNoSecrets(g, lines[0], []string{encodedAPIKey, apiKeySecret})
}

func TestInvalidateFollowsAnUpgradeFrom68To710(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	old, upgraded := newGeneration("6.8.23"), newGeneration("7.10.2")
	old.add(validToken.Token)
	upgraded.add(otherTokens...)
	var current atomicHandler
	current.set(old)
	srv := startServer(t, "http", &current)
	target := es.Target{URL: srv.URL, Username: genUser, Password: genPassword, Timeout: 10 * time.Second}
	clients := es.NewClients()

	res, err := clients.Invalidate(context.Background(), target, validToken)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Version).To(Equal("6.7–6.8"))

	current.set(upgraded)
	res, err = clients.Invalidate(context.Background(), target, es.InvalidateRequest{Token: otherTokens[0]})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res).To(Equal(es.Result{InvalidatedTokens: 1, Version: "7.10.2"}), "7.x names itself in the deprecation Warning of /_xpack")
	g.Expect(upgraded.callsTo("/_xpack/security/oauth2/token")).To(Equal(1))

	res, err = clients.Invalidate(context.Background(), target, es.InvalidateRequest{Token: otherTokens[1]})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res).To(Equal(es.Result{InvalidatedTokens: 1, Version: "7.10.2"}))
	g.Expect(upgraded.callsTo("/_security/oauth2/token")).To(Equal(1), "then the current path, in one call")
	g.Expect(upgraded.totalCalls()).To(Equal(2))
}

// atomicHandler serves whichever handler was set last.
type atomicHandler struct {
	mu sync.Mutex
	h  http.Handler
}

func (a *atomicHandler) set(h http.Handler) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.h = h
}

func (a *atomicHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	h := a.h
	a.mu.Unlock()
	h.ServeHTTP(w, r)
}

func TestInvalidateSaysWhereARedirectPointsWithoutFollowingIt(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	var calls atomic.Int32
	srv := startServer(t, "http", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Redirect(w, r, "https://admin:"+wrongSecret+"@es.example:9200/es/_security/oauth2/token?sig="+wrongSecret, http.StatusMovedPermanently)
	}))
	target := es.Target{URL: srv.URL, APIKey: encodedAPIKey, Version: "8.19.7"}

	res, err := es.NewClients().Invalidate(context.Background(), target, validToken)

	g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget), "fixing the URL lets the revocation proceed")
	g.Expect(err.Error()).To(ContainSubstring("the server answered 301 redirecting to https://es.example:9200/es/_security/oauth2/token;"))
	expectNoSecrets(g, err.Error(), []string{wrongSecret})
	g.Expect(calls.Load()).To(Equal(int32(1)), "the redirect is not followed: it would carry the credentials elsewhere")
	g.Expect(res.Version).To(Equal("8.19.7"))
}
