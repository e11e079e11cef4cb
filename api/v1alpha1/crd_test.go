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
	"testing"

	. "github.com/onsi/gomega"
)

// The webhook's Go rules mirror the CRD's markers; these tests fail when one changes without the other.
func TestCRDPatternsAndBoundsMatchTheWebhook(t *testing.T) {
	g := NewWithT(t)
	crd, err := readCRD()
	g.Expect(err).NotTo(HaveOccurred())
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	ref := spec.Properties["elasticsearchRef"]
	secretRef := spec.Properties["tokenSecretRef"]

	g.Expect(spec.Properties["token"].MaxLength).To(HaveValue(BeEquivalentTo(maxTokenLength)))
	g.Expect(spec.Properties["refreshToken"].MaxLength).To(HaveValue(BeEquivalentTo(maxTokenLength)))
	g.Expect(spec.Properties["realmName"].MaxLength).To(HaveValue(BeEquivalentTo(maxNameLength)))
	g.Expect(spec.Properties["username"].MaxLength).To(HaveValue(BeEquivalentTo(maxNameLength)))
	g.Expect(spec.Properties["reason"].MaxLength).To(HaveValue(BeEquivalentTo(maxReasonLength)))
	g.Expect(secretRef.Properties["name"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(secretRef.Properties["key"].Pattern).To(Equal(SecretKeyPattern))
	g.Expect(secretRef.Properties["name"].MaxLength).To(HaveValue(BeEquivalentTo(maxSecretLength)))
	g.Expect(ref.Properties["secretName"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(ref.Properties["name"].Pattern).To(Equal(DNSSubdomainPattern))
	g.Expect(ref.Properties["namespace"].Pattern).To(Equal(DNSLabelPattern))
	g.Expect(ref.Properties["namespace"].MaxLength).To(HaveValue(BeEquivalentTo(maxNamespaceLength)))
}

func TestCRDHasPrinterColumnsShortNameAndCategory(t *testing.T) {
	g := NewWithT(t)
	crd, err := readCRD()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(crd.Spec.Names.ShortNames).To(ConsistOf("tokrev"))
	g.Expect(crd.Spec.Names.Categories).To(ConsistOf("esrevoke"))
	version := crd.Spec.Versions[0]
	g.Expect(version.Subresources.Status).NotTo(BeNil())
	columns := map[string]int32{}
	for _, c := range version.AdditionalPrinterColumns {
		columns[c.Name] = c.Priority
	}
	g.Expect(columns).To(Equal(map[string]int32{
		"Phase": 0, "Invalidated": 0, "Previously": 0, "Errors": 0, "Reason": 0, "Age": 0,
		"Listed": 1, "Processed": 1, "Unknown": 1,
		"Target": 1, "Version": 1, "Why": 1, "Requester": 1, "Message": 1,
	}), "kubectl get tells the phase and why; -o wide adds a list's progress, where, which version, why asked, who asked "+
		"and what happened")
}
