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
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// ceilingResult is what the API server alone can take of the writes a revocation needs.
type ceilingResult struct {
	revocationsPerSecond float64
	elapsed              time.Duration
}

// measureCeiling creates k revocations with no manager running, then makes, from as many workers
// as the manager has reconcilers, the writes a successful revocation cannot do without: one
// status patch like the operator's and one Revoked event. No Elasticsearch call is made: this is
// the most revocations a second the API server could record, whatever the operator did.
func measureCeiling(ctx context.Context, cfg config, k int) (ceilingResult, error) {
	var r ceilingResult
	w, err := newWorldWithRevocations(ctx, cfg, k)
	if err != nil {
		return r, err
	}
	defer w.stop()
	r.elapsed, err = forEach(cfg.concurrency, k, func(i int) error { return w.recordRevoked(ctx, i) })
	if err != nil {
		return r, err
	}
	r.revocationsPerSecond = float64(k) / r.elapsed.Seconds()
	return r, nil
}

// recordRevoked writes what the operator writes for the i-th revocation when it succeeds.
func (w *world) recordRevoked(ctx context.Context, i int) error {
	rev := w.revocation(i)
	base := rev.DeepCopy()
	now := time.Now()
	rev.Status = securityv1alpha1.TokenRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{
			ObservedGeneration: 1, Phase: securityv1alpha1.PhaseRevoked, Attempts: 1, ErrorCount: new(int64(0)),
			StartTime: &metav1.Time{Time: now}, LastAttemptTime: &metav1.MicroTime{Time: now},
			CompletionTime: &metav1.Time{Time: now}, Target: w.esServer.URL,
			Conditions: []metav1.Condition{{Type: securityv1alpha1.ReadyCondition, Status: metav1.ConditionTrue,
				ObservedGeneration: 1, LastTransitionTime: metav1.Time{Time: now},
				Reason: securityv1alpha1.ReasonRevoked, Message: "invalidated 1 tokens, 0 already invalid"}},
		},
		InvalidatedTokens: new(int64(1)), PreviouslyInvalidatedTokens: new(int64(0)),
		TokenFingerprint: "hmac-sha256:0123456789abcdef",
	}
	if err := w.client.Status().Patch(ctx, rev, client.MergeFrom(base)); err != nil {
		return err
	}
	return w.client.Create(ctx, &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", rev.Name, now.UnixNano()), Namespace: namespace},
		EventTime:  metav1.MicroTime{Time: now}, ReportingController: "bench", ReportingInstance: "bench",
		Action: "Invalidate", Reason: "Revoked", Type: corev1.EventTypeNormal,
		Regarding: corev1.ObjectReference{Kind: "TokenRevocation", APIVersion: securityv1alpha1.GroupVersion.String(),
			Namespace: namespace, Name: rev.Name},
		Note: "Revoked: invalidated 1 tokens, 0 already invalid",
	})
}
