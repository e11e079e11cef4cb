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

package controllers

import (
	"strings"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

const waitTimeout = 20 * time.Second

// create creates a TokenRevocation in the test's namespace.
func (h *harness) create(spec securityv1alpha1.TokenRevocationSpec) *securityv1alpha1.TokenRevocation {
	h.t.Helper()
	rev := &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "tokrev-", Namespace: h.namespace},
		Spec:       spec,
	}
	NewWithT(h.t).Expect(h.client.Create(h.ctx, rev)).To(Succeed())
	return rev
}

// secret creates or updates a Secret in the test's namespace.
func (h *harness) secret(name string, data map[string]string) {
	h.t.Helper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.namespace}}
	secret.StringData = data
	err := h.client.Get(h.ctx, client.ObjectKeyFromObject(secret), &corev1.Secret{})
	if err == nil {
		NewWithT(h.t).Expect(h.client.Update(h.ctx, secret)).To(Succeed())
		return
	}
	NewWithT(h.t).Expect(h.client.Create(h.ctx, secret)).To(Succeed())
}

// get reads a TokenRevocation's current state.
func (h *harness) get(g Gomega, rev *securityv1alpha1.TokenRevocation) *securityv1alpha1.TokenRevocation {
	got := &securityv1alpha1.TokenRevocation{}
	g.Expect(h.client.Get(h.ctx, client.ObjectKeyFromObject(rev), got)).To(Succeed())
	return got
}

// waitFor waits until the revocation reaches the phase with the Ready reason, and returns it.
func (h *harness) waitFor(rev *securityv1alpha1.TokenRevocation, phase securityv1alpha1.Phase, reason string) *securityv1alpha1.TokenRevocation {
	h.t.Helper()
	var got *securityv1alpha1.TokenRevocation
	NewWithT(h.t).Eventually(func(g Gomega) {
		got = h.get(g, rev)
		g.Expect(got.Status.Phase).To(Equal(phase))
		g.Expect(readyReason(got)).To(Equal(reason))
	}).WithTimeout(waitTimeout).WithPolling(20 * time.Millisecond).Should(Succeed())
	return got
}

func readyReason(rev *securityv1alpha1.TokenRevocation) string {
	ready := meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition)
	if ready == nil {
		return ""
	}
	return ready.Reason
}

func readyMessage(rev *securityv1alpha1.TokenRevocation) string {
	return meta.FindStatusCondition(rev.Status.Conditions, securityv1alpha1.ReadyCondition).Message
}

// events lists the events about a revocation, oldest first.
func (h *harness) events(g Gomega, rev client.Object) []eventsv1.Event {
	var list eventsv1.EventList
	g.Expect(h.client.List(h.ctx, &list, client.InNamespace(h.namespace))).To(Succeed())
	var mine []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == rev.GetName() {
			mine = append(mine, e)
		}
	}
	return mine
}

// eventReasons waits until the revocation's events have exactly the given reasons, in any order.
func (h *harness) expectEventReasons(rev client.Object, reasons ...string) []eventsv1.Event {
	h.t.Helper()
	var events []eventsv1.Event
	NewWithT(h.t).Eventually(func(g Gomega) {
		events = h.events(g, rev)
		got := make([]string, 0, len(events))
		for _, e := range events {
			got = append(got, e.Reason)
		}
		g.Expect(got).To(ConsistOf(reasons))
	}).WithTimeout(waitTimeout).Should(Succeed())
	return events
}

// mint mints a password-grant token pair for an emulator user.
func (h *harness) mint(user string) esemulator.TokenPair {
	h.t.Helper()
	pair, err := h.es.MintPasswordToken(user)
	NewWithT(h.t).Expect(err).NotTo(HaveOccurred())
	return pair
}

// expectNoSecret fails if any of the secrets appears in the text.
func expectNoSecret(g Gomega, what, text string, secrets ...string) {
	for i, secret := range secrets {
		g.Expect(strings.Contains(text, secret)).To(BeFalse(), "%s contains secret number %d of the list", what, i+1)
	}
}

func ref(name, key string) *securityv1alpha1.SecretKeySelector {
	return &securityv1alpha1.SecretKeySelector{Name: name, Key: key}
}

func str(s string) *string { return &s }

func esemulatorUnavailable() esemulator.Fault {
	return esemulator.Fault{Status: 503}
}
