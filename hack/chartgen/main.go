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

// Command chartgen derives the Helm chart's CRDs, RBAC and webhook configurations from config/,
// so that the chart (dist/chart) cannot drift from what `kubectl apply -k config/default` installs.
// It renders config/default and config/default-certmanager with `kubectl kustomize` and writes:
//
//   - dist/chart/files/crds/<name>.yaml: each CustomResourceDefinition, as config/ has it;
//   - dist/chart/files/generated.yaml: every Role, ClusterRole and binding of the manager, and
//     the webhook configurations, with config/default's name prefix taken off, what only the
//     built-in certificate rotation needs marked, and each ClusterRole the manager is bound to
//     split into rules on namespaced resources (Roles in --watch-namespaces mode) and the rest.
//
// The chart's templates turn those files into objects; `make chart` runs this command, and its
// test fails when the files in dist/chart are not what it would write.
//
// Usage: go run ./hack/chartgen -kubectl bin/k8s/<version>/kubectl -chart dist/chart
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	kubectl := flag.String("kubectl", "kubectl", "The kubectl binary whose kustomize renders config/.")
	config := flag.String("config", "config", "The kustomize tree (config/).")
	chart := flag.String("chart", "dist/chart", "The chart whose files/ are written.")
	flag.Parse()
	files, err := generate(*kubectl, *config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chartgen:", err)
		os.Exit(1)
	}
	if err := os.RemoveAll(filepath.Join(*chart, "files")); err != nil {
		fmt.Fprintln(os.Stderr, "chartgen:", err)
		os.Exit(1)
	}
	for name, content := range files {
		path := filepath.Join(*chart, name)
		err := os.MkdirAll(filepath.Dir(path), 0o750)
		if err == nil {
			err = os.WriteFile(path, content, 0o644) //nolint:gosec // chart files are public
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "chartgen:", err)
			os.Exit(1)
		}
	}
}
