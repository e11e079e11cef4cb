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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func generated(spec TokenRevocationSpec) *TokenRevocation {
	return &TokenRevocation{ObjectMeta: metav1.ObjectMeta{GenerateName: "tokrev-", Namespace: "default"}, Spec: spec}
}

func TestAPIServerEnforcesTheRulesWithoutTheWebhook(t *testing.T) {
	c := crdOnlyClient(t)
	for _, tc := range specCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			err := c.Create(context.Background(), generated(tc.spec))
			if tc.valid {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			for _, field := range tc.mentions {
				g.Expect(err.Error()).To(ContainSubstring(field))
			}
			g.Expect(err.Error()).NotTo(ContainSubstring(seedToken))
		})
	}
}

func TestAPIServerRejectsSpecUpdates(t *testing.T) {
	c := crdOnlyClient(t)
	ctx := context.Background()
	changes := map[string]func(*TokenRevocationSpec){
		"a changed token":           func(s *TokenRevocationSpec) { s.Token = ptr("other") },
		"a token swapped for a ref": func(s *TokenRevocationSpec) { s.Token = nil; s.TokenSecretRef = secretRef("s", "k") },
		"a changed reason":          func(s *TokenRevocationSpec) { s.Reason = ptr("INC-2") },
		"an added elasticsearchRef": func(s *TokenRevocationSpec) { s.ElasticsearchRef = &ElasticsearchRef{SecretName: ptr("es")} },
	}
	for name, change := range changes {
		t.Run(name+" is rejected", func(t *testing.T) {
			g := NewWithT(t)
			obj := generated(TokenRevocationSpec{Token: ptr(seedToken), Reason: ptr("INC-1")})
			g.Expect(c.Create(ctx, obj)).To(Succeed())
			change(&obj.Spec)
			err := c.Update(ctx, obj)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new TokenRevocation"))
		})
	}
}

func TestANewRevocationReadsAsNotYetObserved(t *testing.T) {
	g := NewWithT(t)
	c := crdOnlyClient(t)
	obj := generated(TokenRevocationSpec{Username: ptr("myuser")})
	obj.Status.Phase = PhaseRevoked // dropped: status is a subresource
	g.Expect(c.Create(context.Background(), obj)).To(Succeed())

	var got TokenRevocation
	g.Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), &got)).To(Succeed())
	g.Expect(got.Status).To(Equal(TokenRevocationStatus{RevocationProgress: RevocationProgress{ObservedGeneration: -1}}))
}

func TestAPIServerAllowsLabelAndStatusUpdates(t *testing.T) {
	g := NewWithT(t)
	c := crdOnlyClient(t)
	ctx := context.Background()
	obj := generated(TokenRevocationSpec{Username: ptr("myuser")})
	g.Expect(c.Create(ctx, obj)).To(Succeed())

	obj.Labels = map[string]string{"incident": "inc-1"}
	g.Expect(c.Update(ctx, obj)).To(Succeed())

	patch := client.MergeFrom(obj.DeepCopy())
	obj.Status.Phase = PhaseRevoked
	obj.Status.InvalidatedTokens = new(int64(2))
	g.Expect(c.Status().Patch(ctx, obj, patch)).To(Succeed())

	var got TokenRevocation
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(obj), &got)).To(Succeed())
	g.Expect(got.Status.Phase).To(Equal(PhaseRevoked))
	g.Expect(got.Labels).To(HaveKeyWithValue("incident", "inc-1"))
}
