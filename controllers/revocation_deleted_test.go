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
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

// A revocation deleted while the operator works on it (its creator changed their mind, its
// namespace is going away) is no error: the answer to a call already made is in the audit log, and
// a retry not made yet is not made.

func TestARevocationDeletedDuringItsCallLogsItsAnswerAndNoError(t *testing.T) {
	tests := map[string][]esemulator.Fault{
		"during its first call": nil,
		"during a retry":        {esemulatorUnavailable()},
	}
	for name, before := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			pair := h.mint(esUser)
			const revName = "deleted-mid-call"
			deleted := make(chan error, 1)
			h.es.InjectFaults(append(before, esemulator.Fault{AfterApply: func() {
				// The token is invalidated and its answer not sent yet.
				deleted <- testClient.Delete(context.Background(), &securityv1alpha1.TokenRevocation{
					ObjectMeta: metav1.ObjectMeta{Name: revName, Namespace: h.namespace}})
			}})...)
			g.Expect(h.client.Create(h.ctx, &securityv1alpha1.TokenRevocation{
				ObjectMeta: metav1.ObjectMeta{Name: revName, Namespace: h.namespace},
				Spec:       securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)}})).To(Succeed())
			g.Eventually(deleted).WithTimeout(waitTimeout).Should(Receive(BeNil()), "deleted during the call")

			g.Eventually(func() []string { return logLinesAbout(h.logs.String(), h.namespace) }).WithTimeout(waitTimeout).
				Should(ContainElement(ContainSubstring("TokenRevocation deleted during its call")))
			_, invalidated, _ := h.es.TokenState(pair.AccessToken)
			g.Expect(invalidated).To(BeTrue())
			lines := logLinesAbout(h.logs.String(), h.namespace)
			g.Expect(lines).To(ContainElement(ContainSubstring(`"msg":"Invalidate call answered"`)), "the answer is in the audit log")
			g.Expect(lines).NotTo(ContainElement(ContainSubstring(`"level":"error"`)))
			g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(len(before)+1),
				"and the call is not made again")
		})
	}
}

func TestARevocationDeletedBeforeItsRetryIsRecordedMakesNoCallAndNoError(t *testing.T) {
	g := NewWithT(t)
	const revName = "deleted-before-retry"
	h := newHarness(t, nil, withClient(func(c client.Client) client.Client {
		return &deletingBeforeWriteAhead{Client: c, name: revName}
	}))
	h.es.InjectFaults(esemulatorUnavailable())
	pair := h.mint(esUser)
	g.Expect(h.client.Create(h.ctx, &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{Name: revName, Namespace: h.namespace},
		Spec:       securityv1alpha1.TokenRevocationSpec{Token: str(pair.AccessToken)}})).To(Succeed())

	g.Eventually(func() []string { return logLinesAbout(h.logs.String(), h.namespace) }).WithTimeout(waitTimeout).
		Should(ContainElement(ContainSubstring("TokenRevocation deleted before its retry; nothing was called")))
	g.Expect(logLinesAbout(h.logs.String(), h.namespace)).NotTo(ContainElement(ContainSubstring(`"level":"error"`)))
	g.Consistently(h.es.InvalidateCalls).WithTimeout(time.Second).Should(BeEquivalentTo(1), "only the first, refused, call")
	_, invalidated, _ := h.es.TokenState(pair.AccessToken)
	g.Expect(invalidated).To(BeFalse())
}

// deletingBeforeWriteAhead deletes the revocation called name just before the reconciler records
// its retry (the write-ahead status write): a deletion between the read and the record.
type deletingBeforeWriteAhead struct {
	client.Client
	name string
}

func (c *deletingBeforeWriteAhead) Status() client.SubResourceWriter {
	return &deletingStatusWriter{SubResourceWriter: c.Client.Status(), name: c.name}
}

type deletingStatusWriter struct {
	client.SubResourceWriter
	name string
}

func (w *deletingStatusWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch,
	opts ...client.SubResourcePatchOption) error {
	if rev, ok := obj.(*securityv1alpha1.TokenRevocation); ok && rev.Name == w.name && readyReason(rev) == securityv1alpha1.ReasonInvalidating {
		gone := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: rev.Name, Namespace: rev.Namespace}}
		if err := testClient.Delete(ctx, gone); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
}

// logLinesAbout returns the log lines that mention a namespace.
func logLinesAbout(logs, namespace string) []string {
	var lines []string
	for line := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(line, `"`+namespace+`"`) {
			lines = append(lines, line)
		}
	}
	return lines
}
