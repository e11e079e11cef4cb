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
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestApiKeyValidatorVerdictOnEverySpecCase(t *testing.T) {
	validator := &ApiKeyRevocationValidator{}
	for _, tc := range apiKeySpecCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := validator.ValidateCreate(context.Background(), newApiKeyRevocation(tc.spec))
			g.Expect(ValidateApiKeySpec(&tc.spec, field.NewPath("spec"))).To(tc.verdictMatcher(), "ValidateApiKeySpec")
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

// verdictMatcher matches the error list of a spec with the case's verdict.
func (tc apiKeySpecCase) verdictMatcher() OmegaMatcher {
	if tc.valid {
		return BeEmpty()
	}
	return Not(BeEmpty())
}

func TestApiKeyValidatorNeverEchoesAnEncodedKey(t *testing.T) {
	// A responder may paste the leaked value where it does not belong; wherever it lands, the
	// refusal must not repeat it (errors reach logs, events and GitOps tools).
	prefixed := "ApiKey " + seedEncodedKey
	specs := map[string]ApiKeyRevocationSpec{
		"as an id with the header prefix":      {IDs: []string{prefixed}},
		"as an id with a trailing newline":     {IDs: []string{seedEncodedKey + "\n"}},
		"as an id too long":                    {IDs: []string{strings.Repeat(seedEncodedKey, 5)}},
		"as an id beside a name":               {IDs: []string{seedEncodedKey}, Name: ptr("ci")},
		"as an id beside a username":           {IDs: []string{seedEncodedKey}, Username: ptr("u")},
		"as an id beside a key secret ref":     {IDs: []string{seedEncodedKey}, EncodedKeySecretRef: secretRef("leaked", "encoded")},
		"as a name beside a realm":             {Name: ptr(seedEncodedKey), RealmName: ptr("r")},
		"as a name too long":                   {Name: ptr(strings.Repeat(seedEncodedKey, 20))},
		"as a name with the header prefix":     {Name: ptr("Authorization: " + prefixed + "\r\n")},
		"as a username beside owner":           {Username: ptr(prefixed), Owner: boolPtr(true)},
		"as a realm name with a newline":       {RealmName: ptr(seedEncodedKey + "\n")},
		"as a reason with a newline":           {Username: ptr("u"), Reason: ptr("leaked:\n" + prefixed)},
		"as a reason too long":                 {Username: ptr("u"), Reason: ptr(strings.Repeat(seedEncodedKey, 20))},
		"as a reason beside nothing to revoke": {Reason: ptr(prefixed)},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := (&ApiKeyRevocationValidator{}).ValidateCreate(context.Background(), newApiKeyRevocation(spec))
			g.Expect(err).To(HaveOccurred())
			g.Expect(err.Error()).NotTo(ContainSubstring(seedEncodedKey))
		})
	}
}

func TestApiKeyValidatorErrorNamesEveryViolatedField(t *testing.T) {
	g := NewWithT(t)
	spec := ApiKeyRevocationSpec{
		IDs: []string{"a b", "a b", ""}, Name: ptr(" "), Username: ptr("u\n"), Owner: boolPtr(true),
		EncodedKeySecretRef: secretRef("Leaked", "k"), ElasticsearchRef: &ElasticsearchRef{},
	}
	_, err := (&ApiKeyRevocationValidator{}).ValidateCreate(context.Background(), newApiKeyRevocation(spec))
	g.Expect(err).To(HaveOccurred())
	status := err.(apierrors.APIStatus).Status()
	fields := make([]string, 0, len(status.Details.Causes))
	for _, cause := range status.Details.Causes {
		fields = append(fields, cause.Field)
	}
	g.Expect(fields).To(ContainElements("spec.ids[0]", "spec.ids[1]", "spec.ids[2]", "spec.name", "spec.username",
		"spec.owner", "spec.encodedKeySecretRef", "spec.encodedKeySecretRef.name", "spec.elasticsearchRef"))
}

func TestApiKeyValidatorWarnings(t *testing.T) {
	tests := []struct {
		name string
		spec ApiKeyRevocationSpec
		want []string
	}{
		{name: "a realm without a username warns that every user of the realm loses their keys",
			spec: ApiKeyRevocationSpec{RealmName: ptr("saml1")}, want: []string{`every user of realm "saml1"`}},
		{name: "a username without a realm warns that the user's keys in every realm are invalidated",
			spec: ApiKeyRevocationSpec{Username: ptr("myuser")}, want: []string{`user "myuser" in every realm`}},
		{name: "owner alone warns that every key of the operator's credentials is invalidated",
			spec: ApiKeyRevocationSpec{Owner: boolPtr(true)}, want: []string{"spec.owner alone invalidates every API key"}},
		{name: "a user in a realm gives no warning", spec: ApiKeyRevocationSpec{RealmName: ptr("saml1"), Username: ptr("u")}},
		{name: "ids give no warning", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}}},
		{name: "a name gives no warning", spec: ApiKeyRevocationSpec{Name: ptr("ci")}},
		{name: "a key from a Secret gives no warning", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("leaked", "encoded")}},
		{name: "owner with ids gives no warning", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), IDs: []string{seedAPIKeyID}}},
		{name: "owner with a name gives no warning", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), Name: ptr("ci")}},
		{name: "an encoded key pasted as an id warns that it is now stored in plain text",
			spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID, "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="}},
			want: []string{"spec.ids[1] looks like an encoded API key"}},
		{name: "owner false with a username warns only about the username",
			spec: ApiKeyRevocationSpec{Owner: boolPtr(false), Username: ptr("u")}, want: []string{`user "u" in every realm`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			warnings, err := (&ApiKeyRevocationValidator{}).ValidateCreate(context.Background(), newApiKeyRevocation(tc.spec))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(warnings).To(HaveLen(len(tc.want)))
			for i, want := range tc.want {
				g.Expect(warnings[i]).To(ContainSubstring(want))
			}
		})
	}
}

func TestApiKeyValidateUpdateRejectsEverySpecChange(t *testing.T) {
	base := ApiKeyRevocationSpec{
		IDs:              []string{seedAPIKeyID},
		Owner:            boolPtr(true),
		ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod-es")},
		Reason:           ptr("INC-1"),
	}
	changes := map[string]func(*ApiKeyRevocationSpec){
		"an id":                    func(s *ApiKeyRevocationSpec) { s.IDs[0] = "other" },
		"an added id":              func(s *ApiKeyRevocationSpec) { s.IDs = append(s.IDs, "other") },
		"ids removed":              func(s *ApiKeyRevocationSpec) { s.IDs = nil; s.Name = ptr("ci") },
		"name":                     func(s *ApiKeyRevocationSpec) { s.Name = ptr("ci") },
		"realmName":                func(s *ApiKeyRevocationSpec) { s.RealmName = ptr("r") },
		"username":                 func(s *ApiKeyRevocationSpec) { s.Username = ptr("u") },
		"owner":                    func(s *ApiKeyRevocationSpec) { s.Owner = boolPtr(false) },
		"owner removed":            func(s *ApiKeyRevocationSpec) { s.Owner = nil },
		"encodedKeySecretRef":      func(s *ApiKeyRevocationSpec) { s.EncodedKeySecretRef = secretRef("leaked", "encoded") },
		"elasticsearchRef":         func(s *ApiKeyRevocationSpec) { s.ElasticsearchRef.SecretName = ptr("other-es") },
		"elasticsearchRef removed": func(s *ApiKeyRevocationSpec) { s.ElasticsearchRef = nil },
		"reason":                   func(s *ApiKeyRevocationSpec) { s.Reason = ptr("INC-2") },
		"reason removed":           func(s *ApiKeyRevocationSpec) { s.Reason = nil },
	}
	for name, change := range changes {
		t.Run("a change of "+name+" is rejected", func(t *testing.T) {
			g := NewWithT(t)
			oldObj := newApiKeyRevocation(*base.DeepCopy())
			newObj := oldObj.DeepCopy()
			change(&newObj.Spec)
			_, err := (&ApiKeyRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			g.Expect(err.Error()).To(ContainSubstring("spec is immutable: create a new ApiKeyRevocation"))
		})
	}
}

func TestApiKeyValidateUpdateRejectsChangesToTheAdmissionRecord(t *testing.T) {
	for _, key := range []string{RequesterAnnotation, AdmissionSignatureAnnotation} {
		changes := map[string]func(map[string]string){
			"changed": func(a map[string]string) { a[key] = "forged" },
			"removed": func(a map[string]string) { delete(a, key) },
		}
		for how, change := range changes {
			t.Run("the annotation "+key+" "+how+" is rejected", func(t *testing.T) {
				g := NewWithT(t)
				oldObj := newApiKeyRevocation(ApiKeyRevocationSpec{Username: ptr("u")})
				oldObj.Annotations = map[string]string{RequesterAnnotation: "alice", AdmissionSignatureAnnotation: "signature"}
				newObj := oldObj.DeepCopy()
				change(newObj.Annotations)
				_, err := (&ApiKeyRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
				g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
				g.Expect(err.Error()).To(ContainSubstring("metadata.annotations[" + key + "]"))
				g.Expect(err.Error()).To(ContainSubstring("cannot be changed"))
			})
		}
	}
	t.Run("an annotation added where admission wrote none is rejected", func(t *testing.T) {
		g := NewWithT(t)
		oldObj := newApiKeyRevocation(ApiKeyRevocationSpec{Username: ptr("u")})
		newObj := oldObj.DeepCopy()
		newObj.Annotations = map[string]string{RequesterAnnotation: "alice"}
		_, err := (&ApiKeyRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
		g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
	})
}

func TestApiKeyValidateUpdateAllowsMetadataAndStatusChanges(t *testing.T) {
	g := NewWithT(t)
	// An object created before a rule existed stays editable as long as its spec does not change.
	oldObj := newApiKeyRevocation(ApiKeyRevocationSpec{IDs: []string{"a b"}})
	oldObj.Annotations = map[string]string{RequesterAnnotation: "alice", AdmissionSignatureAnnotation: "signature"}
	newObj := oldObj.DeepCopy()
	newObj.Labels = map[string]string{"incident": "inc-1"}
	newObj.Annotations["note"] = "see INC-1"
	newObj.Status.Phase = PhaseRevoked
	newObj.Status.InvalidatedApiKeys = new(int64(1))
	warnings, err := (&ApiKeyRevocationValidator{}).ValidateUpdate(context.Background(), oldObj, newObj)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(warnings).To(BeEmpty())
}

func TestApiKeyValidateDeleteAlwaysAllows(t *testing.T) {
	g := NewWithT(t)
	warnings, err := (&ApiKeyRevocationValidator{}).ValidateDelete(context.Background(), newApiKeyRevocation(ApiKeyRevocationSpec{}))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(warnings).To(BeEmpty())
}
