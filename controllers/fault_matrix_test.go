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

package controllers

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/testcerts"
)

// The fault matrix: one revocation of one access token per row, each row in its own harness
// (namespace, emulator, manager), against one fault of Elasticsearch or of its connection, and the
// exact record the operator must leave: final phase and Ready reason, message, attempts, calls that
// reached Elasticsearch's token service, HTTP requests sent, counters, events, and the token's state
// in Elasticsearch. Rows with a fix wait for the revocation to be stuck in the expected state, fix
// the cause as a responder would, and expect the revocation to finish by itself.

// expectedState is a phase, its Ready reason, and its Ready message: the whole message of a
// final Revoked, a substring otherwise.
type expectedState struct {
	phase   securityv1alpha1.Phase
	reason  string
	message string
}

// faultWorld is what a row's arrange and fix share.
type faultWorld struct {
	token esemulator.TokenPair
	// requests counts the invalidate requests that reached the row's HTTP handlers.
	requests *atomic.Int64
	// tlsServer serves the row's emulator over TLS, when the row starts one.
	tlsServer *httptest.Server
}

type faultRow struct {
	name string
	// requestTimeout is the harness's timeout of one invalidate call; 0 keeps the default.
	requestTimeout time.Duration
	// faults are queued before the revocation is created.
	faults []esemulator.Fault
	// arrange prepares Secrets, users or dynamic faults, and returns the spec; nil revokes
	// world.token's access token through the operator's default target.
	arrange func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec
	// stuck, with fix, is where the revocation waits until fix removes the cause.
	stuck *expectedState
	fix   func(h *harness, w *faultWorld)

	final expectedState
	// attempts is status.attempts, exact; rows whose count depends on how fast the fix comes
	// set minAttempts instead.
	attempts, minAttempts int32
	// calls is how many invalidate calls reached the token service (the emulator's count).
	calls int64
	// requestsBelowAttempts is set when some attempts never reach the HTTP handler (a failed TLS
	// handshake); otherwise every attempt is exactly one HTTP request: no hidden client retry.
	requestsBelowAttempts bool
	// invalidated and previously are the status counters.
	invalidated, previously int64
	// errorCount is status.errorCount.
	errorCount int64
	// revokedInES is whether the access token ends invalidated in Elasticsearch.
	revokedInES bool
	// events are the reasons of the revocation's events, in any order.
	events []string
	// retryCause is a substring the Retrying events' notes must contain.
	retryCause string
}

const revokedOneToken = "invalidated 1 tokens, 0 already invalid"

// The emulator invalidated the token on the attempt whose answer was unreadable, so the retry
// finds it already invalid: the counters say so, and the message says why that may be.
const revokedByUnreadableAttempt = "invalidated 0 tokens, 1 already invalid; the previous attempt got no answer " +
	"the operator could read (Elasticsearch unavailable), and may have invalidated the tokens found already invalid"

func faultMatrix() []faultRow {
	revoked := expectedState{phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked, message: revokedOneToken}
	retried := []string{EventRetrying, EventRevoked}
	status := func(code int, times int) []esemulator.Fault {
		faults := make([]esemulator.Fault, times)
		for i := range faults {
			faults[i] = esemulator.Fault{Status: code}
		}
		return faults
	}
	return []faultRow{
		{
			name:           "a call outlasting the request timeout is retried until one is answered in time",
			requestTimeout: 300 * time.Millisecond,
			faults:         []esemulator.Fault{{Delay: 2 * time.Second}, {Delay: 2 * time.Second}},
			final:          revoked, attempts: 3, calls: 3, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "did not answer: timed out after 300ms",
		},
		{
			name:           "an Elasticsearch slower than the request timeout is unavailable until it answers in time",
			requestTimeout: 300 * time.Millisecond,
			arrange: func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec {
				h.es.SetLatency(2 * time.Second)
				return securityv1alpha1.TokenRevocationSpec{Token: str(w.token.AccessToken)}
			},
			stuck: &expectedState{phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonElasticsearchUnavailable,
				message: "did not answer: timed out after 300ms"},
			fix:   func(h *harness, _ *faultWorld) { h.es.SetLatency(0) },
			final: revoked, minAttempts: 2, calls: 1, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "timed out after 300ms",
		},
		{
			name: "a 500 is retried", faults: status(http.StatusInternalServerError, 1),
			final: revoked, attempts: 2, calls: 2, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "Elasticsearch answered 500 (illegal_state_exception)",
		},
		{
			name: "a proxy's 502 twice is retried", faults: status(http.StatusBadGateway, 2),
			final: revoked, attempts: 3, calls: 3, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "answered 502 with a body that is not Elasticsearch's",
		},
		{
			name: "a 503 three times is retried", faults: status(http.StatusServiceUnavailable, 3),
			final: revoked, attempts: 4, calls: 4, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "Elasticsearch answered 503 (security_exception)",
		},
		{
			name: "a 429 twice is retried", faults: status(http.StatusTooManyRequests, 2),
			final: revoked, attempts: 3, calls: 3, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "es_rejected_execution_exception",
		},
		{
			name: "a mix of 500, 502, 503 and 429 is retried", faults: []esemulator.Fault{
				{Status: http.StatusInternalServerError}, {Status: http.StatusBadGateway},
				{Status: http.StatusServiceUnavailable}, {Status: http.StatusTooManyRequests}},
			final: revoked, attempts: 5, calls: 5, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "Elasticsearch answered 500",
		},
		{
			name: "a connection reset before the answer is retried", faults: []esemulator.Fault{{Drop: true}},
			final: revoked, attempts: 2, calls: 2, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "closed before Elasticsearch answered",
		},
		{
			name:   "a partial failure is retried until Elasticsearch invalidates everything",
			faults: []esemulator.Fault{{PartialErrors: 1}},
			final:  revoked, attempts: 2, calls: 2, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "PartialFailure: Elasticsearch failed to invalidate 1 tokens",
		},
		{
			name:   "partial failures until the attempts run out fail as PartialFailure",
			faults: []esemulator.Fault{{PartialErrors: 1}, {PartialErrors: 1}, {PartialErrors: 1}},
			final: expectedState{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonPartialFailure,
				message: "failed to invalidate 1 tokens (invalidated 0, 0 already invalid)"},
			attempts: fastRetries.MaxPartialAttempts, calls: int64(fastRetries.MaxPartialAttempts), errorCount: 1,
			revokedInES: false, events: []string{EventRetrying, EventRevocationFailed}, retryCause: "failed to invalidate 1 tokens",
		},
		{
			name:   "an answer that is not JSON is retried, and the retry finds the token already invalid",
			faults: []esemulator.Fault{{Garbage: true}},
			final: expectedState{phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked,
				message: revokedByUnreadableAttempt},
			attempts: 2, calls: 2, invalidated: 0, previously: 1, revokedInES: true,
			events: retried, retryCause: "answered 200 with a body that is not an invalidate token response",
		},
		{
			name:   "an answer without X-Elastic-Product from a cluster known to be 7.14+ is retried, and the retry finds the token already invalid",
			faults: []esemulator.Fault{{NoProductHeader: true}},
			// Without a version, a headerless answer could be a 7.0-7.13 cluster's, which the client trusts.
			arrange: func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec {
				h.secret("current-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword,
					"version": esemulator.DefaultVersion})
				return securityv1alpha1.TokenRevocationSpec{Token: str(w.token.AccessToken),
					ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("current-es")}}
			},
			final: expectedState{phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked,
				message: revokedByUnreadableAttempt},
			attempts: 2, calls: 2, invalidated: 0, previously: 1, revokedInES: true,
			events: retried, retryCause: "without the X-Elastic-Product: Elasticsearch header",
		},
		{
			name: "a certificate not signed by the Secret's CA is unavailable until ca.crt is fixed",
			arrange: func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec {
				w.tlsServer = httptest.NewUnstartedServer(countingRequests(w.requests, h.es))
				w.tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes
				w.tlsServer.StartTLS()
				h.t.Cleanup(w.tlsServer.Close)
				h.secret("tls-es", map[string]string{"url": w.tlsServer.URL, "username": esUser, "password": esPassword,
					"ca.crt": anotherCA(h.t)})
				return securityv1alpha1.TokenRevocationSpec{Token: str(w.token.AccessToken),
					ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("tls-es")}}
			},
			stuck: &expectedState{phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonElasticsearchUnavailable,
				message: "the server's certificate is not trusted"},
			fix: func(h *harness, w *faultWorld) {
				h.secret("tls-es", map[string]string{"url": w.tlsServer.URL, "username": esUser, "password": esPassword,
					"ca.crt": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.tlsServer.Certificate().Raw}))})
			},
			final: revoked, minAttempts: 2, calls: 1, requestsBelowAttempts: true, invalidated: 1, revokedInES: true,
			events: retried, retryCause: "certificate signed by unknown authority",
		},
		{
			name: "a password rotated in Elasticsearch mid-way is unauthorized until the connection Secret has the new one",
			arrange: func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec {
				h.es.AddUser("rotating-operator", "old-password-5d1e", "")
				h.secret("rotating-es", map[string]string{"url": h.esServer.URL, "username": "rotating-operator",
					"password": "old-password-5d1e"})
				// The first call fails (503) and, while it is in flight, the password changes.
				h.es.InjectFaults(esemulator.Fault{Status: http.StatusServiceUnavailable, AfterApply: func() {
					h.es.AddUser("rotating-operator", "new-password-8a2b", "")
				}})
				return securityv1alpha1.TokenRevocationSpec{Token: str(w.token.AccessToken),
					ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("rotating-es")}}
			},
			stuck: &expectedState{phase: securityv1alpha1.PhaseRevoking, reason: securityv1alpha1.ReasonUnauthorized,
				message: "Elasticsearch answered 401"},
			fix: func(h *harness, _ *faultWorld) {
				h.secret("rotating-es", map[string]string{"url": h.esServer.URL, "username": "rotating-operator",
					"password": "new-password-8a2b"})
			},
			final: revoked, minAttempts: 3, calls: 2, invalidated: 1, revokedInES: true,
			events: []string{EventRetrying, EventRetrying, EventRevoked}, retryCause: "Unauthorized: Elasticsearch answered 401",
		},
		{
			name: "a connection Secret deleted mid-way is pending until it is created again",
			arrange: func(h *harness, w *faultWorld) securityv1alpha1.TokenRevocationSpec {
				h.secret("deleted-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword})
				// The first call fails (503) and, while it is in flight, the Secret is deleted.
				h.es.InjectFaults(esemulator.Fault{Status: http.StatusServiceUnavailable, AfterApply: func() {
					secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "deleted-es", Namespace: h.namespace}}
					if err := h.client.Delete(h.ctx, secret); err != nil {
						h.t.Errorf("deleting the connection Secret: %v", err)
					}
				}})
				return securityv1alpha1.TokenRevocationSpec{Token: str(w.token.AccessToken),
					ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("deleted-es")}}
			},
			stuck: &expectedState{phase: securityv1alpha1.PhasePending, reason: securityv1alpha1.ReasonSecretNotFound,
				message: "deleted-es (spec.elasticsearchRef.secretName) not found"},
			fix: func(h *harness, _ *faultWorld) {
				h.secret("deleted-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword})
			},
			// A pending pass makes no attempt: the count is exact.
			final: revoked, attempts: 2, calls: 2, invalidated: 1, revokedInES: true,
			events: []string{EventRetrying, EventRetrying, EventRevoked}, retryCause: "SecretNotFound: Secret",
		},
	}
}

func TestEveryFaultEndsInTheExpectedRecord(t *testing.T) {
	for _, row := range faultMatrix() {
		t.Run(row.name, func(t *testing.T) {
			runFaultRow(t, row)
		})
	}
}

func runFaultRow(t *testing.T, row faultRow) {
	g := NewWithT(t)
	var opts []harnessOption
	if row.requestTimeout > 0 {
		opts = append(opts, withRequestTimeout(row.requestTimeout))
	}
	requests := &atomic.Int64{}
	h := newHarness(t, func(es http.Handler) http.Handler { return countingRequests(requests, es) }, opts...)
	world := &faultWorld{token: h.mint(esUser), requests: requests}
	h.es.InjectFaults(row.faults...)
	spec := securityv1alpha1.TokenRevocationSpec{Token: str(world.token.AccessToken)}
	if row.arrange != nil {
		spec = row.arrange(h, world)
	}
	rev := h.create(spec)

	if row.stuck != nil {
		stuck := h.waitFor(rev, row.stuck.phase, row.stuck.reason)
		g.Expect(readyMessage(stuck)).To(ContainSubstring(row.stuck.message))
		row.fix(h, world)
	}
	got := h.waitFor(rev, row.final.phase, row.final.reason)

	if row.final.phase == securityv1alpha1.PhaseRevoked {
		g.Expect(readyMessage(got)).To(Equal(row.final.message))
	} else {
		g.Expect(readyMessage(got)).To(ContainSubstring(row.final.message))
	}
	if row.minAttempts > 0 {
		g.Expect(got.Status.Attempts).To(BeNumerically(">=", row.minAttempts))
	} else {
		g.Expect(got.Status.Attempts).To(Equal(row.attempts))
	}
	g.Expect(ptr.Deref(got.Status.InvalidatedTokens, 0)).To(Equal(row.invalidated), "status.invalidatedTokens")
	g.Expect(ptr.Deref(got.Status.PreviouslyInvalidatedTokens, 0)).To(Equal(row.previously), "status.previouslyInvalidatedTokens")
	g.Expect(ptr.Deref(got.Status.ErrorCount, 0)).To(Equal(row.errorCount), "status.errorCount")
	g.Expect(got.Status.CompletionTime).NotTo(BeNil())

	known, accessInvalidated, _ := h.es.TokenState(world.token.AccessToken)
	g.Expect(known).To(BeTrue())
	g.Expect(accessInvalidated).To(Equal(row.revokedInES), "the access token's state in Elasticsearch")

	// Finished means finished: no call after the final record.
	g.Consistently(h.es.InvalidateCalls).WithTimeout(300*time.Millisecond).WithPolling(50*time.Millisecond).
		Should(Equal(row.calls), "invalidate calls that reached the token service")
	if row.requestsBelowAttempts {
		g.Expect(requests.Load()).To(BeNumerically("<", got.Status.Attempts))
	} else {
		g.Expect(requests.Load()).To(BeEquivalentTo(got.Status.Attempts), "one HTTP request per attempt")
	}

	events := h.expectEventReasons(rev, row.events...)
	var notes []string
	for _, e := range events {
		if e.Reason == EventRetrying {
			notes = append(notes, e.Note)
		}
	}
	g.Expect(strings.Join(notes, "\n")).To(ContainSubstring(row.retryCause), "the Retrying events name the cause")
}

// countingRequests counts the invalidate requests that reach es, whatever their outcome.
func countingRequests(count *atomic.Int64, es http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && r.URL.Path == "/_security/oauth2/token" {
			count.Add(1)
		}
		es.ServeHTTP(w, r)
	})
}

// anotherCA is the PEM of a freshly made CA that signed nothing the emulator serves.
func anotherCA(t *testing.T) string {
	t.Helper()
	ca, err := testcerts.UnrelatedCA()
	if err != nil {
		t.Fatal(err)
	}
	return string(ca)
}
