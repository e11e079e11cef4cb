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
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// seedPartialAnswer is the example answer of Elastic's invalidate-token documentation.
const seedPartialAnswer = `{"invalidated_tokens":9,"previously_invalidated_tokens":15,"error_count":2,"error_details":[
{"type":"exception","reason":"Elasticsearch exception [type=exception, reason=foo]",
 "caused_by":{"type":"exception","reason":"Elasticsearch exception [type=illegal_argument_exception, reason=bar]"}},
{"type":"exception","reason":"Elasticsearch exception [type=exception, reason=boo]",
 "caused_by":{"type":"exception","reason":"Elasticsearch exception [type=illegal_argument_exception, reason=far]"}}]}`

// answeringWith answers every invalidate call with body, as Elasticsearch would (HTTP 200,
// X-Elastic-Product), after authenticating it against the emulator; everything else goes to the emulator.
func answeringWith(body string) func(http.Handler) http.Handler {
	return func(es http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodDelete || r.URL.Path != "/_security/oauth2/token" {
				es.ServeHTTP(w, r)
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("X-Elastic-Product", "Elasticsearch")
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		})
	}
}

func TestTheSeedPartialAnswerIsRecordedFaithfully(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, answeringWith(seedPartialAnswer))

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonPartialFailure)

	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(fastRetries.MaxPartialAttempts))
	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(9*fastRetries.MaxPartialAttempts), "each attempt's count adds up")
	g.Expect(*rev.Status.PreviouslyInvalidatedTokens).To(BeEquivalentTo(15))
	g.Expect(*rev.Status.ErrorCount).To(BeEquivalentTo(2))
	g.Expect(rev.Status.ErrorDetails).To(Equal([]securityv1alpha1.ErrorDetail{
		{Type: "exception", Reason: "Elasticsearch exception [type=exception, reason=foo]", CausedBy: &securityv1alpha1.ErrorCause{
			Type: "exception", Reason: "Elasticsearch exception [type=illegal_argument_exception, reason=bar]"}},
		{Type: "exception", Reason: "Elasticsearch exception [type=exception, reason=boo]", CausedBy: &securityv1alpha1.ErrorCause{
			Type: "exception", Reason: "Elasticsearch exception [type=illegal_argument_exception, reason=far]"}},
	}))
	g.Expect(meta.IsStatusConditionTrue(rev.Status.Conditions, securityv1alpha1.StalledCondition)).To(BeTrue())
	g.Expect(readyMessage(rev)).To(ContainSubstring("failed to invalidate 2 tokens"))
	g.Expect(readyMessage(rev)).To(ContainSubstring("giving up after 3 attempts"))
	h.expectEventReasons(rev, EventRetrying, EventRevocationFailed)
}

func TestAnUnknownTokenFailsAsTokenNotFound(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.mint(esUser) // the token service has issued tokens, so an unknown one is a 404

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str("dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu")}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonTokenNotFound)

	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1))
	g.Expect(meta.IsStatusConditionTrue(rev.Status.Conditions, securityv1alpha1.StalledCondition)).To(BeTrue())
	g.Expect(meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReconcilingCondition)).To(BeNil())
	g.Expect(readyMessage(rev)).To(ContainSubstring("unknown"))
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(1), "a failure for good is not retried")
	h.expectEventReasons(rev, EventRevocationFailed)
}

func TestWrongCredentialsAreRetriedUntilTheConnectionSecretIsFixed(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)
	h.secret("prod-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": "wrong-password-0a1b2c"})

	rev := h.create(securityv1alpha1.TokenRevocationSpec{
		Token: str(pair.AccessToken), ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("prod-es")}})
	unauthorized := h.waitFor(rev, securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonUnauthorized)
	g.Expect(meta.IsStatusConditionTrue(unauthorized.Status.Conditions, securityv1alpha1.ReconcilingCondition)).To(BeTrue())
	g.Expect(readyMessage(unauthorized)).To(ContainSubstring("retrying in"))

	h.secret("prod-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword})
	revoked := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(revoked.Status.Attempts).To(BeNumerically(">=", 2))
	g.Expect(*revoked.Status.InvalidatedTokens).To(BeEquivalentTo(1))
	h.expectEventReasons(rev, EventRetrying, EventRevoked)
	expectNoSecret(g, "the logs", h.logs.String(), "wrong-password-0a1b2c", esPassword, pair.AccessToken)
}

func TestAPasswordWithATrailingNewlineIsNamedAsTheLikelyCause(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.secret("prod-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword + "\n"})

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("nobody"),
		ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("prod-es")}}),
		securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonUnauthorized)
	g.Expect(readyMessage(rev)).To(ContainSubstring("the password begins or ends with whitespace"))

	h.secret("prod-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword})
	h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	expectNoSecret(g, "the logs", h.logs.String(), esPassword)
}

func TestAUserWithoutManageTokenIsRetriedAsForbidden(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUnprivilegedUser("viewer", "viewer-password-77")
	h.secret("viewer-es", map[string]string{"url": h.esServer.URL, "username": "viewer", "password": "viewer-password-77"})

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{
		Username: str("myuser"), ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("viewer-es")}}),
		securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonForbidden)

	g.Expect(readyMessage(rev)).To(ContainSubstring("manage_token"))
}

func TestUnavailableElasticsearchIsRetriedWithBackoffUntilItAnswers(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.InjectFaults(esemulator.Fault{Status: http.StatusServiceUnavailable}, esemulator.Fault{Status: http.StatusServiceUnavailable})
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	revoked := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(revoked.Status.Attempts).To(BeEquivalentTo(3))
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(3), "one call per attempt: the client's own retries are off")
	g.Expect(*revoked.Status.InvalidatedTokens).To(BeEquivalentTo(1))
	// The third attempt came no sooner than the two backoff delays after the first.
	elapsed := revoked.Status.LastAttemptTime.Sub(revoked.Status.StartTime.Time)
	g.Expect(elapsed).To(BeNumerically(">=", fastRetries.attemptDelay(1)+fastRetries.attemptDelay(2)-time.Second),
		"timestamps have a second's resolution")
	events := h.expectEventReasons(rev, EventRetrying, EventRevoked)
	g.Expect(events[0].Note + events[1].Note).To(ContainSubstring("503"))
}

func TestAPartialFailureIsRetriedAndCountersAddUp(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password", "saml1")
	h.mint("myuser")
	h.mint("myuser")
	h.es.InjectFaults(esemulator.Fault{PartialErrors: 1})

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(2))
	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(4), "3 halves in the first attempt, the failed one in the second")
	g.Expect(*rev.Status.ErrorCount).To(BeEquivalentTo(0))
	g.Expect(rev.Status.ErrorDetails).To(BeEmpty())
}

func TestAMissingTokenSecretIsPendingUntilItIsCreated(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{TokenSecretRef: ref("not-yet", "token")})
	pending := h.waitFor(rev, securityv1alpha1.PhasePending, securityv1alpha1.ReasonSecretNotFound)
	g.Expect(readyMessage(pending)).To(ContainSubstring("not-yet"))
	g.Expect(pending.Status.Attempts).To(BeEquivalentTo(0))
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(0))

	h.secret("not-yet", map[string]string{"other": "x"})
	h.waitFor(rev, securityv1alpha1.PhasePending, securityv1alpha1.ReasonSecretKeyNotFound)

	h.secret("not-yet", map[string]string{"token": pair.AccessToken})
	revoked := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(revoked.Status.Attempts).To(BeEquivalentTo(1))
	h.expectEventReasons(rev, EventRetrying, EventRetrying, EventRevoked)
}

func TestABadConnectionSecretIsPendingWithTheProblemNamed(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.secret("no-url", map[string]string{"username": esUser, "password": esPassword})
	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{
		Username: str("u"), ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("no-url")}}),
		securityv1alpha1.PhasePending, securityv1alpha1.ReasonInvalidConnection)
	g.Expect(readyMessage(rev)).To(ContainSubstring("url"))
	g.Expect(strings.Contains(readyMessage(rev), esPassword)).To(BeFalse())
}
