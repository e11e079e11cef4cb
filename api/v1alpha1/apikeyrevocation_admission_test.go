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
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// These tests act, as tokenrevocation_admission_test.go does for tokens, as the people who create
// ApiKeyRevocations and the ones the operator must resist, on the webhook's API server.

// apiKeySecurityNamespace makes a namespace with a Secret "victim" holding a leaked key that only
// admins may read, and binds the ApiKeyRevocation editor role of config/rbac (and nothing else) to
// "mallory" and "alice" there; "alice" may also get "victim".
func apiKeySecurityNamespace(t *testing.T, admin client.Client) string {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "akadmission-"}}
	g.Expect(admin.Create(ctx, ns)).To(Succeed())
	g.Expect(admin.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "victim", Namespace: ns.Name},
		StringData: map[string]string{"encoded": seedEncodedKey, "url": "https://attacker.example"}})).To(Succeed())

	editor := apiKeyEditorRole(t)
	editor.Name = "apikeyrevocation-editor-" + ns.Name
	g.Expect(admin.Create(ctx, editor)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, editor) })
	reader := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "read-victim", Namespace: ns.Name},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"},
			ResourceNames: []string{"victim"}}}}
	g.Expect(admin.Create(ctx, reader)).To(Succeed())
	bind := func(name, kind, role string, users ...string) {
		binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role}}
		for _, user := range users {
			binding.Subjects = append(binding.Subjects, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user})
		}
		g.Expect(admin.Create(ctx, binding)).To(Succeed())
	}
	bind("editors", "ClusterRole", editor.Name, "mallory", "alice")
	bind("victim-readers", "Role", reader.Name, "alice")
	return ns.Name
}

// apiKeyEditorRole reads the ApiKeyRevocation editor ClusterRole users are given.
func apiKeyEditorRole(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "apikeyrevocation_editor_role.yaml"))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	var role rbacv1.ClusterRole
	NewWithT(t).Expect(yaml.Unmarshal(data, &role)).To(Succeed())
	return &role
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
