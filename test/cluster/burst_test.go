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
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// burstSize is the number of revocations of one burst; the disruption comes after half of them.
const burstSize = 40

// leaseName is the manager's leader election lease (LeaderElectionID in main.go).
const leaseName = "token-revocation-operator.security.esrevoke.io"

// burst creates burstSize revocations in a fresh namespace, each of its own token (in one Secret),
// runs disrupt once half of them are created, and checks that every one ends Revoked, every token is
// dead, and Elasticsearch got exactly one invalidate call per revocation.
func (h *harness) burst(t *testing.T, namespace string, disrupt func()) {
	g := NewWithT(t)
	h.ensureNamespace(t, namespace)
	tokens := map[string]string{}
	for i := range burstSize {
		tokens[fmt.Sprintf("t-%03d", i)] = h.es.mintToken(t)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "tokens", Namespace: namespace}, StringData: tokens}
	g.Expect(h.c.Create(bounded(t, 30*time.Second), secret)).To(Succeed())
	before := h.es.calls(t)

	var disrupted sync.WaitGroup
	var created sync.WaitGroup
	work := make(chan int)
	for range 8 {
		created.Add(1)
		go func() {
			defer created.Done()
			for i := range work {
				h.createRevocation(t, namespace, i)
			}
		}()
	}
	for i := range burstSize {
		if i == burstSize/2 {
			disrupted.Add(1)
			go func() { defer disrupted.Done(); disrupt() }()
		}
		work <- i
	}
	close(work)
	created.Wait()
	disrupted.Wait()

	g.Eventually(func(g Gomega) {
		var list securityv1alpha1.TokenRevocationList
		g.Expect(h.c.List(bounded(t, 30*time.Second), &list, client.InNamespace(namespace))).To(Succeed())
		g.Expect(list.Items).To(HaveLen(burstSize))
		for _, tr := range list.Items {
			g.Expect(tr.Status.Phase).To(Equal(securityv1alpha1.PhaseRevoked), "%s: %s", tr.Name, tr.Status.Phase)
		}
	}).WithTimeout(5 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	for name, token := range tokens {
		g.Expect(h.es.tokenActive(t, token)).To(BeFalse(), "token %s still authenticates", name)
	}
	g.Expect(h.es.calls(t)-before).To(BeEquivalentTo(burstSize), "invalidate calls for %d revocations; %s",
		burstSize, h.repeatedCalls(t, namespace))
	// No call is still on its way: the count stays.
	g.Consistently(func() int64 { return h.es.calls(t) - before }).
		WithTimeout(5 * time.Second).WithPolling(time.Second).Should(BeEquivalentTo(burstSize))
}

// repeatedCalls names the revocations of a namespace whose status shows more than one call: a
// token Elasticsearch found already invalid (a first call whose answer was lost, made again), or
// more than one recorded attempt. It explains a call count above one per revocation.
func (h *harness) repeatedCalls(t *testing.T, namespace string) string {
	var list securityv1alpha1.TokenRevocationList
	if err := h.c.List(bounded(t, 30*time.Second), &list, client.InNamespace(namespace)); err != nil {
		return "listing the revocations: " + err.Error()
	}
	var repeated []string
	for _, tr := range list.Items {
		st := tr.Status
		if (st.PreviouslyInvalidatedTokens != nil && *st.PreviouslyInvalidatedTokens > 0) || st.Attempts > 1 {
			ready := ""
			if c := meta.FindStatusCondition(st.Conditions, "Ready"); c != nil {
				ready = c.Message
			}
			repeated = append(repeated, fmt.Sprintf("%s (attempts %d, previously invalidated %d: %q)",
				tr.Name, st.Attempts, ptrValue(st.PreviouslyInvalidatedTokens), ready))
		}
	}
	return fmt.Sprintf("revocations whose status shows a repeated call: %d %v", len(repeated), repeated)
}

// ptrValue is *p, or 0 when p is nil.
func ptrValue(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// createRevocation creates revocation i of a burst. While the manager's pods are replaced the webhook
// may be unreachable for a moment (it fails closed, so the API server refuses the object): the
// create is retried, as a responder would, within a bound; AlreadyExists means an earlier try worked.
func (h *harness) createRevocation(t *testing.T, namespace string, i int) {
	key := fmt.Sprintf("t-%03d", i)
	reason := "INC-9000: burst"
	deadline := time.Now().Add(2 * time.Minute)
	for {
		tr := &securityv1alpha1.TokenRevocation{
			ObjectMeta: metav1.ObjectMeta{Name: "burst-" + key, Namespace: namespace},
			Spec: securityv1alpha1.TokenRevocationSpec{
				TokenSecretRef: &securityv1alpha1.SecretKeySelector{Name: "tokens", Key: key},
				Reason:         &reason,
			},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := h.c.Create(ctx, tr)
		cancel()
		if err == nil || apierrors.IsAlreadyExists(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("creating %s/%s: %v", namespace, tr.Name, err)
			return
		}
		t.Logf("creating %s/%s, will retry: %v", namespace, tr.Name, err)
		time.Sleep(500 * time.Millisecond)
	}
}

// leaderPod is the pod holding the manager's lease (its holder identity is POD_UUID).
func (h *harness) leaderPod(t *testing.T) (string, error) {
	var lease coordinationv1.Lease
	if err := h.c.Get(bounded(t, 30*time.Second), types.NamespacedName{Namespace: operatorNamespace, Name: leaseName}, &lease); err != nil {
		return "", err
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity == "" {
		return "", fmt.Errorf("lease %s has no holder", leaseName)
	}
	pod, _, _ := strings.Cut(*lease.Spec.HolderIdentity, "_")
	return pod, nil
}

// testLeaderDeletedMidBurst runs two replicas, deletes the leader's pod in the middle of a burst, and
// checks that the lease moved to the other pod and that every revocation was completed with one call.
func (h *harness) testLeaderDeletedMidBurst(t *testing.T) {
	g := NewWithT(t)
	h.mustKubectl(t, "-n", operatorNamespace, "scale", "deployment/"+managerDeployment, "--replicas=2")
	h.mustKubectl(t, "-n", operatorNamespace, "rollout", "status", "deployment/"+managerDeployment, "--timeout=3m")
	g.Eventually(func(g Gomega) { g.Expect(h.managerPods(t)).To(HaveLen(2)) }).WithTimeout(time.Minute).Should(Succeed())

	var leader string
	g.Eventually(func() error { var err error; leader, err = h.leaderPod(t); return err }).
		WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	var standby string
	for _, p := range h.managerPods(t) {
		if p.Name != leader {
			standby = p.Name
		}
	}
	g.Expect(standby).NotTo(BeEmpty(), "leader %s, but no other pod", leader)
	t.Logf("leader %s, standby %s", leader, standby)

	h.burst(t, "esrevoke-e2e-leader", func() {
		if _, stderr, err := h.kubectl("", "-n", operatorNamespace, "delete", "pod", leader, "--wait=false"); err != nil {
			t.Errorf("deleting the leader's pod: %v: %s", err, stderr)
		}
	})
	// The burst may end before the lease moves: the deleted leader finishes the passes under way
	// (up to 8 s) and may complete the burst itself before it releases the lease on exit.
	var now string
	g.Eventually(func() (string, error) { var err error; now, err = h.leaderPod(t); return now, err }).
		WithTimeout(2*time.Minute).WithPolling(time.Second).ShouldNot(Equal(leader), "the lease is still held by the deleted pod")
	t.Logf("the lease moved from %s to %s", leader, now)
}

// testRolloutRestartMidBurst restarts the Deployment in the middle of a burst: nothing is lost, and
// every revocation took one call.
func (h *harness) testRolloutRestartMidBurst(t *testing.T) {
	h.burst(t, "esrevoke-e2e-restart", func() {
		if _, stderr, err := h.kubectl("", "-n", operatorNamespace, "rollout", "restart", "deployment/"+managerDeployment); err != nil {
			t.Errorf("kubectl rollout restart: %v: %s", err, stderr)
		}
	})
	h.mustKubectl(t, "-n", operatorNamespace, "rollout", "status", "deployment/"+managerDeployment, "--timeout=3m")
}
