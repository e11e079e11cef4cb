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

import "testing"

// step is one check of the installed operator. The steps share the installation, so they run in
// order; a failed required step (the installation itself) stops the rest.
type step struct {
	name     string
	run      func(*harness, *testing.T)
	required bool
}

// The operator installed on a real node as the README tells users, from its image, then checked
// through what a user or the cluster observes: pod conditions, the kubelet's probe counts, admission
// answers, revocation status, the emulator's call counts, metrics text, and what undeploy leaves;
// then the Helm chart installed with the helm command line, the same way.
func TestOperatorInstalledOnARealNode(t *testing.T) {
	h := newHarness(t)
	steps := []step{
		{"the emulator runs as a pod of its own image", (*harness).testEmulatorPod, true},
		{"make deploy installs config/default and the default Elasticsearch as the README says", (*harness).testDeploy, true},
		{"the manager pod is Ready under the restricted Pod Security level with its probes passing", (*harness).testPodReadyRestricted, false},
		{"the rotated webhook certificate is mounted and served, and admission works", (*harness).testWebhookAdmission, false},
		{"the cert-manager overlay renders and the API server accepts it", (*harness).testCertManagerOverlay, false},
		{"the README runbook ends Revoked with a token in a Secret", (*harness).testRunbook, false},
		{"a connection Secret in ECK's format for external clusters names the cluster", (*harness).testConnectionSecret, false},
		{"kubectl esrevoke revokes a token from stdin, and its Secret goes with its revocation", (*harness).testPluginSecretGoesWithItsRevocation, false},
		{"the metrics endpoint needs a token bound to the metrics-reader role", (*harness).testMetrics, false},
		{"two replicas: the leader pod deleted mid-burst, one call per revocation", (*harness).testLeaderDeletedMidBurst, false},
		{"kubectl rollout restart mid-burst loses nothing", (*harness).testRolloutRestartMidBurst, false},
		{"make undeploy removes the operator", (*harness).testUndeploy, false},
		{"helm install of dist/chart as the README says: Ready, one call, and uninstall keeps the CRD", (*harness).testHelmInstall, false},
	}
	for _, s := range steps {
		if !t.Run(s.name, func(t *testing.T) { s.run(h, t) }) && s.required {
			t.Fatalf("stopping: %q failed, and the remaining steps need it", s.name)
		}
	}
}

// testEmulatorPod starts the emulator and checks a token it mints authenticates.
func (h *harness) testEmulatorPod(t *testing.T) {
	h.installEmulator(t)
	if tok := h.es.mintToken(t); !h.es.tokenActive(t, tok) {
		t.Fatal("a token the emulator just issued does not authenticate")
	}
}
