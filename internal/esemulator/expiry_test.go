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
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestAnExpiredAccessTokenWhoseDocumentExistsIsStillInvalidated(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.clock.Step(2 * time.Hour)

	r := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(Equal(counts(1, 0)))
}

func TestDocumentsVanish24HoursAfterCreation(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	pair := f.mint(adminUser)
	f.clock.Step(24*time.Hour - time.Millisecond)
	known, _, _ := f.em.TokenState(pair.AccessToken)
	g.Expect(known).To(BeTrue())

	f.clock.Step(time.Millisecond)
	access := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	refresh := f.invalidate(`{"refresh_token":"` + pair.RefreshToken + `"}`)

	g.Expect(access.status).To(Equal(http.StatusNotFound))
	g.Expect(access.body).To(Equal(notFoundBody))
	g.Expect(refresh.status).To(Equal(http.StatusNotFound))
	known, _, _ = f.em.TokenState(pair.RefreshToken)
	g.Expect(known).To(BeFalse())
}

func TestRealmModeSkipsExpiredAccessTokensButCountsLiveRefreshTokens(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.mintCC(samlUser)
	pair := f.mint(samlUser)
	f.clock.Step(time.Hour)

	r := f.invalidate(`{"realm_name":"saml1"}`)

	g.Expect(r.body).To(Equal(counts(2, 0)), "the expired client_credentials token is not active; the password token counts 2")
	_, access, refresh := f.em.TokenState(pair.AccessToken)
	g.Expect(access && refresh).To(BeTrue())
}

func TestRealmModeIgnoresDocumentsPastTheirLifetimeThatTheRemoverHasNotDeleted(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, esemulator.WithRemoverDelay(30*time.Minute))
	pair := f.mint(samlUser)
	f.clock.Step(24*time.Hour + time.Minute)

	byRealm := f.invalidate(`{"realm_name":"saml1"}`)
	byToken := f.invalidate(`{"token":"` + pair.AccessToken + `"}`)
	f.clock.Step(30 * time.Minute)
	gone := f.invalidate(`{"refresh_token":"` + pair.RefreshToken + `"}`)

	g.Expect(byRealm.body).To(Equal(counts(0, 0)))
	g.Expect(byToken.body).To(Equal(counts(1, 0)), "the document still exists")
	g.Expect(gone.status).To(Equal(http.StatusNotFound))
}
