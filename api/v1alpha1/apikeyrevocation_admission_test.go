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
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// These tests act, as tokenrevocation_admission_test.go does for tokens, as the people who create
// ApiKeyRevocations and the ones the operator must resist, on the webhook's API server.

// apiKeySecurityNamespace makes a namespace with a Secret "victim" holding a leaked key that only
// admins may read, and binds the ApiKeyRevocation editor role of config/rbac (and nothing else) to
// "mallory" and "alice" there; "alice" may also get "victim".
func apiKeySecurityNamespace(t *testing.T, admin client.Client) string {
	return namespaceWithEditors(t, admin, "apikeyrevocation",
		map[string]string{"encoded": seedEncodedKey, "url": "https://attacker.example"})
}

func apiKeyIn(namespace string, spec ApiKeyRevocationSpec) *ApiKeyRevocation {
	rev := generatedApiKey(spec)
	rev.Namespace = namespace
	return rev
}

func TestAnApiKeyEditorWithoutSecretRightsLearnsNothingAboutSecretsAndCannotUseThem(t *testing.T) {
	admin, _ := webhookClient(t)
	namespace := apiKeySecurityNamespace(t, admin)
	mallory := asUser(t, "mallory")
	probes := map[string]func(secret string) ApiKeyRevocationSpec{
		"as the leaked key, to learn its id from the status": func(s string) ApiKeyRevocationSpec {
			return ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef(s, "encoded")}
		},
		"as the connection Secret, to send a request to a server of mallory's": func(s string) ApiKeyRevocationSpec {
			return ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}, ElasticsearchRef: &ElasticsearchRef{SecretName: ptr(s)}}
		},
		"as both the leaked key and the connection Secret": func(s string) ApiKeyRevocationSpec {
			return ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef(s, "encoded"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr(s)}}
		},
	}
	for name, spec := range probes {
		t.Run("a Secret "+name, func(t *testing.T) {
			g := NewWithT(t)
			messages := map[string]string{}
			for _, secret := range []string{"victim", "no-such-secret"} {
				err := mallory.Create(context.Background(), apiKeyIn(namespace, spec(secret)))
				g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
				g.Expect(err.Error()).To(ContainSubstring(`user "mallory" may not get Secret ` + namespace + "/" + secret))
				g.Expect(err.Error()).NotTo(ContainSubstring(seedEncodedKey))
				messages[secret] = strings.ReplaceAll(err.Error(), secret, "SECRET")
			}
			g.Expect(messages["victim"]).To(Equal(messages["no-such-secret"]), "the answer must not tell whether the Secret exists")
		})
	}
	t.Run("the ECK elastic user's Secret, through an ECK reference", func(t *testing.T) {
		g := NewWithT(t)
		err := mallory.Create(context.Background(), apiKeyIn(namespace, ApiKeyRevocationSpec{
			Username: ptr("someone"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("quickstart"), Namespace: ptr(namespace)}}))
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
		g.Expect(err.Error()).To(ContainSubstring("Secret " + namespace + "/quickstart-es-elastic-user"))
	})
	t.Run("nothing was created", func(t *testing.T) {
		var list ApiKeyRevocationList
		NewWithT(t).Expect(admin.List(context.Background(), &list, client.InNamespace(namespace))).To(Succeed())
		NewWithT(t).Expect(list.Items).To(BeEmpty())
	})
	t.Run("the editor role alone suffices for a revocation that names no Secret", func(t *testing.T) {
		NewWithT(t).Expect(mallory.Create(context.Background(), apiKeyIn(namespace, ApiKeyRevocationSpec{
			IDs: []string{seedAPIKeyID}}))).To(Succeed())
	})
}

func TestAnApiKeyEditorWhoMayReadTheSecretCanUseIt(t *testing.T) {
	admin, _ := webhookClient(t)
	namespace := apiKeySecurityNamespace(t, admin)
	alice := asUser(t, "alice")
	specs := map[string]ApiKeyRevocationSpec{
		"as the leaked key":         {EncodedKeySecretRef: secretRef("victim", "encoded")},
		"as the connection Secret":  {Username: ptr("someone"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("victim")}},
		"as both at once, for once": {EncodedKeySecretRef: secretRef("victim", "encoded"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("victim")}},
	}
	for name, spec := range specs {
		t.Run("a Secret "+name, func(t *testing.T) {
			g := NewWithT(t)
			rev := apiKeyIn(namespace, spec)
			g.Expect(alice.Create(context.Background(), rev)).To(Succeed())
			g.Expect(rev.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"))
		})
	}
}

func TestTheApiKeyRequesterIsRecordedAndSignedAndCannotBeForged(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, _ := webhookClient(t)
	namespace := apiKeySecurityNamespace(t, admin)
	alice := asUser(t, "alice")

	rev := apiKeyIn(namespace, ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("victim", "encoded"), Reason: ptr("INC-7")})
	rev.Annotations = map[string]string{RequesterAnnotation: "bob", AdmissionSignatureAnnotation: "forged"}
	g.Expect(alice.Create(ctx, rev)).To(Succeed(), "alice may read the Secret she names")
	signature := rev.Annotations[AdmissionSignatureAnnotation]
	g.Expect(rev.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"), "admission overwrites a forged requester")
	g.Expect(webhookKey.Verify(namespace, "alice", rev.Spec.SignedBytes(), signature)).To(Succeed())
	g.Expect(webhookKey.Verify(namespace, "bob", rev.Spec.SignedBytes(), signature)).NotTo(Succeed())
	other := ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("victim", "encoded"), Reason: ptr("INC-8")}
	g.Expect(webhookKey.Verify(namespace, "alice", other.SignedBytes(), signature)).NotTo(Succeed(), "the signature covers the spec")
	g.Expect(webhookKey.Verify("default", "alice", rev.Spec.SignedBytes(), signature)).NotTo(Succeed(), "and the namespace")

	rev.Annotations[RequesterAnnotation] = "bob"
	delete(rev.Annotations, AdmissionSignatureAnnotation)
	g.Expect(alice.Update(ctx, rev)).To(Succeed(), "an update that touches the record is admitted with the record put back")
	g.Expect(rev.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"))
	g.Expect(rev.Annotations).To(HaveKeyWithValue(AdmissionSignatureAnnotation, signature))

	rev.Annotations[AdmissionSignatureAnnotation] = "forged"
	g.Expect(admin.Update(ctx, rev)).To(Succeed(), "not even an admin can forge the signature")
	g.Expect(rev.Annotations).To(HaveKeyWithValue(AdmissionSignatureAnnotation, signature))

	byAdmin := apiKeyIn(namespace, ApiKeyRevocationSpec{Username: ptr("someone")})
	g.Expect(admin.Create(ctx, byAdmin)).To(Succeed())
	g.Expect(byAdmin.Annotations[RequesterAnnotation]).NotTo(BeEmpty(), "every admitted revocation names its requester")
	g.Expect(byAdmin.Annotations[RequesterAnnotation]).NotTo(Equal("alice"))
}

func TestAnApiKeyDryRunIsCheckedLikeACreationAndCreatesNothing(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, _ := webhookClient(t)
	namespace := apiKeySecurityNamespace(t, admin)

	denied := apiKeyIn(namespace, ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("victim", "encoded")})
	err := asUser(t, "mallory").Create(ctx, denied, client.DryRunAll)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)

	admitted := apiKeyIn(namespace, ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("victim", "encoded")})
	g.Expect(asUser(t, "alice").Create(ctx, admitted, client.DryRunAll)).To(Succeed())
	g.Expect(admitted.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"))
	g.Expect(webhookKey.Verify(namespace, "alice", admitted.Spec.SignedBytes(), admitted.Annotations[AdmissionSignatureAnnotation])).To(Succeed())
	var list ApiKeyRevocationList
	g.Expect(admin.List(ctx, &list, client.InNamespace(namespace))).To(Succeed())
	g.Expect(list.Items).To(BeEmpty())
}
