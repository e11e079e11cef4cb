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
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// createKeys creates an ApiKeyRevocation in the test's namespace.
func (h *harness) createKeys(spec securityv1alpha1.ApiKeyRevocationSpec) *securityv1alpha1.ApiKeyRevocation {
	h.t.Helper()
	rev := &securityv1alpha1.ApiKeyRevocation{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "akrev-", Namespace: h.namespace},
		Spec:       spec,
	}
	NewWithT(h.t).Expect(h.client.Create(h.ctx, rev)).To(Succeed())
	return rev
}

// waitForKeys waits until the ApiKeyRevocation reaches the phase with the Ready reason, and returns it.
func (h *harness) waitForKeys(rev *securityv1alpha1.ApiKeyRevocation, phase securityv1alpha1.Phase,
	reason string) *securityv1alpha1.ApiKeyRevocation {
	h.t.Helper()
	got := &securityv1alpha1.ApiKeyRevocation{}
	NewWithT(h.t).Eventually(func(g Gomega) {
		g.Expect(h.client.Get(h.ctx, client.ObjectKeyFromObject(rev), got)).To(Succeed())
		g.Expect(got.Status.Phase).To(Equal(phase))
		ready := meta.FindStatusCondition(got.Status.Conditions, securityv1alpha1.ReadyCondition)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(reason))
	}).WithTimeout(waitTimeout).WithPolling(20 * time.Millisecond).Should(Succeed())
	return got
}

// authenticatesWithAPIKey reports the HTTP status Elasticsearch answers an encoded key with.
func (h *harness) authenticateWithAPIKey(g Gomega, encoded string) int {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodGet, h.esServer.URL+"/_security/_authenticate", nil)
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "ApiKey "+encoded)
	res, err := http.DefaultClient.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	_ = res.Body.Close()
	return res.StatusCode
}

func keysReadyMessage(rev *securityv1alpha1.ApiKeyRevocation) string {
	return meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message
}

func TestALeakedKeyGivenAsFoundIsInvalidatedByItsIDAndNoLongerAuthenticates(t *testing.T) {
	for name, format := range map[string]func(id, secret, encoded string) string{
		"the encoded value":                      func(_, _, encoded string) string { return encoded },
		"an Authorization header with newline":   func(_, _, encoded string) string { return "Authorization: ApiKey " + encoded + "\n" },
		"the ApiKey scheme and the value":        func(_, _, encoded string) string { return "ApiKey " + encoded },
		"id:api_key as Elasticsearch returns it": func(id, secret, _ string) string { return id + ":" + secret },
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			h.es.AddUser("myuser", "myuser-password", "saml1")
			id, secret, encoded := h.es.CreateAPIKey("myuser", "ci-pipeline")
			other, _, otherEncoded := h.es.CreateAPIKey("myuser", "other")
			g.Expect(h.authenticateWithAPIKey(g, encoded)).To(Equal(http.StatusOK))
			h.secret("leaked-key", map[string]string{"value": format(id, secret, encoded)})
			calls := h.es.InvalidateCalls()

			rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{
				EncodedKeySecretRef: ref("leaked-key", "value"), Reason: str("INC-7: key in a public repository")}),
				securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

			g.Expect(rev.Status.EncodedKeyId).To(Equal(id))
			g.Expect(rev.Status.InvalidatedApiKeyIds).To(Equal([]string{id}))
			g.Expect(ptr.Deref(rev.Status.InvalidatedApiKeys, -1)).To(BeEquivalentTo(1))
			g.Expect(ptr.Deref(rev.Status.PreviouslyInvalidatedApiKeys, -1)).To(BeEquivalentTo(0))
			g.Expect(keysReadyMessage(rev)).To(Equal("invalidated 1 API keys, 0 already invalid"))
			g.Expect(h.es.InvalidateCalls()-calls).To(BeEquivalentTo(1), "one call")
			g.Expect(h.authenticateWithAPIKey(g, encoded)).To(Equal(http.StatusUnauthorized))
			g.Expect(h.authenticateWithAPIKey(g, otherEncoded)).To(Equal(http.StatusOK), "the user's other key %s", other)

			recorded := h.expectEventReasons(rev, EventRevoked)
			events := make([]string, 0, len(recorded))
			for _, e := range recorded {
				events = append(events, e.Note)
			}
			status, err := yaml.Marshal(rev)
			g.Expect(err).NotTo(HaveOccurred())
			for what, text := range map[string]string{"the logs": h.logs.String(), "the status": string(status),
				"the events": strings.Join(events, "\n")} {
				expectNoSecret(g, what, text, secret, encoded)
			}
		})
	}
}

func TestEveryKeyOfACompromisedUserIsInvalidatedAndNoOtherUsers(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password", "saml1")
	h.es.AddUser("bystander", "bystander-password", "saml1")
	mine := make([]string, 0, 3)
	for _, name := range []string{"laptop", "ci", "backup"} {
		id, _, _ := h.es.CreateAPIKey("myuser", name)
		mine = append(mine, id)
	}
	theirs, _, _ := h.es.CreateAPIKey("bystander", "laptop")

	rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{Username: str("myuser"), RealmName: str("saml1")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(ptr.Deref(rev.Status.InvalidatedApiKeys, -1)).To(BeEquivalentTo(3))
	g.Expect(rev.Status.InvalidatedApiKeyIds).To(ConsistOf(mine))
	g.Expect(rev.Status.Target).To(Equal(h.esServer.URL))
	for _, id := range mine {
		_, invalidated := h.es.APIKeyState(id)
		g.Expect(invalidated).To(BeTrue(), "key %s of the compromised user", id)
	}
	_, invalidated := h.es.APIKeyState(theirs)
	g.Expect(invalidated).To(BeFalse(), "another user's key")

	again := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{Username: str("myuser"), RealmName: str("saml1")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(keysReadyMessage(again)).To(Equal("invalidated 0 API keys, 0 already invalid: no active API key matched"))
}

func TestIDsThatMatchNoValidKeyAreNamedInTheRevokedMessage(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	id, _, _ := h.es.CreateAPIKey("elastic", "integration")

	rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id, "no-such-key-id"}}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(rev.Status.InvalidatedApiKeyIds).To(Equal([]string{id}))
	g.Expect(keysReadyMessage(rev)).To(Equal("invalidated 1 API keys, 0 already invalid; 1 of the 2 API key ids named " +
		"were not invalidated by this call (no-such-key-id): Elasticsearch reports neither ids it does not know nor keys " +
		"that were already invalid, so either may be the case"))
}

func TestACredentialWithoutManageAPIKeyIsRetriedAsForbiddenUntilGranted(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddRole("token-only", "manage_token")
	h.es.AddUserWithRoles("revoker", "revoker-password-2b7c", "", "token-only")
	id, _, _ := h.es.CreateAPIKey("elastic", "integration")
	h.secret("es", map[string]string{"url": h.esServer.URL, "username": "revoker", "password": "revoker-password-2b7c"})

	rev := h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id},
		ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("es")}})
	stuck := h.waitForKeys(rev, securityv1alpha1.PhaseRevoking, securityv1alpha1.ReasonForbidden)
	g.Expect(keysReadyMessage(stuck)).To(ContainSubstring("manage_api_key"))
	_, invalidated := h.es.APIKeyState(id)
	g.Expect(invalidated).To(BeFalse())

	h.es.AddRole("token-only", "manage_token", "manage_api_key")
	done := h.waitForKeys(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(done.Status.Attempts).To(BeNumerically(">=", 2))
	h.expectEventReasons(rev, EventRetrying, EventRevoked)
}

func TestASecretThatHoldsNoAPIKeyWaitsWithoutQuotingItUntilFixed(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	id, secret, encoded := h.es.CreateAPIKey("elastic", "integration")
	garbled := strings.ReplaceAll(encoded, "=", "") + "!"
	h.secret("leaked-key", map[string]string{"value": garbled})
	calls := h.es.InvalidateCalls()

	rev := h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{EncodedKeySecretRef: ref("leaked-key", "value")})
	stuck := h.waitForKeys(rev, securityv1alpha1.PhasePending, securityv1alpha1.ReasonInvalidEncodedKey)
	g.Expect(keysReadyMessage(stuck)).To(ContainSubstring(`key "value" of Secret ` + h.namespace + `/leaked-key`))
	expectNoSecret(g, "the message", keysReadyMessage(stuck), garbled, secret)
	g.Expect(h.es.InvalidateCalls()).To(Equal(calls), "nothing is sent for a value that is not a key")

	h.secret("leaked-key", map[string]string{"value": encoded})
	done := h.waitForKeys(rev, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(done.Status.EncodedKeyId).To(Equal(id))
}

func TestADisabledAPIKeyServiceFailsForGoodAfterOneCall(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	id, _, _ := h.es.CreateAPIKey("elastic", "integration")
	h.es.SetAPIKeyServiceEnabled(false)
	calls := h.es.InvalidateCalls()

	rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id}}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonAPIKeyServiceDisabled)

	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1))
	g.Expect(h.es.InvalidateCalls() - calls).To(BeEquivalentTo(1))
	g.Expect(meta.IsStatusConditionTrue(rev.Status.Conditions, securityv1alpha1.StalledCondition)).To(BeTrue())
	h.expectEventReasons(rev, EventRevocationFailed)
}

func TestAnUnavailableElasticsearchIsRetriedAndTheKeyCountedOnce(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	id, _, _ := h.es.CreateAPIKey("elastic", "integration")
	h.es.InjectFaults(esemulatorUnavailable(), esemulatorUnavailable())

	rev := h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id}}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(3))
	g.Expect(ptr.Deref(rev.Status.InvalidatedApiKeys, -1)).To(BeEquivalentTo(1))
	h.expectEventReasons(rev, EventRetrying, EventRevoked)
}

func TestAFinishedApiKeyRevocationIsNeverSentAgainAfterARestart(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	id, _, _ := h.es.CreateAPIKey("elastic", "integration")
	revoked := h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{id}})
	h.waitForKeys(revoked, securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	h.es.SetAPIKeyServiceEnabled(false)
	failed := h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{Name: str("integration")})
	h.waitForKeys(failed, securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonAPIKeyServiceDisabled)
	h.es.SetAPIKeyServiceEnabled(true)
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(2))

	h.stopManager()
	h.startManager()

	another, _, _ := h.es.CreateAPIKey("elastic", "another")
	h.waitForKeys(h.createKeys(securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{another}}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(3),
		"one call per revocation, none again for the finished ones")
}
