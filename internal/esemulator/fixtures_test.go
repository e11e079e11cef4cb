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

package esemulator_test

import (
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// seedRefreshToken is the refresh token of Elastic's invalidate-token documentation (seed 000).
const seedRefreshToken = "vLBPvmAB6KvwvJZr27cS"

func TestImportedDocumentationTokensAreKnownAndCountLikeIssuedOnes(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	g.Expect(f.invalidate(`{"token":"`+seedToken+`"}`).status).To(Equal(404), "not well-formed, so unknown until imported")

	first, err := f.em.ImportPasswordToken(samlUser, esemulator.TokenPair{AccessToken: seedToken})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(first.AccessToken).To(Equal(seedToken))
	g.Expect(first.RefreshToken).NotTo(BeEmpty(), "the missing half is minted")
	second, err := f.em.ImportPasswordToken(samlUser, esemulator.TokenPair{RefreshToken: seedRefreshToken})
	g.Expect(err).NotTo(HaveOccurred())

	r := f.invalidate(`{"token":"` + seedToken + `"}`)
	g.Expect(r.status).To(Equal(200))
	g.Expect(r.body).To(Equal(counts(1, 0)))
	g.Expect(f.invalidate(`{"token":"` + seedToken + `"}`).body).To(Equal(counts(0, 1)))
	g.Expect(f.invalidate(`{"refresh_token":"` + seedRefreshToken + `"}`).body).To(Equal(counts(1, 0)))

	// In realm mode: the first document's live refresh half and the second's live access half.
	g.Expect(f.invalidate(`{"realm_name":"saml1"}`).body).To(Equal(counts(2, 2)))
	_, accessInvalidated, _ := f.em.TokenState(second.AccessToken)
	g.Expect(accessInvalidated).To(BeTrue())
}

func TestImportingRefusesUnknownUsersAndTakenTokens(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	_, err := f.em.ImportPasswordToken("nobody", esemulator.TokenPair{AccessToken: seedToken})
	g.Expect(err).To(MatchError(ContainSubstring("unknown user")))
	_, err = f.em.ImportPasswordToken(samlUser, esemulator.TokenPair{AccessToken: seedToken})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = f.em.ImportPasswordToken(samlUser, esemulator.TokenPair{RefreshToken: seedToken})
	g.Expect(err).To(MatchError(ContainSubstring("already stored")))
}
