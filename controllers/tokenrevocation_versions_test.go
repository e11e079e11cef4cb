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

// shapeOutcome is what a shape must end with on a generation, and how many calls it costs there.
type shapeOutcome struct {
	phase       securityv1alpha1.Phase
	reason      string
	invalidated int64
	previously  int64
	calls       int64
	// cannotTell says the Revoked message carries 6.2–6.6's caveat (created: true even for a token
	// already invalid, elastic/elasticsearch#35115).
	cannotTell bool
}

// costs is o costing n calls: 2 while a 6.x target is learned (a "no handler found" answer on the
// current path, then the legacy path), 1 for a refusal only the cluster's parser can give.
func (o shapeOutcome) costs(n int64) shapeOutcome { o.calls = n; return o }

// withCaveat is o with 6.2–6.6's caveat in its message.
func (o shapeOutcome) withCaveat() shapeOutcome { o.cannotTell = true; return o }

var (
	revokedOne    = shapeOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, 1, 0, 1, false}
	revokedPair   = shapeOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, 2, 0, 1, false}
	alreadyOne    = shapeOutcome{securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked, 0, 1, 1, false}
	unknownToken  = shapeOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonTokenNotFound, calls: 1}
	unsupportedBy = shapeOutcome{phase: securityv1alpha1.PhaseFailed, reason: securityv1alpha1.ReasonUnsupportedByElasticsearch}
)

// generationCase is one generation and what each shape ends with there.
type generationCase struct {
	version                         string
	token, again, refresh           shapeOutcome
	realm, user                     shapeOutcome
	realmAndUser, unknownAccessOnly shapeOutcome
}

// The emulator routes /_security in 6.7–6.8 (its doc.go, note 1), so only 6.0–6.6 cost a second call
// while their version is learned. 6.0–6.1 answer created: false for a token already invalid, 6.2–6.6
// created: true (elastic/elasticsearch#35115), 6.7 and later the counters.
var generationCases = []generationCase{
	{version: "6.1.4", token: revokedOne.costs(2).withCaveat(), again: alreadyOne, refresh: unsupportedBy.costs(1),
		realm: unsupportedBy, user: unsupportedBy, realmAndUser: unsupportedBy, unknownAccessOnly: unknownToken},
	{version: "6.5.4", token: revokedOne.costs(2).withCaveat(), again: revokedOne.withCaveat(), refresh: revokedOne.withCaveat(),
		realm: unsupportedBy, user: unsupportedBy, realmAndUser: unsupportedBy, unknownAccessOnly: unknownToken},
	{version: "6.8.23", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.6.2", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.10.2", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "7.17.29", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "8.19.7", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
		realmAndUser: revokedPair, unknownAccessOnly: unknownToken},
	{version: "9.1.0", token: revokedOne, again: alreadyOne, refresh: revokedOne, realm: revokedPair, user: revokedPair,
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
				{"the same access token again", securityv1alpha1.TokenRevocationSpec{Token: new(token.AccessToken)}, gen.again},
				{"a refresh token", securityv1alpha1.TokenRevocationSpec{RefreshToken: new(refresh)}, gen.refresh},
				{"a realm", securityv1alpha1.TokenRevocationSpec{RealmName: new("saml1")}, gen.realm},
				{"a user", securityv1alpha1.TokenRevocationSpec{Username: new("alice")}, gen.user},
				{"a user in a realm", securityv1alpha1.TokenRevocationSpec{RealmName: new("ldap1"), Username: new("carol")}, gen.realmAndUser},
				{"an unknown access token", securityv1alpha1.TokenRevocationSpec{
					Token: new("dW5rbm93bi10b2tlbi1uZXZlci1pc3N1ZWQtYnktdGhpcy1jbHVzdGVy")}, gen.unknownAccessOnly},
			}
			for _, shape := range shapes {
				before := h.es.Requests()
				rev := h.waitFor(h.create(shape.spec), shape.want.phase, shape.want.reason)
				g := NewWithT(t)
				g.Expect(rev.Status.Attempts).To(BeEquivalentTo(1), "%s: never retried for a version mismatch", shape.name)
				g.Expect(ptr.Deref(rev.Status.InvalidatedTokens, 0)).To(Equal(shape.want.invalidated), shape.name)
				g.Expect(ptr.Deref(rev.Status.PreviouslyInvalidatedTokens, 0)).To(Equal(shape.want.previously), shape.name)
				g.Expect(rev.Status.ElasticsearchVersion).NotTo(BeEmpty(), "%s: the version is recorded", shape.name)
				g.Expect(h.es.Requests()-before).To(Equal(shape.want.calls),
					"%s: calls (a second one only while a 6.x target is learned)", shape.name)
				if shape.want.cannotTell {
					g.Expect(readyMessage(rev)).To(ContainSubstring("cannot tell"), "%s: 6.2–6.6's created: true is not trusted", shape.name)
				} else {
					g.Expect(readyMessage(rev)).NotTo(ContainSubstring("cannot tell"), shape.name)
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
