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

package helm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// warnings collects the API server's warnings (Pod Security among them).
type warnings struct {
	mu   sync.Mutex
	seen []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen
	w.seen = nil
	return seen
}

// startAPIServer starts a real kube-apiserver and etcd, with stand-ins of the cert-manager and
// Prometheus Operator CRDs, and the namespaces the renderings go into: the operator's enforces
// the restricted Pod Security Standard, as config/default's does.
func startAPIServer(t *testing.T) (client.Client, *warnings) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test-chart` builds the envtest binaries and sets it")
	}
	g := NewWithT(t)
	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join("testdata", "crds")}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = env.Stop() })
	seen := &warnings{}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = seen
	c, err := client.New(cfg, client.Options{})
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	restricted := map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}
	for _, name := range []string{releaseNamespace, "team-a", "team-b"} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: restricted}}
		g.Expect(c.Create(ctx, ns)).To(Succeed())
	}
	return c, seen
}

// dryRun applies objects server-side without persisting them: the API server validates each one
// (schema, references to namespaces, admission with Pod Security) as a real install would.
func dryRun(ctx context.Context, c client.Client, objs []unstructured.Unstructured) error {
	for i := range objs {
		obj := objs[i].DeepCopy()
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("helm"), client.ForceOwnership, client.DryRunAll); err != nil {
			return fmt.Errorf("%s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}

func TestEveryRenderingIsAcceptedByTheAPIServer(t *testing.T) {
	c, seen := startAPIServer(t)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			g := NewWithT(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r := mustRender(t, s.values)
			g.Expect(dryRun(ctx, c, r.objects)).To(Succeed())
			for _, warning := range seen.take() {
				g.Expect(warning).NotTo(ContainSubstring("PodSecurity"))
			}
		})
	}

	// The API server does check Pod Security: the Deployment without its container security
	// settings is flagged.
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	deployment := mustRender(t, map[string]any{}).ofKind("Deployment")[0]
	containers, _, _ := unstructured.NestedSlice(deployment.Object, "spec", "template", "spec", "containers")
	delete(containers[0].(map[string]any), "securityContext")
	g.Expect(unstructured.SetNestedSlice(deployment.Object, containers, "spec", "template", "spec", "containers")).To(Succeed())
	g.Expect(dryRun(ctx, c, []unstructured.Unstructured{deployment})).To(Succeed())
	g.Expect(strings.Join(seen.take(), "\n")).To(ContainSubstring(`would violate PodSecurity "restricted:latest"`))
}
