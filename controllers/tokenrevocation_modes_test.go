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
	"testing"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// Each request shape of Elastic's invalidate-token documentation, as a TokenRevocation, gets the
// counters Elasticsearch gives.

func TestRevokesOneAccessTokenFromASecret(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)
	h.secret("leaked", map[string]string{"token": pair.AccessToken + "\n"})

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{TokenSecretRef: ref("leaked", "token")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(1))
	g.Expect(*rev.Status.PreviouslyInvalidatedTokens).To(BeEquivalentTo(0))
	g.Expect(*rev.Status.ErrorCount).To(BeEquivalentTo(0))
	g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1))
	g.Expect(rev.Status.TokenFingerprint).To(Equal(h.key.Fingerprint(pair.AccessToken)), "keyed by the installation key")
	g.Expect(rev.Status.TokenFingerprint).To(MatchRegexp(`^hmac-sha256:[0-9a-f]{16}$`))
	g.Expect(rev.Annotations).To(HaveKeyWithValue(securityv1alpha1.RequesterAnnotation, Not(BeEmpty())), "admission recorded the requester")
	g.Expect(rev.Status.Target).To(Equal(h.esServer.URL))
	g.Expect(rev.Status.StartTime).NotTo(BeNil())
	g.Expect(rev.Status.CompletionTime).NotTo(BeNil())
	g.Expect(rev.Status.ObservedGeneration).To(Equal(rev.Generation))
	g.Expect(readyMessage(rev)).To(Equal("invalidated 1 tokens, 0 already invalid"))
	_, accessInvalidated, refreshInvalidated := h.es.TokenState(pair.AccessToken)
	g.Expect(accessInvalidated).To(BeTrue())
	g.Expect(refreshInvalidated).To(BeFalse(), "only the access token was named")
	g.Expect(h.es.InvalidateCalls()).To(BeEquivalentTo(1))
	events := h.expectEventReasons(rev, EventRevoked)
	g.Expect(events[0].Note).To(ContainSubstring("requested by "+rev.Annotations[securityv1alpha1.RequesterAnnotation]),
		"the event names who asked")
	g.Expect(h.logs.String()).To(ContainSubstring(`"requester":"`+rev.Annotations[securityv1alpha1.RequesterAnnotation]+`"`),
		"and so does the audit log")
}

func TestRevokesOneInlineRefreshToken(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{RefreshToken: str(pair.RefreshToken)}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(1))
	_, accessInvalidated, refreshInvalidated := h.es.TokenState(pair.RefreshToken)
	g.Expect(refreshInvalidated).To(BeTrue())
	g.Expect(accessInvalidated).To(BeFalse())
}

// An inline token pasted with whitespace around it (a copied line, a YAML block scalar) is trimmed
// like a Secret's value, instead of being sent as a token Elasticsearch does not know.
func TestAnInlineTokenPastedWithSurroundingWhitespaceIsTrimmed(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	pair := h.mint(esUser)

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str("  " + pair.AccessToken + " \n")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(1))
	g.Expect(rev.Status.TokenFingerprint).To(Equal(h.key.Fingerprint(pair.AccessToken)), "the token's fingerprint, not the pasted text's")
	_, accessInvalidated, _ := h.es.TokenState(pair.AccessToken)
	g.Expect(accessInvalidated).To(BeTrue())
}

func TestRevokesEveryTokenOfARealm(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("alice", "alice-password", "saml1")
	h.es.AddUser("bob", "bob-password", "saml1")
	h.mint("alice")
	h.mint("bob")
	_, err := h.es.MintClientCredentialsToken("bob")
	g.Expect(err).NotTo(HaveOccurred())
	h.mint(esUser) // another realm: untouched

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{RealmName: str("saml1")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	// Two password-grant tokens count two each (access and refresh), the client_credentials one counts one.
	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(5))
	g.Expect(*rev.Status.PreviouslyInvalidatedTokens).To(BeEquivalentTo(0))
}

func TestRevokesEveryTokenOfAUser(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password", "saml1")
	h.mint("myuser")
	h.mint("myuser")
	h.mint(esUser)

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(4))
}

func TestRevokesEveryTokenOfAUserInARealmCountingHalvesAlreadyInvalid(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password", "saml1")
	h.mint("myuser")
	h.mint("myuser")
	alreadyRevoked := h.mint("myuser")
	h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str(alreadyRevoked.AccessToken)}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{RealmName: str("saml1"), Username: str("myuser")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	// Two whole tokens (2 each) and the live refresh half of the third; its access half was already invalid.
	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(5))
	g.Expect(*rev.Status.PreviouslyInvalidatedTokens).To(BeEquivalentTo(1))
	g.Expect(readyMessage(rev)).To(Equal("invalidated 5 tokens, 1 already invalid"))
}

func TestARealmWithoutTokensIsRevokedWithZeroCounters(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.mint(esUser)

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{RealmName: str("no-such-realm")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)

	g.Expect(*rev.Status.InvalidatedTokens).To(BeEquivalentTo(0))
	g.Expect(readyMessage(rev)).To(ContainSubstring("no active token matched"))
}
