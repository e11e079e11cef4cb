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
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// These tests act as the people the operator serves and the ones it must resist, impersonated on
// a real API server whose only validation is the operator's webhooks, served over TLS.

// asUser returns a client of the webhook's API server that acts as user.
func asUser(t *testing.T, user string) client.Client {
	t.Helper()
	cfg := rest.CopyConfig(withWebhook.config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user}
	c, err := client.New(cfg, client.Options{Scheme: testScheme()})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return c
}

// securityNamespace makes a namespace with a Secret "victim" that only admins may read, and binds
// the TokenRevocation editor role of config/rbac to "mallory" there; "alice" may also get "victim".
func securityNamespace(t *testing.T, admin client.Client) string {
	return namespaceWithEditors(t, admin, "tokenrevocation",
		map[string]string{"token": "a-database-password", "url": "https://attacker.example"})
}

// namespaceWithEditors makes a namespace with a Secret "victim" holding data that only admins may
// read, and binds the editor role of config/rbac/<kind>_editor_role.yaml (and nothing else) to
// "mallory" and "alice" there; "alice" may also get "victim".
func namespaceWithEditors(t *testing.T, admin client.Client, kind string, data map[string]string) string {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: kind + "-admission-"}}
	g.Expect(admin.Create(ctx, ns)).To(Succeed())
	g.Expect(admin.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "victim", Namespace: ns.Name},
		StringData: data})).To(Succeed())

	editor := editorRoleOf(t, kind)
	editor.Name = kind + "-editor-" + ns.Name
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

// editorRoleOf reads the editor ClusterRole of a kind (config/rbac/<kind>_editor_role.yaml).
func editorRoleOf(t *testing.T, kind string) *rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", kind+"_editor_role.yaml"))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	var role rbacv1.ClusterRole
	NewWithT(t).Expect(yaml.Unmarshal(data, &role)).To(Succeed())
	return &role
}

func TestAnEditorWithoutSecretRightsLearnsNothingAboutSecretsAndCannotUseThem(t *testing.T) {
	admin, _ := webhookClient(t)
	namespace := securityNamespace(t, admin)
	mallory := asUser(t, "mallory")
	probes := map[string]func(secret string) TokenRevocationSpec{
		"as the token": func(s string) TokenRevocationSpec { return TokenRevocationSpec{TokenSecretRef: secretRef(s, "token")} },
		"as the refresh token": func(s string) TokenRevocationSpec {
			return TokenRevocationSpec{RefreshTokenSecretRef: secretRef(s, "token")}
		},
		"as a token list": func(s string) TokenRevocationSpec {
			return TokenRevocationSpec{TokenListSecretRef: secretRef(s, "token")}
		},
		"as a refresh token list": func(s string) TokenRevocationSpec {
			return TokenRevocationSpec{RefreshTokenListSecretRef: secretRef(s, "token")}
		},
		"as the connection Secret, to send a token to a server of mallory's": func(s string) TokenRevocationSpec {
			return TokenRevocationSpec{Token: ptr(seedToken), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr(s)}}
		},
	}
	for name, spec := range probes {
		t.Run("a Secret "+name, func(t *testing.T) {
			g := NewWithT(t)
			messages := map[string]string{}
			for _, secret := range []string{"victim", "no-such-secret"} {
				rev := generated(spec(secret))
				rev.Namespace = namespace
				err := mallory.Create(context.Background(), rev)
				g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
				g.Expect(err.Error()).To(ContainSubstring(`user "mallory" may not get Secret ` + namespace + "/" + secret))
				g.Expect(err.Error()).NotTo(ContainSubstring("a-database-password"))
				messages[secret] = strings.ReplaceAll(err.Error(), secret, "SECRET")
			}
			g.Expect(messages["victim"]).To(Equal(messages["no-such-secret"]), "the answer must not tell whether the Secret exists")
		})
	}
	t.Run("the ECK elastic user's Secret, through an ECK reference", func(t *testing.T) {
		g := NewWithT(t)
		rev := generated(TokenRevocationSpec{Username: ptr("someone"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("quickstart")}})
		rev.Namespace = namespace
		err := mallory.Create(context.Background(), rev)
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
		g.Expect(err.Error()).To(ContainSubstring("Secret " + namespace + "/quickstart-es-elastic-user"))
	})
	t.Run("nothing was created", func(t *testing.T) {
		var list TokenRevocationList
		NewWithT(t).Expect(admin.List(context.Background(), &list, client.InNamespace(namespace))).To(Succeed())
		NewWithT(t).Expect(list.Items).To(BeEmpty())
	})
}

func TestTheRequesterIsRecordedAndSignedAndCannotBeForged(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, _ := webhookClient(t)
	namespace := securityNamespace(t, admin)
	alice := asUser(t, "alice")

	rev := generated(TokenRevocationSpec{TokenSecretRef: secretRef("victim", "token"), Reason: ptr("INC-7")})
	rev.Namespace = namespace
	rev.Annotations = map[string]string{RequesterAnnotation: "bob", AdmissionSignatureAnnotation: "forged"}
	g.Expect(alice.Create(ctx, rev)).To(Succeed(), "alice may read the Secret she names")
	g.Expect(rev.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"), "admission overwrites a forged requester")
	g.Expect(webhookKey.Verify(namespace, "alice", rev.Spec.SignedBytes(), rev.Annotations[AdmissionSignatureAnnotation])).To(Succeed())
	g.Expect(webhookKey.Verify(namespace, "bob", rev.Spec.SignedBytes(), rev.Annotations[AdmissionSignatureAnnotation])).NotTo(Succeed())

	rev.Annotations[RequesterAnnotation] = "bob"
	delete(rev.Annotations, AdmissionSignatureAnnotation)
	g.Expect(alice.Update(ctx, rev)).To(Succeed(), "an update that touches the record is admitted with the record put back")
	g.Expect(rev.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"))
	g.Expect(rev.Annotations).To(HaveKey(AdmissionSignatureAnnotation))

	other := generated(TokenRevocationSpec{Username: ptr("someone")})
	other.Namespace = namespace
	g.Expect(admin.Create(ctx, other)).To(Succeed())
	g.Expect(other.Annotations[RequesterAnnotation]).NotTo(BeEmpty(), "every admitted revocation names its requester")
	g.Expect(other.Annotations[RequesterAnnotation]).NotTo(Equal("alice"))
}

func TestADryRunIsCheckedLikeACreationAndCreatesNothing(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, _ := webhookClient(t)
	namespace := securityNamespace(t, admin)

	denied := generated(TokenRevocationSpec{TokenSecretRef: secretRef("victim", "token")})
	denied.Namespace = namespace
	err := asUser(t, "mallory").Create(ctx, denied, client.DryRunAll)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)

	admitted := generated(TokenRevocationSpec{TokenSecretRef: secretRef("victim", "token")})
	admitted.Namespace = namespace
	g.Expect(asUser(t, "alice").Create(ctx, admitted, client.DryRunAll)).To(Succeed())
	g.Expect(admitted.Annotations).To(HaveKeyWithValue(RequesterAnnotation, "alice"))
	var list TokenRevocationList
	g.Expect(admin.List(ctx, &list, client.InNamespace(namespace))).To(Succeed())
	g.Expect(list.Items).To(BeEmpty())
}
