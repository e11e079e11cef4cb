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
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestWebhookRejectsInvalidApiKeySpecsThroughAdmission(t *testing.T) {
	c, _ := webhookClient(t)
	for _, tc := range apiKeySpecCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			err := c.Create(context.Background(), unstructuredApiKey(t, apiKeySpecJSON(t, tc.spec)), client.DryRunAll)
			expectWebhookVerdict(g, err, tc.valid, tc.mentions)
		})
	}
}

func TestApiKeyWebhookWarningsReachTheClient(t *testing.T) {
	c, recorder := webhookClient(t)
	tests := []struct {
		name string
		spec ApiKeyRevocationSpec
		want string
	}{
		{name: "a realm-wide revocation", spec: ApiKeyRevocationSpec{RealmName: ptr("saml1")}, want: `every user of realm "saml1"`},
		{name: "a user in every realm", spec: ApiKeyRevocationSpec{Username: ptr("myuser")}, want: `user "myuser" in every realm`},
		{name: "owner alone", spec: ApiKeyRevocationSpec{Owner: boolPtr(true)}, want: "spec.owner alone"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is accepted with a warning", func(t *testing.T) {
			g := NewWithT(t)
			recorder.take()
			g.Expect(c.Create(context.Background(), generatedApiKey(tc.spec))).To(Succeed())
			g.Expect(recorder.take()).To(ContainElement(ContainSubstring(tc.want)))
		})
	}
	t.Run("a leaked key from a Secret is accepted without a warning", func(t *testing.T) {
		g := NewWithT(t)
		recorder.take()
		g.Expect(c.Create(context.Background(), generatedApiKey(ApiKeyRevocationSpec{
			EncodedKeySecretRef: secretRef("leaked", "encoded")}))).To(Succeed())
		g.Expect(recorder.take()).To(BeEmpty())
	})
}

func TestWebhookRejectsApiKeySpecUpdatesThroughAdmission(t *testing.T) {
	g := NewWithT(t)
	c, _ := webhookClient(t)
	ctx := context.Background()
	obj := generatedApiKey(ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}})
	g.Expect(c.Create(ctx, obj)).To(Succeed())

	obj.Spec.IDs = []string{seedAPIKeyID, "another"}
	err := c.Update(ctx, obj)
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new ApiKeyRevocation"))

	var stored ApiKeyRevocation
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(obj), &stored)).To(Succeed())
	g.Expect(stored.Spec.IDs).To(Equal([]string{seedAPIKeyID}))
	stored.Labels = map[string]string{"incident": "inc-1"}
	g.Expect(c.Update(ctx, &stored)).To(Succeed(), "an update that leaves the spec alone is allowed")
	g.Expect(c.Delete(ctx, &stored)).To(Succeed())
}
