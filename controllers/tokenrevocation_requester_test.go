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
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

func signedRevocation(key *installation.Key, requester string, spec securityv1alpha1.TokenRevocationSpec) *securityv1alpha1.TokenRevocation {
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "security"}, Spec: spec}
	rev.Annotations = map[string]string{
		securityv1alpha1.RequesterAnnotation:          requester,
		securityv1alpha1.AdmissionSignatureAnnotation: key.Sign("security", requester, spec.SignedBytes()),
	}
	return rev
}

func signedApiKeyRevocation(key *installation.Key, requester string, spec securityv1alpha1.ApiKeyRevocationSpec) *securityv1alpha1.ApiKeyRevocation {
	rev := &securityv1alpha1.ApiKeyRevocation{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "security"}, Spec: spec}
	rev.Annotations = map[string]string{
		securityv1alpha1.RequesterAnnotation:          requester,
		securityv1alpha1.AdmissionSignatureAnnotation: key.Sign("security", requester, spec.SignedBytes()),
	}
	return rev
}

func TestOnlySecretsOfAVerifiedRequesterAreRead(t *testing.T) {
	key, _, err := installation.RandomKey()
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	fromSecret := securityv1alpha1.TokenRevocationSpec{TokenSecretRef: ref("leaked", "token")}
	leakedKey := securityv1alpha1.ApiKeyRevocationSpec{EncodedKeySecretRef: ref("leaked-key", "encoded")}

	unsigned := "unknown (not admitted by the operator's webhook)"
	tests := map[string]struct {
		rev      securityv1alpha1.Revocation
		verified bool
		who      string
	}{
		"a signed revocation naming a Secret": {rev: signedRevocation(key, "alice", fromSecret), verified: true, who: "alice"},
		"a revocation naming no Secret needs no signature": {verified: true, who: unsigned,
			rev: &securityv1alpha1.TokenRevocation{Spec: securityv1alpha1.TokenRevocationSpec{Username: str("u")}}},
		"an unsigned revocation naming a Secret": {who: unsigned,
			rev: &securityv1alpha1.TokenRevocation{Spec: fromSecret}},
		"a forged requester": {who: "bob (unverified)", rev: func() *securityv1alpha1.TokenRevocation {
			rev := signedRevocation(key, "alice", fromSecret)
			rev.Annotations[securityv1alpha1.RequesterAnnotation] = "bob"
			return rev
		}()},
		"a spec changed after admission": {who: "alice (unverified)", rev: func() *securityv1alpha1.TokenRevocation {
			rev := signedRevocation(key, "alice", fromSecret)
			rev.Spec.TokenSecretRef = ref("someone-elses", "token")
			return rev
		}()},
		"another installation's signature": {who: "alice (unverified)", rev: func() *securityv1alpha1.TokenRevocation {
			other, _, _ := installation.RandomKey()
			return signedRevocation(other, "alice", fromSecret)
		}()},
		"an ECK reference reads ECK's elastic user": {who: "alice (unverified)", rev: func() *securityv1alpha1.TokenRevocation {
			rev := signedRevocation(key, "alice", securityv1alpha1.TokenRevocationSpec{Username: str("u")})
			rev.Spec.ElasticsearchRef = &securityv1alpha1.ElasticsearchRef{Name: str("quickstart")}
			return rev
		}()},
		"an unsigned revocation naming a token list": {who: unsigned, rev: &securityv1alpha1.TokenRevocation{
			Spec: securityv1alpha1.TokenRevocationSpec{TokenListSecretRef: ref("leaked-list", "tokens")}}},
		"an unsigned revocation naming a refresh token list": {who: unsigned, rev: &securityv1alpha1.TokenRevocation{
			Spec: securityv1alpha1.TokenRevocationSpec{RefreshTokenListSecretRef: ref("leaked-list", "tokens")}}},
		"a signed ApiKeyRevocation naming a leaked key's Secret": {verified: true, who: "alice",
			rev: signedApiKeyRevocation(key, "alice", leakedKey)},
		"an unsigned ApiKeyRevocation naming a leaked key's Secret": {who: unsigned,
			rev: &securityv1alpha1.ApiKeyRevocation{Spec: leakedKey}},
		"an ApiKeyRevocation whose connection Secret was changed after admission": {who: "alice (unverified)",
			rev: func() *securityv1alpha1.ApiKeyRevocation {
				rev := signedApiKeyRevocation(key, "alice", securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{"k1"}})
				rev.Spec.ElasticsearchRef = &securityv1alpha1.ElasticsearchRef{SecretName: str("attacker-es")}
				return rev
			}()},
		"an unsigned ApiKeyRevocation naming no Secret needs no signature": {verified: true, who: unsigned,
			rev: &securityv1alpha1.ApiKeyRevocation{Spec: securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{"k1"}}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			who := requesterOf(key, tc.rev)
			problem := who.problem(tc.rev)
			if tc.verified {
				g.Expect(problem).To(BeEmpty())
			} else {
				g.Expect(problem).To(ContainSubstring("which the operator reads only for a requester its admission webhook checked"))
			}
			g.Expect(who.display).To(Equal(tc.who))
		})
	}
}

func TestPrintableEscapesWhatWouldForgeOrHideTerminalText(t *testing.T) {
	g := NewWithT(t)
	g.Expect(printable("INC-1: leaked in CI — fuite")).To(Equal("INC-1: leaked in CI — fuite"), "ordinary text is unchanged")
	g.Expect(printable("INC-1\nPhase: Revoked")).To(Equal(`INC-1\u{000A}Phase: Revoked`))
	g.Expect(printable("\x1b[31mred")).To(Equal(`\u{001B}[31mred`))
	g.Expect(printable("evil\u202etxt.exe")).To(Equal(`evil\u{202E}txt.exe`))
	g.Expect(auditIDs(&securityv1alpha1.ApiKeyRevocation{Spec: securityv1alpha1.ApiKeyRevocationSpec{
		IDs: []string{"key-1", "key\u202e2"}}})).To(Equal([]string{"key-1", `key\u{202E}2`}), "ids admitted before the rule, in the audit log")
}

// Without the webhooks (a cluster that installed only the CRD, whose CEL rules cannot see who asks),
// nobody checks that a revocation's creator may read the Secrets it names: the operator must then
// refuse to read them, and send nothing anywhere.
func TestWithoutTheWebhooksARevocationNamingSecretsIsRefusedAndNothingIsSent(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	removeWebhookConfigurations(t)
	var received atomic.Int64
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		received.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(attacker.Close)
	h.secret("victim", map[string]string{"token": "a-database-password"})
	h.secret("attacker-es", map[string]string{"url": attacker.URL, "username": "mallory", "password": "mallorys-password"})

	rev := h.create(securityv1alpha1.TokenRevocationSpec{TokenSecretRef: ref("victim", "token"),
		ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: str("attacker-es")}})
	got := h.waitFor(rev, securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonRequesterNotVerified)

	g.Expect(received.Load()).To(BeZero(), "no request reached the server the connection Secret names")
	g.Expect(got.Status.TokenFingerprint).To(BeEmpty(), "the Secret was not even read")
	g.Expect(readyMessage(got)).To(ContainSubstring("create it again with the operator's webhooks installed"))
	expectNoSecret(g, "the logs", h.logs.String(), "a-database-password", "mallorys-password")

	plain := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("nobody")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	g.Expect(plain.Annotations).NotTo(HaveKey(securityv1alpha1.RequesterAnnotation), "no webhook recorded a requester")
}

// removeWebhookConfigurations deletes the webhook configurations for one test, and puts them back after.
func removeWebhookConfigurations(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	g := NewWithT(t)
	var mutating admissionregistrationv1.MutatingWebhookConfigurationList
	var validating admissionregistrationv1.ValidatingWebhookConfigurationList
	g.Expect(testClient.List(ctx, &mutating)).To(Succeed())
	g.Expect(testClient.List(ctx, &validating)).To(Succeed())
	saved := make([]client.Object, 0, len(mutating.Items)+len(validating.Items))
	for i := range mutating.Items {
		saved = append(saved, &mutating.Items[i])
	}
	for i := range validating.Items {
		saved = append(saved, &validating.Items[i])
	}
	g.Expect(saved).NotTo(BeEmpty())
	for _, obj := range saved {
		g.Expect(testClient.Delete(ctx, obj)).To(Succeed())
	}
	waitForWebhooks(t, false)
	t.Cleanup(func() {
		for _, obj := range saved {
			obj.SetResourceVersion("")
			obj.SetUID("")
			if err := testClient.Create(ctx, obj); err != nil {
				t.Errorf("restoring %s: %v", obj.GetName(), err)
			}
		}
		waitForWebhooks(t, true)
	})
}

// waitForWebhooks waits until the API server calls the webhooks again (or no longer does), as a
// dry-run creation shows: the mutating webhook records its requester.
func waitForWebhooks(t *testing.T, called bool) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		probe := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-", Namespace: "default"},
			Spec: securityv1alpha1.TokenRevocationSpec{Username: str("probe")}}
		g.Expect(testClient.Create(context.Background(), probe, client.DryRunAll)).To(Succeed())
		g.Expect(probe.Annotations).To(haveRequester(called))
	}).WithTimeout(waitTimeout).Should(Succeed())
}

func haveRequester(present bool) OmegaMatcher {
	if present {
		return HaveKey(securityv1alpha1.RequesterAnnotation)
	}
	return Not(HaveKey(securityv1alpha1.RequesterAnnotation))
}
