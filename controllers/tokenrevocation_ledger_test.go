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
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

func ledgerRevocation(uid types.UID, phase securityv1alpha1.Phase, attempts int32) *securityv1alpha1.TokenRevocation {
	return &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{Namespace: "security", Name: "leak-42", UID: uid},
		Status: securityv1alpha1.TokenRevocationStatus{
			RevocationProgress: securityv1alpha1.RevocationProgress{Phase: phase, Attempts: attempts}},
	}
}

func TestTheLedgerSpotsAStatusOlderThanTheLastOneWritten(t *testing.T) {
	g := NewWithT(t)
	var ledger attemptLedger
	g.Expect(ledger.behind(ledgerRevocation("a", "", 0))).To(BeFalse(), "nothing known yet")

	ledger.record(ledgerRevocation("a", securityv1alpha1.PhaseRevoking, 2))
	g.Expect(ledger.behind(ledgerRevocation("a", securityv1alpha1.PhaseRevoking, 1))).To(BeTrue(), "an older status")
	g.Expect(ledger.behind(ledgerRevocation("a", securityv1alpha1.PhaseRevoking, 2))).To(BeFalse(), "the status written")
	g.Expect(ledger.behind(ledgerRevocation("a", securityv1alpha1.PhaseRevoking, 3))).To(BeFalse(), "a newer status")
	g.Expect(ledger.behind(ledgerRevocation("b", "", 0))).To(BeFalse(), "the name again, for a new object")
}

func TestTheLedgerForgetsFinishedAndDeletedRevocations(t *testing.T) {
	g := NewWithT(t)
	var ledger attemptLedger
	ledger.record(ledgerRevocation("a", securityv1alpha1.PhaseRevoking, 1))
	ledger.record(ledgerRevocation("a", securityv1alpha1.PhaseRevoked, 2))
	g.Expect(ledger.entries).To(BeEmpty(), "a finished revocation is never called again")

	ledger.record(ledgerRevocation("b", securityv1alpha1.PhaseRevoking, 1))
	ledger.forget(types.NamespacedName{Namespace: "security", Name: "leak-42"})
	g.Expect(ledger.entries).To(BeEmpty(), "a deleted revocation")

	ledger.record(ledgerRevocation("c", securityv1alpha1.PhasePending, 0))
	g.Expect(ledger.entries).To(BeEmpty(), "no attempt, nothing to remember")
}
