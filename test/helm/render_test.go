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

// Package helm tests the Helm chart in dist/chart with the Helm Go library: it lints, renders for
// the main value combinations, is accepted by a real API server, and holds config/default's
// security properties. It is a Go module of its own so that Helm's dependencies stay out of the
// operator's go.mod; `make test` runs it (`make test-chart` alone).
package helm

import (
	"maps"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/releaseutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const (
	chartDir = "../../dist/chart"
	// The release name and namespace under which the chart gives config/default's names.
	releaseName      = "token-revocation"
	releaseNamespace = "token-revocation-system"
	managerAccount   = "token-revocation-controller-manager"
)

// crdNames are the CustomResourceDefinitions the chart installs, one per kind of revocation.
var crdNames = []string{"tokenrevocations.security.esrevoke.io", "apikeyrevocations.security.esrevoke.io"}

// The Kubernetes version of the envtest API server the renderings are applied to.
var kubeVersion = &chartutil.KubeVersion{Version: "v1.37.0", Major: "1", Minor: "37"}

// scenario is one combination of values the chart is installed with.
type scenario struct {
	name   string
	values map[string]any
	// watched are the namespaces of the scoped mode, if any.
	watched []string
}

// scenarios are the main value combinations: the default, cert-manager, the scoped mode (with
// each certificate provider), and every optional setting at once.
var scenarios = []scenario{
	{name: "default", values: map[string]any{}},
	{name: "cert-manager", values: map[string]any{"webhook": map[string]any{"certificate": map[string]any{"provider": "cert-manager"}}}},
	{name: "scoped", watched: []string{"team-a", "team-b"}, values: map[string]any{"watchNamespaces": []any{"team-a", "team-b"}}},
	{name: "scoped-cert-manager", watched: []string{"team-a"}, values: map[string]any{
		"watchNamespaces": []any{"team-a"}, "allowCrossNamespaceRefs": true,
		"webhook": map[string]any{"certificate": map[string]any{"provider": "cert-manager",
			"certManager": map[string]any{"issuerRef": map[string]any{"name": "corporate-ca", "kind": "ClusterIssuer"}}}},
	}},
	{name: "everything", values: map[string]any{
		"image":        map[string]any{"repository": "registry.example/tro", "tag": "v1.2.3", "pullPolicy": "Always"},
		"replicaCount": 2, "leaderElection": map[string]any{"enabled": true},
		"resources":     map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "128Mi"}, "limits": map[string]any{"memory": "512Mi"}},
		"elasticsearch": map[string]any{"url": "https://es.example:9200", "credentialsSecret": "es-credentials", "caSecret": "es-ca"},
		"metrics":       map[string]any{"enabled": true, "serviceMonitor": map[string]any{"enabled": true, "labels": map[string]any{"release": "prom"}, "interval": "30s"}},
		"podLabels":     map[string]any{"team": "security"}, "podAnnotations": map[string]any{"example.com/audit": "yes"},
		"nodeSelector": map[string]any{"kubernetes.io/os": "linux"},
		"tolerations":  []any{map[string]any{"key": "dedicated", "operator": "Equal", "value": "ops", "effect": "NoSchedule"}},
		"webhook":      map[string]any{"forbidInlineTokens": true},
		"extraArgs":    []any{"--zap-log-level=debug"},
	}},
}

// rendering is what the chart renders: its objects, and its notes.
type rendering struct {
	objects []unstructured.Unstructured
	notes   string
}

// render installs the chart client-side only, as `helm template` does: values are merged and
// checked against values.schema.json, and the templates rendered.
func render(name string, values map[string]any) (rendering, error) {
	chart, err := loader.Load(chartDir)
	if err != nil {
		return rendering{}, err
	}
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun, install.ClientOnly, install.Replace = true, true, true
	install.ReleaseName, install.Namespace, install.KubeVersion = name, releaseNamespace, kubeVersion
	release, err := install.Run(chart, maps.Clone(values))
	if err != nil {
		return rendering{}, err
	}
	var objs []unstructured.Unstructured
	for _, manifest := range releaseutil.SplitManifests(release.Manifest) {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(manifest), &obj); err != nil {
			return rendering{}, err
		}
		if len(obj) > 0 {
			objs = append(objs, unstructured.Unstructured{Object: obj})
		}
	}
	return rendering{objects: objs, notes: release.Info.Notes}, nil
}

func mustRender(t *testing.T, values map[string]any) rendering {
	t.Helper()
	r, err := render(releaseName, values)
	NewWithT(t).ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return r
}

// find returns the object of that kind, name and namespace ("" for any), or nil.
func (r rendering) find(kind, name, namespace string) *unstructured.Unstructured {
	for i := range r.objects {
		obj := &r.objects[i]
		if obj.GetKind() == kind && obj.GetName() == name && (namespace == "" || obj.GetNamespace() == namespace) {
			return obj
		}
	}
	return nil
}

func (r rendering) ofKind(kind string) []unstructured.Unstructured {
	var found []unstructured.Unstructured
	for _, obj := range r.objects {
		if obj.GetKind() == kind {
			found = append(found, obj)
		}
	}
	return found
}

func repoPath(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}
