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

package controllers

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

func TestMetricsCountOutcomesTokensCallsAndTimeToRevoked(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	h.es.AddUser("myuser", "myuser-password", "saml1")
	h.mint("myuser")
	h.es.InjectFaults(esemulatorUnavailable())
	revokedBefore := testutil.ToFloat64(revocationsTotal.WithLabelValues(tokenNames.kind, securityv1alpha1.ReasonRevoked))
	notFoundBefore := testutil.ToFloat64(revocationsTotal.WithLabelValues(tokenNames.kind, securityv1alpha1.ReasonTokenNotFound))
	tokensBefore := testutil.ToFloat64(tokensInvalidatedTotal)
	callsBefore := histogramCount(g, "esrevoke_elasticsearch_request_duration_seconds")
	revokedTimesBefore := histogramCount(g, "esrevoke_revocation_duration_seconds")

	h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}),
		securityv1alpha1.PhaseRevoked, securityv1alpha1.ReasonRevoked)
	h.waitFor(h.create(securityv1alpha1.TokenRevocationSpec{Token: str("dW5rbm93bg==")}),
		securityv1alpha1.PhaseFailed, securityv1alpha1.ReasonTokenNotFound)

	// The outcome is counted just after the status that shows it is written.
	g.Eventually(func(g Gomega) {
		g.Expect(testutil.ToFloat64(revocationsTotal.WithLabelValues(tokenNames.kind, securityv1alpha1.ReasonRevoked)) - revokedBefore).
			To(BeEquivalentTo(1))
		g.Expect(testutil.ToFloat64(revocationsTotal.WithLabelValues(tokenNames.kind, securityv1alpha1.ReasonTokenNotFound)) - notFoundBefore).
			To(BeEquivalentTo(1))
		g.Expect(histogramCount(g, "esrevoke_revocation_duration_seconds") - revokedTimesBefore).To(BeEquivalentTo(1))
	}).WithTimeout(5 * time.Second).Should(Succeed())
	g.Expect(testutil.ToFloat64(tokensInvalidatedTotal) - tokensBefore).To(BeEquivalentTo(2))
	g.Expect(histogramCount(g, "esrevoke_elasticsearch_request_duration_seconds")-callsBefore).To(BeEquivalentTo(3),
		"a 503, a success and a 404")
	g.Expect(outcomes(g, "esrevoke_elasticsearch_request_duration_seconds")).
		To(ContainElements("success", "ElasticsearchUnavailable", "TokenNotFound"))
}

// outcomes lists the values of the outcome label of a metric family in the manager's registry.
func outcomes(g Gomega, name string) []string {
	families, err := metrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	var values []string
	for _, family := range families {
		for _, metric := range family.GetMetric() {
			for _, label := range metric.GetLabel() {
				if family.GetName() == name && label.GetName() == "outcome" {
					values = append(values, label.GetValue())
				}
			}
		}
	}
	return values
}

// histogramCount sums the sample counts of a histogram family in the manager's registry.
func histogramCount(g Gomega, name string) uint64 {
	families, err := metrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	var count uint64
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
		for _, metric := range family.GetMetric() {
			count += metric.GetHistogram().GetSampleCount()
		}
	}
	return count
}
