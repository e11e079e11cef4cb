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
	"regexp"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

func readAPIKeyCRD(t *testing.T) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crd, err := readCRDFile(apiKeyRevocationCRDFile)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return crd
}

// The webhook's Go rules mirror the CRD's markers; this test fails when one changes without the other.
func TestApiKeyCRDPatternsAndBoundsMatchTheWebhook(t *testing.T) {
	g := NewWithT(t)
	spec := readAPIKeyCRD(t).Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	ids := spec.Properties["ids"]
	ref := spec.Properties["elasticsearchRef"]
	secretRef := spec.Properties["encodedKeySecretRef"]

	g.Expect(ids.Items.Schema.Pattern).To(Equal(APIKeyIDPattern))
	g.Expect(ids.Items.Schema.MinLength).To(HaveValue(BeEquivalentTo(1)))
	g.Expect(ids.Items.Schema.MaxLength).To(HaveValue(BeEquivalentTo(maxAPIKeyIDLength)))
	g.Expect(ids.MinItems).To(HaveValue(BeEquivalentTo(1)))
	g.Expect(ids.MaxItems).To(HaveValue(BeEquivalentTo(maxAPIKeyIDs)))
	g.Expect(ids.XListType).To(HaveValue(Equal("set")), "the webhook refuses duplicate ids, so the CRD must too")
	for _, name := range []string{"name", "realmName", "username"} {
		g.Expect(spec.Properties[name].MaxLength).To(HaveValue(BeEquivalentTo(maxNameLength)), name)
		g.Expect(rules(spec.Properties[name])).To(ContainElements("self.trim().size() > 0", unsafeTextRule), name)
	}
	g.Expect(spec.Properties["reason"].MaxLength).To(HaveValue(BeEquivalentTo(maxReasonLength)))
	g.Expect(rules(spec.Properties["reason"])).To(ConsistOf(unsafeTextRule), "a blank reason is allowed")
	g.Expect(secretRef.Properties["name"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(secretRef.Properties["key"].Pattern).To(Equal(SecretKeyPattern))
	g.Expect(secretRef.Properties["name"].MaxLength).To(HaveValue(BeEquivalentTo(maxSecretLength)))
	g.Expect(secretRef.Properties["key"].MaxLength).To(HaveValue(BeEquivalentTo(maxSecretLength)))
	g.Expect(ref.Properties["secretName"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(ref.Properties["name"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(ref.Properties["namespace"].Pattern).To(Equal(DNSLabelPattern))
	g.Expect(ref.Properties["namespace"].MaxLength).To(HaveValue(BeEquivalentTo(maxNamespaceLength)))
}

// unsafeTextRule is the CEL rule that refuses what UnsafeTextPattern matches.
const unsafeTextRule = "!self.matches(r'" + UnsafeTextPattern + "')"

func rules(schema apiextensionsv1.JSONSchemaProps) []string {
	out := make([]string, 0, len(schema.XValidations))
	for _, v := range schema.XValidations {
		out = append(out, v.Rule)
	}
	return out
}

func TestAPIKeyIDPatternRefusesWhitespaceControlAndBidiCharactersOnly(t *testing.T) {
	g := NewWithT(t)
	pattern := regexp.MustCompile(APIKeyIDPattern)
	for _, id := range []string{seedAPIKeyID, "a", "key-0001", "dGhpcyBpcyBub3QgYW4=", "é", "日本", "a:b", "\u00a0"} {
		g.Expect(pattern.MatchString(id)).To(BeTrue(), "%q is a valid id", id)
	}
	for _, id := range []string{"", " ", "a b", "a\tb", "a\n", "\x00", "a\u0085", "\x1b[2J", "evil\u202etxt", "a\u2066b", "a\u200fb"} {
		g.Expect(pattern.MatchString(id)).To(BeFalse(), "%q is not a valid id", id)
	}
}

func TestApiKeyCRDHasPrinterColumnsShortNameAndCategory(t *testing.T) {
	g := NewWithT(t)
	crd := readAPIKeyCRD(t)
	g.Expect(crd.Spec.Scope).To(Equal(apiextensionsv1.NamespaceScoped))
	g.Expect(crd.Spec.Names.Kind).To(Equal("ApiKeyRevocation"))
	g.Expect(crd.Spec.Names.ShortNames).To(ConsistOf("akrev"))
	g.Expect(crd.Spec.Names.Categories).To(ConsistOf("esrevoke"), "kubectl get esrevoke lists both kinds")
	version := crd.Spec.Versions[0]
	g.Expect(version.Subresources.Status).NotTo(BeNil())
	columns := map[string]int32{}
	paths := map[string]string{}
	for _, c := range version.AdditionalPrinterColumns {
		columns[c.Name] = c.Priority
		paths[c.Name] = c.JSONPath
	}
	g.Expect(columns).To(Equal(map[string]int32{
		"Phase": 0, "Invalidated": 0, "Previously": 0, "Errors": 0, "Reason": 0, "Age": 0,
		"Key": 1, "Target": 1, "Version": 1, "Why": 1, "Requester": 1, "Message": 1,
	}), "kubectl get tells the phase and why; -o wide adds which key, where, which version, why asked, who asked and what happened")
	g.Expect(paths).To(HaveKeyWithValue("Invalidated", ".status.invalidatedApiKeys"))
	g.Expect(paths).To(HaveKeyWithValue("Previously", ".status.previouslyInvalidatedApiKeys"))
	g.Expect(paths).To(HaveKeyWithValue("Key", ".status.encodedKeyId"), "the id read from the Secret, never the Secret's value")
}

func TestBothCRDsShowTheSameColumnsForTheSharedStatus(t *testing.T) {
	g := NewWithT(t)
	tokenCRD, err := readCRD()
	g.Expect(err).NotTo(HaveOccurred())
	shared := map[string]string{}
	for _, c := range tokenCRD.Spec.Versions[0].AdditionalPrinterColumns {
		shared[c.Name] = c.JSONPath
	}
	for _, c := range readAPIKeyCRD(t).Spec.Versions[0].AdditionalPrinterColumns {
		switch c.Name {
		case "Phase", "Errors", "Reason", "Age", "Target", "Version", "Why", "Requester", "Message":
			g.Expect(c.JSONPath).To(Equal(shared[c.Name]), "column %s", c.Name)
		}
	}
}
