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
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// operatorLabel is the label config/default puts on everything it installs.
const operatorLabel = "app.kubernetes.io/name=token-revocation-operator"

// testUndeploy runs `make undeploy` and checks what it must remove is gone: the operator's namespace,
// the TokenRevocation API, and every object of any listable kind carrying the label config/default
// puts on everything it installs. Whatever config/default comes to hold, nothing of it may stay.
func (h *harness) testUndeploy(t *testing.T) {
	g := NewWithT(t)
	h.make(t, "undeploy")

	g.Eventually(func() bool {
		err := h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Name: operatorNamespace}, &corev1.Namespace{})
		return apierrors.IsNotFound(err)
	}).WithTimeout(3*time.Minute).WithPolling(2*time.Second).Should(BeTrue(), "namespace %s is still there", operatorNamespace)

	// The API group leaves the API server's discovery once the CRD is gone (kubectl's own discovery
	// cache may still name it for a moment, so ask the API server directly).
	g.Eventually(func() string {
		if _, stderr, err := h.kubectl("", "get", "--raw", "/apis/"+securityv1alpha1.GroupVersion.String()); err != nil {
			return stderr
		}
		return "served"
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(ContainSubstring("NotFound"),
		"the API server still serves %s", securityv1alpha1.GroupVersion)

	kinds := strings.Fields(h.mustKubectl(t, "api-resources", "--verbs=list", "-o", "name"))
	g.Expect(kinds).NotTo(BeEmpty())
	g.Eventually(func() (string, error) {
		out, stderr, err := h.kubectl("", "get", strings.Join(kinds, ","), "-A", "-l", operatorLabel, "-o", "name")
		if err != nil {
			return "", fmt.Errorf("%w: %s", err, stderr)
		}
		return strings.TrimSpace(out), nil
	}).WithTimeout(2*time.Minute).WithPolling(2*time.Second).Should(BeEmpty(), "objects of the operator left behind")
}
