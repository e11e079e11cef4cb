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

// Package cluster tests the operator installed on a real single-node Kubernetes (kubelet, containerd,
// kube-proxy): its image, config/default applied as the README says, its pods, probes, webhook
// certificate, leader election and metrics. hack/e2e-cluster.sh (`make e2e-cluster`) starts the node
// and sets the environment below; without it every test is skipped with the reason.
package cluster

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// The environment hack/e2e-cluster.sh sets.
const (
	// kubeconfigEnv is the admin kubeconfig of the node the script started.
	kubeconfigEnv = "ESREVOKE_CLUSTER_KUBECONFIG"
	// imageEnv is the manager image imported into the node (NAME:TAG, never :latest).
	imageEnv = "ESREVOKE_CLUSTER_IMAGE"
	// emulatorImageEnv is the emulator's image (test/cluster/emulator) imported into the node.
	emulatorImageEnv = "ESREVOKE_CLUSTER_EMULATOR_IMAGE"
	// kubectlEnv is the node's kubectl (v1.37.0).
	kubectlEnv = "KUBECTL"
	// helmEnv is the helm command line (v3, built from the Go module proxy).
	helmEnv = "HELM"
)

// operatorNamespace is where config/default installs the operator (README, "Installing into a cluster").
const operatorNamespace = "token-revocation-system"

// harness is the installed cluster as the tests see it.
type harness struct {
	kubeconfig, kubectlBin, helmBin, image, emulatorImage string
	// root is the repository root, where make runs.
	root string
	c    client.Client
	es   *emulatorClient
}

// newHarness reads the environment, or skips the test when the cluster is not there.
func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{
		kubeconfig: os.Getenv(kubeconfigEnv), kubectlBin: os.Getenv(kubectlEnv), helmBin: os.Getenv(helmEnv),
		image: os.Getenv(imageEnv), emulatorImage: os.Getenv(emulatorImageEnv),
	}
	if h.kubeconfig == "" {
		t.Skipf("skipped: needs the real single-node cluster `make e2e-cluster` starts (as root); %s is not set", kubeconfigEnv)
	}
	for env, v := range map[string]string{kubectlEnv: h.kubectlBin, helmEnv: h.helmBin, imageEnv: h.image, emulatorImageEnv: h.emulatorImage} {
		if v == "" {
			t.Fatalf("%s is set but %s is not: run the tests through `make e2e-cluster`", kubeconfigEnv, env)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	h.root = root
	cfg, err := clientcmd.BuildConfigFromFlags("", h.kubeconfig)
	if err != nil {
		t.Fatalf("reading %s: %v", h.kubeconfig, err)
	}
	// A burst creates its revocations from several goroutines: client-go's default (5 requests a second)
	// would pace the test, not the operator, and log every wait.
	cfg.QPS, cfg.Burst = 50, 100
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := securityv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if h.c, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		t.Fatalf("client for the cluster: %v", err)
	}
	return h
}

// kubectl runs kubectl with stdin (may be empty) and returns its stdout; the error carries stderr.
func (h *harness) kubectl(stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(h.kubectlBin, append([]string{"--kubeconfig", h.kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// helm runs the helm command line against the cluster and returns its stdout; the error carries stderr.
func (h *harness) helm(args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(h.helmBin, append([]string{"--kubeconfig", h.kubeconfig}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// mustKubectl runs kubectl and fails the test if it fails.
func (h *harness) mustKubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := h.kubectl("", args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// make runs a make target of the project as a user would, against the cluster.
func (h *harness) make(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", h.root, "KUBECTL=" + h.kubectlBin}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("make %s:\n%s", strings.Join(args, " "), out)
}

// shell runs a bash script with kubectl (the node's) first on PATH and the cluster's kubeconfig.
func (h *harness) shell(t *testing.T, script string, env ...string) {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), append(env,
		"KUBECONFIG="+h.kubeconfig, "PATH="+filepath.Dir(h.kubectlBin)+":"+os.Getenv("PATH"))...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
}

// bounded is a context bounded for one step.
func bounded(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

// managerPods lists the operator's pods that are not being deleted.
func (h *harness) managerPods(t *testing.T) []corev1.Pod {
	t.Helper()
	var pods corev1.PodList
	if err := h.c.List(bounded(t, 30*time.Second), &pods, client.InNamespace(operatorNamespace),
		client.MatchingLabels{"control-plane": "controller-manager"}); err != nil {
		t.Fatalf("listing the manager's pods: %v", err)
	}
	var live []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			live = append(live, p)
		}
	}
	return live
}

// podReady says whether the pod's Ready condition is True.
func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// serviceIP is the ClusterIP of a Service: the host reaches it through kube-proxy's rules (the node
// has no cluster DNS).
func (h *harness) serviceIP(t *testing.T, namespace, name string) string {
	t.Helper()
	var svc corev1.Service
	if err := h.c.Get(bounded(t, 30*time.Second), client.ObjectKey{Namespace: namespace, Name: name}, &svc); err != nil {
		t.Fatalf("getting Service %s/%s: %v", namespace, name, err)
	}
	return svc.Spec.ClusterIP
}

// itoa formats a port.
func itoa(port int32) string { return strconv.Itoa(int(port)) }
