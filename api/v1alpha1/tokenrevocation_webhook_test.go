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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func newRevocation(spec TokenRevocationSpec) *TokenRevocation {
	return &TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "leak-42", Namespace: "security"}, Spec: spec}
}

func TestValidatorVerdictOnEverySpecCase(t *testing.T) {
	validator := &TokenRevocationValidator{}
	for _, tc := range specCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := validator.ValidateCreate(context.Background(), newRevocation(tc.spec))
			if tc.valid {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			g.Expect(err).To(HaveOccurred())
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "a rejection is one Invalid error: %v", err)
			for _, field := range tc.mentions {
				g.Expect(err.Error()).To(ContainSubstring(field))
			}
		})
	}
}

func TestValidatorNeverEchoesATokenValue(t *testing.T) {
	g := NewWithT(t)
	secret := "c2VjcmV0LXRva2VuLXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw=="
	specs := []TokenRevocationSpec{
		{Token: ptr(secret), Username: ptr("u")},
		{RefreshToken: ptr(secret), RealmName: ptr("r")},
		{Token: ptr(secret + strings.Repeat("x", 8192))},
		{Token: ptr(secret), RefreshToken: ptr(secret)},
	}
	for _, spec := range specs {
		_, err := (&TokenRevocationValidator{}).ValidateCreate(context.Background(), newRevocation(spec))
		g.Expect(err).To(HaveOccurred())
		g.Expect(err.Error()).NotTo(ContainSubstring(secret))
	}
}

func TestValidatorErrorNamesEveryViolatedField(t *testing.T) {
	g := NewWithT(t)
	spec := TokenRevocationSpec{Token: ptr(" "), TokenSecretRef: secretRef("s", "k"), Username: ptr("")}
	_, err := (&TokenRevocationValidator{}).ValidateCreate(context.Background(), newRevocation(spec))
	g.Expect(err).To(HaveOccurred())
	status := err.(apierrors.APIStatus).Status()
	fields := make([]string, 0, len(status.Details.Causes))
	for _, cause := range status.Details.Causes {
		fields = append(fields, cause.Field)
	}
	g.Expect(fields).To(ContainElements("spec.token", "spec.username", "spec.tokenSecretRef"))
}

func TestValidatorWarnings(t *testing.T) {
	tests := []struct {
		name string
		spec TokenRevocationSpec
		want []string
	}{
		{name: "an inline token warns that it is stored in plain text",
			spec: TokenRevocationSpec{Token: ptr(seedToken)}, want: []string{"spec.token is stored in plain text"}},
		{name: "an inline refresh token warns that it is stored in plain text",
			spec: TokenRevocationSpec{RefreshToken: ptr(seedRefreshToken)}, want: []string{"spec.refreshToken is stored in plain text"}},
		{name: "a realm without a username warns that every user of the realm is logged out",
			spec: TokenRevocationSpec{RealmName: ptr("saml1")}, want: []string{`every user of realm "saml1"`}},
		{name: "a token from a Secret gives no warning", spec: TokenRevocationSpec{TokenSecretRef: secretRef("s", "token")}},
		{name: "a user in a realm gives no warning", spec: TokenRevocationSpec{RealmName: ptr("saml1"), Username: ptr("u")}},
		{name: "a user alone gives no warning", spec: TokenRevocationSpec{Username: ptr("u")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			warnings, err := (&TokenRevocationValidator{}).ValidateCreate(context.Background(), newRevocation(tc.spec))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(warnings).To(HaveLen(len(tc.want)))
			for i, want := range tc.want {
				g.Expect(warnings[i]).To(ContainSubstring(want))
				g.Expect(warnings[i]).NotTo(ContainSubstring(seedToken))
			}
		})
	}
}

func TestValidateUpdateRejectsEverySpecChange(t *testing.T) {
	base := TokenRevocationSpec{
		Token:            ptr(seedToken),
		ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod-es")},
		Reason:           ptr("INC-1"),
	}
	changes := map[string]func(*TokenRevocationSpec){
		"token":                    func(s *TokenRevocationSpec) { s.Token = ptr("other") },
		"tokenSecretRef":           func(s *TokenRevocationSpec) { s.TokenSecretRef = secretRef("s", "k") },
		"refreshToken":             func(s *TokenRevocationSpec) { s.RefreshToken = ptr("r") },
		"refreshTokenSecretRef":    func(s *TokenRevocationSpec) { s.RefreshTokenSecretRef = secretRef("s", "k") },
		"realmName":                func(s *TokenRevocationSpec) { s.RealmName = ptr("r") },
		"username":                 func(s *TokenRevocationSpec) { s.Username = ptr("u") },
		"elasticsearchRef":         func(s *TokenRevocationSpec) { s.ElasticsearchRef.SecretName = ptr("other-es") },
		"elasticsearchRef removed": func(s *TokenRevocationSpec) { s.ElasticsearchRef = nil },
		"reason":                   func(s *TokenRevocationSpec) { s.Reason = ptr("INC-2") },
		"token removed":            func(s *TokenRevocationSpec) { s.Token = nil; s.Username = ptr("u") },
	}
	for name, change := range changes {
		t.Run("a change of "+name+" is rejected", func(t *testing.T) {
			g := NewWithT(t)
			oldObj := newRevocation(*base.DeepCopy())
			newObj := oldObj.DeepCopy()
			change(&newObj.Spec)
			_, err := (&TokenRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue())
			g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new TokenRevocation"))
		})
	}
}

func TestValidateUpdateAllowsMetadataAndStatusChanges(t *testing.T) {
	g := NewWithT(t)
	// An object created before a rule existed stays editable as long as its spec does not change.
	oldObj := newRevocation(TokenRevocationSpec{Token: ptr(" ")})
	newObj := oldObj.DeepCopy()
	newObj.Labels = map[string]string{"incident": "inc-1"}
	newObj.Status.Phase = PhaseRevoked
	warnings, err := (&TokenRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(warnings).To(BeEmpty())
}

func TestValidateDeleteAlwaysAllows(t *testing.T) {
	g := NewWithT(t)
	warnings, err := (&TokenRevocationValidator{}).ValidateDelete(context.Background(), newRevocation(TokenRevocationSpec{}))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(warnings).To(BeEmpty())
}

func TestPhaseIsTerminal(t *testing.T) {
	g := NewWithT(t)
	g.Expect(PhaseRevoked.IsTerminal()).To(BeTrue())
	g.Expect(PhaseFailed.IsTerminal()).To(BeTrue())
	g.Expect(PhasePending.IsTerminal()).To(BeFalse())
	g.Expect(PhaseRevoking.IsTerminal()).To(BeFalse())
	g.Expect(Phase("").IsTerminal()).To(BeFalse())
}

func TestForbidInlineTokensRejectsInlineValuesOnly(t *testing.T) {
	validator := &TokenRevocationValidator{ForbidInlineTokens: true}
	tests := []struct {
		name    string
		spec    TokenRevocationSpec
		rejects string
	}{
		{name: "an inline token is rejected", spec: TokenRevocationSpec{Token: ptr(seedToken)}, rejects: "spec.token"},
		{name: "an inline refresh token is rejected", spec: TokenRevocationSpec{RefreshToken: ptr(seedRefreshToken)}, rejects: "spec.refreshToken"},
		{name: "a token from a Secret is accepted", spec: TokenRevocationSpec{TokenSecretRef: secretRef("s", "token")}},
		{name: "a user is accepted", spec: TokenRevocationSpec{Username: ptr("u")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := validator.ValidateCreate(context.Background(), newRevocation(tc.spec))
			if tc.rejects == "" {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue())
			g.Expect(err.Error()).To(ContainSubstring(tc.rejects))
			g.Expect(err.Error()).To(ContainSubstring("--forbid-inline-tokens"))
			g.Expect(err.Error()).NotTo(ContainSubstring(seedToken))
		})
	}
}
