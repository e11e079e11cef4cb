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

package v1alpha1

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// expectWebhookVerdict checks the answer to a create of a spec table's case: admitted when the case
// is valid, else refused by the webhook with a message naming each of mentions.
func expectWebhookVerdict(g Gomega, err error, valid bool, mentions []string) {
	if valid {
		g.Expect(err).NotTo(HaveOccurred())
		return
	}
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("admission webhook"))
	for _, field := range mentions {
		g.Expect(err.Error()).To(ContainSubstring(field))
	}
}

func TestWebhookRejectsInvalidSpecsThroughAdmission(t *testing.T) {
	c, _ := webhookClient(t)
	for _, tc := range specCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			expectWebhookVerdict(g, c.Create(context.Background(), generated(tc.spec)), tc.valid, tc.mentions)
		})
	}
}

func TestWebhookWarningsReachTheClient(t *testing.T) {
	c, recorder := webhookClient(t)
	tests := []struct {
		name string
		spec TokenRevocationSpec
		want string
	}{
		{name: "an inline token", spec: TokenRevocationSpec{Token: ptr(seedToken)}, want: "spec.token is stored in plain text"},
		{name: "an inline refresh token", spec: TokenRevocationSpec{RefreshToken: ptr(seedRefreshToken)}, want: "spec.refreshToken is stored in plain text"},
		{name: "a realm-wide revocation", spec: TokenRevocationSpec{RealmName: ptr("saml1")}, want: `every user of realm "saml1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is accepted with a warning", func(t *testing.T) {
			g := NewWithT(t)
			recorder.take()
			g.Expect(c.Create(context.Background(), generated(tc.spec))).To(Succeed())
			seen := recorder.take()
			g.Expect(seen).To(ContainElement(ContainSubstring(tc.want)))
			g.Expect(seen).NotTo(ContainElement(ContainSubstring(seedToken)))
		})
	}
}

func TestWebhookRejectsSpecUpdatesThroughAdmission(t *testing.T) {
	g := NewWithT(t)
	c, _ := webhookClient(t)
	ctx := context.Background()
	obj := generated(TokenRevocationSpec{Username: ptr("myuser")})
	g.Expect(c.Create(ctx, obj)).To(Succeed())

	obj.Spec.Username = ptr("someone-else")
	err := c.Update(ctx, obj)
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new TokenRevocation"))
}
