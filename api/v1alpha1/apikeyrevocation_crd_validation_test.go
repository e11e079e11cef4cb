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

func TestAPIServerEnforcesTheApiKeyRulesWithoutTheWebhook(t *testing.T) {
	c := crdOnlyClient(t)
	for _, tc := range apiKeySpecCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			// Sent as written, "ids: []" included; a dry run checks everything and stores nothing.
			err := c.Create(context.Background(), unstructuredApiKey(t, apiKeySpecJSON(t, tc.spec)), client.DryRunAll)
			if tc.valid {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			for _, field := range tc.mentions {
				g.Expect(err.Error()).To(ContainSubstring(field))
			}
		})
	}
}

func TestAPIServerRejectsApiKeySpecUpdates(t *testing.T) {
	c := crdOnlyClient(t)
	ctx := context.Background()
	changes := map[string]func(*ApiKeyRevocationSpec){
		"a changed id":              func(s *ApiKeyRevocationSpec) { s.IDs = []string{"other"} },
		"an added id":               func(s *ApiKeyRevocationSpec) { s.IDs = append(s.IDs, "other") },
		"ids swapped for a name":    func(s *ApiKeyRevocationSpec) { s.IDs = nil; s.Name = ptr("ci") },
		"owner set to false":        func(s *ApiKeyRevocationSpec) { s.Owner = boolPtr(false) },
		"owner removed":             func(s *ApiKeyRevocationSpec) { s.Owner = nil },
		"a changed reason":          func(s *ApiKeyRevocationSpec) { s.Reason = ptr("INC-2") },
		"an added elasticsearchRef": func(s *ApiKeyRevocationSpec) { s.ElasticsearchRef = &ElasticsearchRef{SecretName: ptr("es")} },
	}
	for name, change := range changes {
		t.Run(name+" is rejected", func(t *testing.T) {
			g := NewWithT(t)
			obj := generatedApiKey(ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}, Owner: boolPtr(true), Reason: ptr("INC-1")})
			g.Expect(c.Create(ctx, obj)).To(Succeed())
			change(&obj.Spec)
			err := c.Update(ctx, obj)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new ApiKeyRevocation"))
		})
	}
}

func TestANewApiKeyRevocationReadsAsNotYetObserved(t *testing.T) {
	g := NewWithT(t)
	c := crdOnlyClient(t)
	obj := generatedApiKey(ApiKeyRevocationSpec{Username: ptr("myuser")})
	obj.Status.Phase = PhaseRevoked // dropped: status is a subresource
	obj.Status.InvalidatedApiKeys = new(int64(3))
	g.Expect(c.Create(context.Background(), obj)).To(Succeed())

	var got ApiKeyRevocation
	g.Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), &got)).To(Succeed())
	g.Expect(got.Status).To(Equal(ApiKeyRevocationStatus{RevocationProgress: RevocationProgress{ObservedGeneration: -1}}))
}

func TestAPIServerAllowsApiKeyLabelAndStatusUpdates(t *testing.T) {
	g := NewWithT(t)
	c := crdOnlyClient(t)
	ctx := context.Background()
	obj := generatedApiKey(ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("leaked", "encoded")})
	g.Expect(c.Create(ctx, obj)).To(Succeed())

	obj.Labels = map[string]string{"incident": "inc-1"}
	g.Expect(c.Update(ctx, obj)).To(Succeed())

	patch := client.MergeFrom(obj.DeepCopy())
	obj.Status.Phase = PhaseRevoked
	obj.Status.InvalidatedApiKeys = new(int64(1))
	obj.Status.InvalidatedApiKeyIds = []string{seedAPIKeyID}
	obj.Status.EncodedKeyId = seedAPIKeyID
	g.Expect(c.Status().Patch(ctx, obj, patch)).To(Succeed())

	var got ApiKeyRevocation
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(obj), &got)).To(Succeed())
	g.Expect(got.Status.Phase).To(Equal(PhaseRevoked))
	g.Expect(got.Status.InvalidatedApiKeyIds).To(Equal([]string{seedAPIKeyID}))
	g.Expect(got.Labels).To(HaveKeyWithValue("incident", "inc-1"))

	g.Expect(c.Delete(ctx, &got)).To(Succeed())
}
