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

package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
)

// kubectlPath finds kubectl: $KUBECTL, else the one `make envtest` builds beside the envtest binaries.
func kubectlPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("KUBECTL"); path != "" {
		return path
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Skip("skipped: neither KUBECTL nor KUBEBUILDER_ASSETS is set; `make test` builds kubectl beside the envtest binaries and sets it")
	}
	return filepath.Join(assets, "kubectl")
}

// The chart's CRDs, RBAC and webhook configurations are exactly what `make chart` derives from
// config/ now: this fails when config/ changed and `make chart` was not run.
func TestTheChartIsInStepWithConfig(t *testing.T) {
	g := NewWithT(t)
	files, err := generate(kubectlPath(t), filepath.Join("..", "..", "config"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(files).To(HaveKey("files/generated.yaml"))
	g.Expect(files).To(HaveKey("files/crds/tokenrevocations.security.esrevoke.io.yaml"))

	chart := filepath.Join("..", "..", "dist", "chart")
	var onDisk []string
	g.Expect(filepath.WalkDir(filepath.Join(chart, "files"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(chart, path)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	})).To(Succeed())
	expected := make([]string, 0, len(files))
	for name, content := range files {
		expected = append(expected, name)
		current, err := os.ReadFile(filepath.Join(chart, name))
		g.Expect(err).NotTo(HaveOccurred(), "dist/chart/%s is missing: run `make chart`", name)
		g.Expect(string(current)).To(Equal(string(content)), "dist/chart/%s differs from config/: run `make chart`", name)
	}
	sort.Strings(expected)
	g.Expect(onDisk).To(ConsistOf(expected), "dist/chart/files holds files config/ no longer has: run `make chart`")
}

// The split that the namespace-scoped mode relies on: Secrets and the other namespaced resources
// go into Roles, what is cluster-scoped stays in a ClusterRole, and an unknown resource stops
// the generator rather than being guessed.
func TestRulesSplitByTheScopeOfTheirResources(t *testing.T) {
	g := NewWithT(t)
	namespaced, cluster, err := splitByScope([]rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets", "namespaces"}, Verbs: []string{"get"}},
		{APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"subjectaccessreviews"}, Verbs: []string{"create"}},
		{APIGroups: []string{"security.esrevoke.io"}, Resources: []string{"tokenrevocations/status"}, Verbs: []string{"patch"}},
		{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(namespaced).To(Equal([]rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}},
		{APIGroups: []string{"security.esrevoke.io"}, Resources: []string{"tokenrevocations/status"}, Verbs: []string{"patch"}},
	}))
	g.Expect(cluster).To(Equal([]rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}},
		{APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"subjectaccessreviews"}, Verbs: []string{"create"}},
		{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
	}))

	_, _, err = splitByScope([]rbacv1.PolicyRule{{APIGroups: []string{"example.com"}, Resources: []string{"widgets"}, Verbs: []string{"get"}}})
	g.Expect(err).To(MatchError(ContainSubstring("scope of example.com/widgets is unknown")))
	g.Expect(strings.Contains(err.Error(), "namespacedResources")).To(BeTrue())
}

func TestWildcardsAreRefused(t *testing.T) {
	g := NewWithT(t)
	g.Expect(refuseWildcards([]rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}}})).
		To(MatchError(ContainSubstring("wildcard")))
	g.Expect(refuseWildcards([]rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}}})).To(Succeed())
}
