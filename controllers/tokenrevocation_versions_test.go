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
	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// The request shapes of Elastic's documentation (seeds/), run one after the other against each
// generation of Elasticsearch the operator supports, whose version it learns from the answers.

// shapeOutcome is what a shape must end with on a generation.
type shapeOutcome struct {
	phase       securityv1alpha1.Phase
	reason      string
	invalidated int64
	previously  int64
}

var (
	revokedOne    = shapeOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, 1, 0}
	revokedPair   = shapeOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, 2, 0}
	unknownToken  = shapeOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenNotFound}
	unsupportedBy = shapeOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonUnsupportedByElasticsearch}
)

// generationCase is one generation and what each shape ends with there.
type generationCase struct {
	version                         string
	token, refresh, realm, user     shapeOutcome
	realmAndUser, unknownAccessOnly shapeOutcome
}

var generationCases = []generationCase{
	{version: "6.1.4", token: revokedOne, refresh: unsupportedBy, realm: unsupportedBy, user: unsupportedBy,
		realmAndUser: unsupportedBy, unknownAccessOnly: unknownToken},
	{version: "6.5.4", token: revokedOne, refresh: revokedOne, realm: unsupportedBy, user: unsupportedBy,
		realmAndUser: unsupportedBy, unknownAccessOnly: unknownToken},
	{version: "6.8.23", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.6.2", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.10.2", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.17.29", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "8.19.7", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "9.1.0", token: revokedOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
}

func TestEveryGenerationRevokesWhatItSupportsAndRefusesTheRestAtOnce(t *testing.T) {
	for _, gen := range generationCases {
		t.Run("Elasticsearch "+gen.version, func(t *testing.T) {
			h := newHarness(t, nil, withEmulator(esemulator.WithVersion(gen.version)))
			h.es.AddUser("alice", "alice-password", "")
			h.es.AddUser("bob", "bob-password", "saml1")
			h.es.AddUser("carol", "carol-password", "ldap1")
			token := h.mint(esUser)
			second := h.mint(esUser)
			for _, user := range []string{"alice", "bob", "carol"} {
				h.mint(user)
			}
			refresh := second.RefreshToken
			if refresh == "" { // 6.0-6.1 issue no refresh tokens
				refresh = "dGhpcyByZWZyZXNoIHRva2VuIHdhcyBuZXZlciBpc3N1ZWQ="
			}
			shapes := []struct {
				name string
				spec securityv1alpha1.TokenRevocationSpec
				want shapeOutcome
			}{
				{"an access token", securityv1alpha1.TokenRevocationSpec{Token: new(token.AccessToken)}, gen.token},
				{"a refresh token", securityv1alpha1.TokenRevocationSpec{RefreshToken: new(refresh)}, gen.refresh},
				{"a realm", securityv1alpha1.TokenRevocationSpec{RealmName: new("saml1")}, gen.realm},
				{"a user", securityv1alpha1.TokenRevocationSpec{Username: new("alice")}, gen.user},
				{"a user in a realm", securityv1alpha1.TokenRevocationSpec{RealmName: new("ldap1"), Username: new("carol")}, gen.realmAndUser},
				{"an unknown access token", securityv1alpha1.TokenRevocationSpec{
					Token: new("dW5rbm93bi10b2tlbi1uZXZlci1pc3N1ZWQtYnktdGhpcy1jbHVzdGVy")}, gen.unknownAccessOnly},
			}
			for i, shape := range shapes {
				before := h.es.Requests()
				rev := h.waitFor(h.create(shape.spec), shape.want.phase, shape.want.reason)
				g := NewWithT(t)
				g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1), "%s: never retried for a version mismatch", shape.name)
				g.Expect(ptr.Deref(rev.Status.InvalidatedTokens, 0)).To(Equal(shape.want.invalidated), shape.name)
				g.Expect(ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, 0)).To(Equal(shape.want.previously), shape.name)
				g.Expect(rev.Status.ElasticsearchVersion).NotTo(BeEmpty(), "%s: the version is recorded", shape.name)
				requests := h.es.Requests() - before
				if i == 0 {
					g.Expect(requests).To(BeNumerically("<=", 2), "learning the version costs at most one routing error")
				} else {
					g.Expect(requests).To(BeNumerically("<=", 1), "%s: once the version is known, at most one call", shape.name)
				}
				if shape.want.reason == securityv1alpha1.ReasonUnsupportedByElasticsearch {
					g.Expect(readyMessage(rev)).To(MatchRegexp(`6\.[27]`), "%s: the message names the version that brought it", shape.name)
				}
			}
		})
	}
}

func TestAVersionGivenInTheConnectionSecretFailsAnUnsupportedShapeWithoutAnyCall(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil, withEmulator(esemulator.WithVersion("6.5.4")))
	h.secret("old-es", map[string]string{"url": h.esServer.URL, "username": esUser, "password": esPassword, "version": "6.5.4"})

	rev := h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: new("alice"),
		ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{SecretName: new("old-es")}}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonUnsupportedByElasticsearch)

	g.Expect(h.es.Requests()).To(BeZero(), "the version was known: nothing was sent")
	g.Expect(rev.Status.ElasticsearchVersion).To(Equal("6.5.4"))
	g.Expect(readyMessage(rev)).To(ContainSubstring("6.7"))
}
