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

package cluster

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// metricsReaderRole is the ClusterRole config/default grants scrapers (README, "Metrics").
const metricsReaderRole = "token-revocation-metrics-reader"

// scrape GETs the manager's /metrics with a bearer token ("" for none) and returns status and body.
// The manager serves metrics with a self-signed certificate it makes at start, so, as the
// ServiceMonitor of config/prometheus does, the scraper does not verify it; the token is what is checked.
func scrape(url, token string) (int, string, error) {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, //nolint:gosec // self-signed, see above
	}}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// metricsURL is the manager's metrics Service (the one labelled as the metrics component).
func (h *harness) metricsURL(t *testing.T) string {
	t.Helper()
	var svcs corev1.ServiceList
	if err := h.c.List(bounded(t, 30*time.Second), &svcs, client.InNamespace(operatorNamespace),
		client.MatchingLabels{"app.kubernetes.io/component": "metrics"}); err != nil {
		t.Fatal(err)
	}
	if len(svcs.Items) != 1 || len(svcs.Items[0].Spec.Ports) == 0 {
		t.Fatalf("want one metrics Service with a port, found %d", len(svcs.Items))
	}
	svc := svcs.Items[0]
	return "https://" + net.JoinHostPort(svc.Spec.ClusterIP, itoa(svc.Spec.Ports[0].Port)) + "/metrics"
}

// testMetrics scrapes the metrics Service with the token of a ServiceAccount bound to the
// metrics-reader role (the esrevoke_ metrics are there, counting the revocations so far), and is
// refused without a token (401) and with the token of a ServiceAccount without the role (403).
func (h *harness) testMetrics(t *testing.T) {
	g := NewWithT(t)
	const ns = "esrevoke-e2e-metrics"
	h.ensureNamespace(t, ns)
	h.mustKubectl(t, "-n", ns, "create", "serviceaccount", "scraper")
	h.mustKubectl(t, "-n", ns, "create", "serviceaccount", "stranger")
	h.mustKubectl(t, "create", "clusterrolebinding", "esrevoke-e2e-scraper", "--clusterrole="+metricsReaderRole,
		"--serviceaccount="+ns+":scraper")
	t.Cleanup(func() {
		_, _, _ = h.kubectl("", "delete", "clusterrolebinding", "esrevoke-e2e-scraper", "--ignore-not-found")
	})
	scraper := strings.TrimSpace(h.mustKubectl(t, "-n", ns, "create", "token", "scraper"))
	stranger := strings.TrimSpace(h.mustKubectl(t, "-n", ns, "create", "token", "stranger"))
	url := h.metricsURL(t)

	g.Eventually(func(g Gomega) {
		code, body, err := scrape(url, scraper)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(code).To(Equal(http.StatusOK))
		for _, family := range []string{"esrevoke_revocations_total", "esrevoke_tokens_invalidated_total",
			"esrevoke_elasticsearch_request_duration_seconds", "esrevoke_revocation_duration_seconds"} {
			g.Expect(body).To(ContainSubstring("# TYPE "+family+" "), "metric family %s missing", family)
		}
		// The runbook's revocations were made by this manager: the counter is not zero.
		g.Expect(body).To(MatchRegexp(`(?m)^esrevoke_tokens_invalidated_total [1-9]`))
	}).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	code, body, err := scrape(url, "")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(code).To(Equal(http.StatusUnauthorized), "without a token")
	g.Expect(body).NotTo(ContainSubstring("esrevoke_"))
	code, body, err = scrape(url, stranger)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(code).To(Equal(http.StatusForbidden), "with a token not bound to %s", metricsReaderRole)
	g.Expect(body).NotTo(ContainSubstring("esrevoke_"))
}
