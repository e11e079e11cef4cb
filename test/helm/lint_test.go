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
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
)

func TestTheChartLints(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			g := NewWithT(t)
			linter := lint.AllWithKubeVersion(chartDir, s.values, releaseNamespace, kubeVersion)
			for _, message := range linter.Messages {
				// INFO messages are advice (an icon, say); warnings and errors fail.
				g.Expect(message.Severity).To(BeNumerically("<", support.WarningSev), message.Error())
			}
		})
	}
}

// A typo in a value is refused, not silently ignored: values.schema.json allows no unknown key.
func TestValuesOutsideTheSchemaAreRefused(t *testing.T) {
	for name, values := range map[string]map[string]any{
		"unknown top-level key":   {"replicas": 2},
		"unknown nested key":      {"elasticsearch": map[string]any{"URL": "https://es:9200"}},
		"unknown provider":        {"webhook": map[string]any{"certificate": map[string]any{"provider": "vault"}}},
		"not a namespace name":    {"watchNamespaces": []any{"Team_A"}},
		"wrong type":              {"replicaCount": "two"},
		"url without a scheme":    {"elasticsearch": map[string]any{"url": "es.example:9200"}},
		"unknown serviceMonitor":  {"metrics": map[string]any{"serviceMonitor": map[string]any{"enable": true}}},
		"unknown crd setting":     {"crds": map[string]any{"keepOnUninstall": true}},
		"pod label not a string":  {"podLabels": map[string]any{"team": 1}},
		"duplicate watched names": {"watchNamespaces": []any{"a", "a"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := render(releaseName, values)
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring("values don't meet the specifications of the schema")))
		})
	}
}

func TestTheDefaultValuesAreValid(t *testing.T) {
	g := NewWithT(t)
	values, err := chartutil.ReadValuesFile(chartDir + "/values.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(values).To(HaveKey("watchNamespaces"))
	_, err = render(releaseName, values.AsMap())
	g.Expect(err).NotTo(HaveOccurred())
}

// The notes say that the CRDs, and with them the audit trail, outlive the release.
func TestTheNotesSayTheCRDsAreKept(t *testing.T) {
	g := NewWithT(t)
	r := mustRender(t, map[string]any{})
	g.Expect(r.notes).To(ContainSubstring("are KEPT on\n`helm uninstall`"))
	g.Expect(r.ofKind("CustomResourceDefinition")).To(HaveLen(len(crdNames)))
	for _, name := range crdNames {
		crd := r.find("CustomResourceDefinition", name, "")
		g.Expect(crd).NotTo(BeNil(), name)
		g.Expect(crd.GetAnnotations()).To(HaveKeyWithValue("helm.sh/resource-policy", "keep"), name)
	}
	g.Expect(r.notes).To(ContainSubstring("kubectl delete crd " + strings.Join(crdNames, " ")))

	scoped := mustRender(t, map[string]any{"watchNamespaces": []any{"team-a"}, "crds": map[string]any{"install": false}})
	g.Expect(scoped.ofKind("CustomResourceDefinition")).To(BeEmpty())
	g.Expect(scoped.notes).To(ContainSubstring("It watches only these namespaces: team-a"))
}
