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

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// Helpers of the reliability tests (restarts, replicas, secret leaks), which run the manager
// binary with localenv.

// startLocalEnv starts a local environment for the test and stops it when the test ends.
func startLocalEnv(t *testing.T, opts localenv.Options) (*localenv.Env, *localenv.SyncBuffer) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
	logs := &localenv.SyncBuffer{}
	opts.Root, opts.Log = filepath.Join("..", ".."), logs
	env, err := localenv.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting the local environment: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		env.Stop()
		if t.Failed() {
			t.Logf("managers' and emulator's output:\n%s", logs)
		}
	})
	return env, logs
}

// kubeClient is a client of the environment's API server, for what kubectl would do slowly.
func kubeClient(t *testing.T, env *localenv.Env) client.Client {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	// client-go's default of 5 requests a second would make a burst of revocations a test of patience.
	cfg.QPS, cfg.Burst = 500, 1000
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := securityv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// kubectlApply applies objects with `kubectl apply`, as a responder would.
func kubectlApply(t *testing.T, env *localenv.Env, objects ...client.Object) {
	t.Helper()
	docs := make([]string, 0, len(objects))
	for _, obj := range objects {
		doc, err := yaml.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(doc))
	}
	file := filepath.Join(t.TempDir(), "objects.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := env.Kubectl("apply", "-f", file); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
}

// revocation is a TokenRevocation in namespace default, ready for kubectl apply.
func revocation(name string, spec securityv1alpha1.TokenRevocationSpec) *securityv1alpha1.TokenRevocation {
	rev := &securityv1alpha1.TokenRevocation{Spec: spec}
	rev.APIVersion, rev.Kind = securityv1alpha1.GroupVersion.String(), "TokenRevocation"
	rev.Name, rev.Namespace = name, "default"
	return rev
}

// waitForPhases waits until every named revocation (in namespace default) is in the phase with the
// Ready reason, and returns them by name.
func waitForPhases(t *testing.T, c client.Client, timeout time.Duration, want map[string]expectedPhase) map[string]*securityv1alpha1.TokenRevocation {
	t.Helper()
	got := map[string]*securityv1alpha1.TokenRevocation{}
	NewWithT(t).Eventually(func(g Gomega) {
		for name, expected := range want {
			rev := &securityv1alpha1.TokenRevocation{}
			g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, rev)).To(Succeed())
			g.Expect(rev.Status.Phase).To(Equal(expected.phase), name)
			g.Expect(readyCondition(rev).Reason).To(Equal(expected.reason), name)
			got[name] = rev
		}
	}).WithTimeout(timeout).WithPolling(200 * time.Millisecond).Should(Succeed())
	return got
}

// expectedPhase is a phase and its Ready reason.
type expectedPhase struct {
	phase  securityv1alpha1.Phase
	reason string
}

var revokedPhase = expectedPhase{phase: securityv1alpha1.PhaseRevoked, reason: securityv1alpha1.ReasonRevoked}

// readyCondition is the revocation's Ready condition, or an empty one.
func readyCondition(rev *securityv1alpha1.TokenRevocation) metav1.Condition {
	if c := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition); c != nil {
		return *c
	}
	return metav1.Condition{}
}

func int64Value(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
