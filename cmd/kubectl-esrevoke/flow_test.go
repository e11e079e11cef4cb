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

package main

import (
	"context"
	"errors"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

func TestTokenCreatesTheSecretThenTheRevocationThatOwnsIt(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run(leaked+"\n", "token", "--wait=false", "--reason", "INC-1")).To(Equal(exitOK))

	revs := h.revocations(t)
	g.Expect(revs).To(HaveLen(1))
	rev := revs[0]
	g.Expect(rev.Name).To(HavePrefix("token-"))
	g.Expect(rev.Namespace).To(Equal(testNamespace))
	g.Expect(rev.Spec.TokenSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "token"}))
	g.Expect(rev.Spec.Token).To(BeNil(), "never inline")
	g.Expect(*rev.Spec.Reason).To(Equal("INC-1"))

	secret := &corev1.Secret{}
	g.Expect(h.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: rev.Name}, secret)).To(Succeed())
	g.Expect(secret.Data).To(HaveKeyWithValue("token", []byte(leaked)))
	g.Expect(secret.Labels).To(HaveKeyWithValue(managedByLabel, managedBy))
	g.Expect(secret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "TokenRevocation", Name: rev.Name, UID: rev.UID,
		Controller: new(true), BlockOwnerDeletion: new(true),
	}))

	g.Expect(h.out.String()).To(HavePrefix("Created, not waited for: token (fingerprint not recorded yet) on the operator's default Elasticsearch"))
	g.Expect(h.output()).NotTo(ContainSubstring(leaked))
}

func TestRefreshTokenWithANameUsesItForTheSecretAndTheRevocation(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run(leaked, "refresh-token", "--wait=false", "--name", "leak-42", "--elasticsearch", "eck/quickstart.elastic",
		"-o", "name")).To(Equal(exitOK))
	g.Expect(h.out.String()).To(Equal("tokenrevocation.security.esrevoke.io/leak-42\n"))
	rev := h.revocations(t)[0]
	g.Expect(rev.Spec.RefreshTokenSecretRef).To(Equal(&securityv1alpha1.SecretKeySelector{Name: "leak-42", Key: "refresh-token"}))
	g.Expect(*rev.Spec.ElasticsearchRef.Name).To(Equal("quickstart"))
	g.Expect(*rev.Spec.ElasticsearchRef.Namespace).To(Equal("elastic"))
	g.Expect(h.errOut.String()).To(ContainSubstring("Warning: no --reason given"))
}

func TestTheSecretIsDeletedWhenTheRevocationCannotBeCreated(t *testing.T) {
	g := NewWithT(t)
	refused := errors.New("admission webhook denied the request")
	h := newHarness(t, &interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		if _, ok := obj.(*securityv1alpha1.TokenRevocation); ok {
			return refused
		}
		return c.Create(ctx, obj, opts...)
	}})
	g.Expect(h.run(leaked, "token", "--reason", "INC-1")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("creating the TokenRevocation: admission webhook denied the request"))
	var secrets corev1.SecretList
	g.Expect(h.client.List(context.Background(), &secrets)).To(Succeed())
	g.Expect(secrets.Items).To(BeEmpty())
}

func TestAnExistingSecretIsNeverReused(t *testing.T) {
	g := NewWithT(t)
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "leak-42", Namespace: testNamespace}, Data: map[string][]byte{"x": []byte("theirs")}}
	h := newHarness(t, nil, theirs)
	g.Expect(h.run(leaked, "token", "--name", "leak-42")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring(`a Secret named "leak-42" already exists in namespace "security": choose another --name`))
	g.Expect(h.revocations(t)).To(BeEmpty())
	secret := &corev1.Secret{}
	g.Expect(h.client.Get(context.Background(), client.ObjectKeyFromObject(theirs), secret)).To(Succeed())
	g.Expect(secret.Data).To(Equal(map[string][]byte{"x": []byte("theirs")}))
	g.Expect(secret.OwnerReferences).To(BeEmpty())
}

func TestTheExitCodeSaysHowTheRevocationEnded(t *testing.T) {
	revoked := securityv1alpha1.TokenRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{
			Phase: securityv1alpha1.PhaseRevoked, ErrorCount: int64Ptr(0), Target: "https://es.example:9200"},
		InvalidatedTokens: int64Ptr(2), PreviouslyInvalidatedTokens: int64Ptr(1),
	}
	failed := securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{
		Phase: securityv1alpha1.PhaseFailed, Target: "https://es.example:9200",
		Conditions: []metav1.Condition{{Type: "Ready", Status: "False", Reason: "InvalidRequest", Message: "Elasticsearch answered 400:\nbad"}},
	}}
	pending := securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{
		Phase:      securityv1alpha1.PhasePending,
		Conditions: []metav1.Condition{{Type: "Ready", Status: "False", Reason: "SecretNotFound", Message: `Secret "prod-es" not found`}},
	}}
	tests := map[string]struct {
		status   securityv1alpha1.TokenRevocationStatus
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		"Revoked": {revoked, nil, exitOK,
			`Revoked: every token of user "myuser" in realm "saml1" on https://es.example:9200: 2 invalidated, 1 already invalid, 0 errors ` +
				`(tokenrevocation/user-myuser-`, ""},
		"Failed": {failed, nil, exitFailed,
			`Failed: every token of user "myuser" in realm "saml1" on https://es.example:9200: InvalidRequest: Elasticsearch answered 400: bad (`,
			"See why with: kubectl describe tokenrevocation user-myuser-"},
		"not done in time": {pending, []string{"--timeout=50ms", "--elasticsearch", "secret/prod-es"}, exitTimedOut,
			`Not done after 50ms, still Pending: every token of user "myuser" in realm "saml1" on secret/prod-es: SecretNotFound: Secret "prod-es" not found (`,
			"Follow it with: kubectl get tokenrevocation user-myuser-"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, withStatus(tt.status))
			args := append([]string{"user", "myuser", "--realm", "saml1", "--reason", "INC-7"}, tt.args...)
			g.Expect(h.run("", args...)).To(Equal(tt.wantCode))
			g.Expect(h.out.String()).To(HavePrefix(tt.wantOut))
			g.Expect(h.out.String()).To(HaveSuffix(` in namespace security, reason "INC-7")` + "\n"))
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantErr))
		})
	}
}

func TestARealmIsRevokedOnlyOnceConfirmed(t *testing.T) {
	tests := map[string]struct {
		stdin   string
		args    []string
		created bool
		wantErr string
	}{
		"no answer":           {"", nil, false, "no answer on standard input: nothing was created; give --yes"},
		"no":                  {"n\n", nil, false, "not confirmed: nothing was created"},
		"anything but yes":    {"sure\n", nil, false, "not confirmed"},
		"yes":                 {"yes\n", nil, true, ""},
		"y, without newline":  {"Y", nil, true, ""},
		"--yes":               {"", []string{"--yes"}, true, ""},
		"a dry run asks none": {"", []string{"--dry-run=server"}, false, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			args := append([]string{"realm", "saml1", "--wait=false", "--reason", "INC-9"}, tt.args...)
			code := h.run(tt.stdin, args...)
			g.Expect(h.revocations(t)).To(HaveLen(map[bool]int{true: 1, false: 0}[tt.created]))
			if tt.wantErr != "" {
				g.Expect(code).To(Equal(exitFailed))
				g.Expect(h.errOut.String()).To(ContainSubstring(`This logs out every user of realm "saml1" on the operator's default Elasticsearch. Continue? [y/N]`))
				g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantErr))
				return
			}
			g.Expect(code).To(Equal(exitOK))
			if tt.created {
				g.Expect(*h.revocations(t)[0].Spec.RealmName).To(Equal("saml1"))
				g.Expect(h.revocations(t)[0].Name).To(HavePrefix("realm-saml1-"))
			}
		})
	}
}
