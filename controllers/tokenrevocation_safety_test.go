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
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestAFinishedRevocationIsNeverSentAgainAfterARestartOrAnEdit(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)
	revoked := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	h.waitFor(revoked, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	failed := h.create(securityv1alpha1.TokenRevocationSpec{Token: str("dW5rbm93bi10b2tlbg==")})
	h.waitFor(failed, securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonTokenNotFound)
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(2))

	// A label edit, then a restart: the new manager sees both as new objects.
	latest := h.get(g, revoked)
	latest.Labels = map[string]string{"incident": "inc-1"}
	g.Expect(h.client.Update(h.ctx, latest)).To(Succeed())
	h.stopManager()
	h.startManager()

	// Prove the new manager works, then that it left the finished ones alone.
	another := h.mint(esUser)
	h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str(another.AccessToken)}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(3),
		"one call per revocation, none again for the finished ones")
	g.Expect(h.get(g, revoked).Status.Attempts).To(BeEquivalentTo(1))
	g.Expect(h.get(g, failed).Status.Attempts).To(BeEquivalentTo(1))
}

func TestARevocationWaitingForItsNextAttemptKeepsItsBackoffAcrossARestart(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.policy = RetryPolicy{BaseDelay: 3 * time.Second, MaxDelay: 3 * time.Second, MaxPartialAttempts: 3}
	h.stopManager()
	h.startManager()
	h.es.InjectFaults(esemulatorUnavailable())
	pair := h.mint(esUser)

	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	h.waitFor(rev, securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonElasticsearchUnavailable)
	h.stopManager()
	h.startManager()

	g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(1),
		"the restarted manager waits for the backoff instead of calling at once")
	revoked := h.waitFor(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(revoked.Status.Attempts).To(BeEquivalentTo(2))
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(2))
}

func TestNoSecretAppearsInLogsEventsOrStatus(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password-5e6f", "saml1")
	viaSecret, inline, refresh := h.mint(esUser), h.mint(esUser), h.mint("myuser")
	h.secret("leaked", map[string]string{"token": viaSecret.AccessToken})
	h.secret("wrong-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": "wrong-password-3c4d"})
	h.es.InjectFaults(esemulatorUnavailable())

	revocations := []*securityv1alpha1.TokenRevocation{
		h.create(securityv1alpha1.TokenRevocationSpec{TokenSecretRef: ref("leaked", "token"), Reason: str("INC-9")}),
		h.create(securityv1alpha1.TokenRevocationSpec{Token: str(inline.AccessToken)}),
		h.create(securityv1alpha1.TokenRevocationSpec{RefreshToken: str(refresh.RefreshToken)}),
		h.create(securityv1alpha1.TokenRevocationSpec{Token: str(inline.RefreshToken),
			ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("wrong-es")}}),
		h.create(securityv1alpha1.TokenRevocationSpec{Token: str("bm90LWEtcmVhbC10b2tlbi1hdC1hbGw=")}),
	}
	h.waitFor(revocations[0], securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	h.waitFor(revocations[3], securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonUnauthorized)
	h.waitFor(revocations[4], securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonTokenNotFound)

	secrets := []string{viaSecret.AccessToken, inline.AccessToken, inline.RefreshToken, refresh.RefreshToken,
		esPassword, "wrong-password-3c4d", "myuser-password-5e6f"}
	for _, rev := range revocations {
		status, err := json.Marshal(h.get(g, rev).Status)
		g.Expect(err).NotTo(HaveOccurred())
		expectNoSecret(g, "status of "+rev.Name, string(status), secrets...)
		for _, event := range h.events(g, rev) {
			expectNoSecret(g, "event "+event.Reason, event.Note, secrets...)
		}
	}
	g.Expect(h.logs.String()).To(ContainSubstring("tokenFingerprint"), "the logs were captured")
	expectNoSecret(g, "the logs", h.logs.String(), secrets...)
}

// A manager that stops (a rollout, a leader pod deleted) while a first call is in flight waits
// for its answer and records it: the next manager does not call again.
func TestAManagerStoppedDuringACallRecordsItsAnswerBeforeItStops(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)
	stopped := make(chan struct{})
	h.es.InjectFaults(esemulator.Fault{AfterApply: func() {
		go func() {
			h.stopManager()
			close(stopped)
		}()
		time.Sleep(300 * time.Millisecond) // the manager is stopping while the answer is on its way
	}})
	rev := h.create(securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)})
	g.Eventually(stopped).WithTimeout(waitTimeout).Should(BeClosed())

	recorded := h.get(g, rev)
	g.Expect(recorded.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked), "recorded by the stopping manager")
	h.startManager()
	g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(1))
	g.Expect(readyMessage(h.get(g, rev))).To(Equal("invalidated 1 tokens, 0 already invalid"))
}
