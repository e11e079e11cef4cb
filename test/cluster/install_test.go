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
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// managerDeployment is the Deployment config/default installs (README, "Installing into a cluster").
const managerDeployment = "token-revocation-controller-manager"

// testDeploy installs the operator the way the README tells users: `make deploy IMG=...`, then the
// default Elasticsearch's Secret and a rollout restart.
func (h *harness) testDeploy(t *testing.T) {
	h.make(t, "deploy", "IMG="+h.image)
	if _, stderr, err := h.kubectl("", "-n", operatorNamespace, "create", "secret", "generic",
		"token-revocation-elasticsearch-credentials", "--from-literal=ELASTICSEARCH_URL="+h.es.url,
		"--from-literal=ELASTICSEARCH_USERNAME="+h.es.user, "--from-literal=ELASTICSEARCH_PASSWORD="+h.es.password); err != nil {
		t.Fatalf("creating the credentials Secret: %v: %s", err, stderr)
	}
	h.mustKubectl(t, "-n", operatorNamespace, "rollout", "restart", "deployment/"+managerDeployment)
	// A pod that mounted the certificate Secret before the manager filled it is Ready only after the
	// kubelet's resync and cert-controller's doubling backoff (see testHelmInstall): up to minutes.
	h.mustKubectl(t, "-n", operatorNamespace, "rollout", "status", "deployment/"+managerDeployment, "--timeout=8m")
}

// testPodReadyRestricted checks the namespace enforces the restricted level (a privileged pod is
// refused there), the manager's pods run in it and are Ready without restarts, and the kubelet has
// called both probes with success.
func (h *harness) testPodReadyRestricted(t *testing.T) {
	g := NewWithT(t)
	_, stderr, err := h.kubectl("", "-n", operatorNamespace, "run", "privileged-probe", "--image=busybox:1",
		"--dry-run=server", `--overrides={"apiVersion":"v1","spec":{"containers":[{"name":"c","image":"busybox:1",`+
			`"securityContext":{"privileged":true}}]}}`)
	g.Expect(err).To(HaveOccurred(), "a privileged pod was admitted into %s", operatorNamespace)
	g.Expect(stderr).To(ContainSubstring(`violates PodSecurity "restricted`))

	pods := h.managerPods(t)
	g.Expect(pods).NotTo(BeEmpty())
	for _, p := range pods {
		g.Expect(podReady(&p)).To(BeTrue(), "pod %s is not Ready: %+v", p.Name, p.Status.Conditions)
		for _, c := range p.Spec.Containers {
			g.Expect(c.ReadinessProbe).NotTo(BeNil(), "container %s has no readiness probe, Ready proves nothing", c.Name)
			g.Expect(c.LivenessProbe).NotTo(BeNil(), "container %s has no liveness probe", c.Name)
		}
		for _, s := range p.Status.ContainerStatuses {
			g.Expect(s.Ready).To(BeTrue(), "container %s of %s", s.Name, p.Name)
			g.Expect(s.RestartCount).To(BeZero(), "container %s of %s restarted", s.Name, p.Name)
		}
	}
	// The kubelet counts the probes it made (its /metrics/probes, read through the API server).
	pod := pods[0]
	for _, probe := range []string{"Readiness", "Liveness"} {
		g.Eventually(func() (int, error) {
			return h.probeSuccesses(pod.Spec.NodeName, pod.Name, probe)
		}).WithTimeout(90*time.Second).WithPolling(2*time.Second).Should(BeNumerically(">", 0),
			"the kubelet reports no successful %s probe of %s", probe, pod.Name)
	}
}

// probeSuccesses is the kubelet's count of successful probes of a type for a pod.
func (h *harness) probeSuccesses(node, pod, probeType string) (int, error) {
	out, stderr, err := h.kubectl("", "get", "--raw", "/api/v1/nodes/"+node+"/proxy/metrics/probes")
	if err != nil {
		return 0, fmt.Errorf("%w: %s", err, stderr)
	}
	total := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "prober_probe_total{") || !strings.Contains(line, `pod="`+pod+`"`) ||
			!strings.Contains(line, `probe_type="`+probeType+`"`) || !strings.Contains(line, `result="successful"`) {
			continue
		}
		fields := strings.Fields(line)
		n, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("parsing %q: %w", line, err)
		}
		total += int(n)
	}
	return total, sc.Err()
}
