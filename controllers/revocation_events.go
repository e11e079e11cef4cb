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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// Event reasons, emitted on transitions only.
const (
	// EventRevoked marks a revocation that succeeded.
	EventRevoked = "Revoked"
	// EventRevocationFailed marks a revocation that failed for good.
	EventRevocationFailed = "RevocationFailed"
	// EventRetrying marks a revocation that will be tried again, with the cause.
	EventRetrying = "Retrying"
)

// maxEventNote is the longest note an events.k8s.io Event accepts.
const maxEventNote = 1024

// recordTransition emits an event when a pass changed the revocation's phase or the reason it
// is waiting for, and logs the transition.
func (r *revocationReconciler[T]) recordTransition(ctx context.Context, before, after T, who requesterRecord) {
	progress := after.GetProgress()
	ready := meta.FindStatusCondition(progress.Conditions, securityv1alpha1.ReadyCondition)
	if ready == nil || !transitioned(before.GetProgress(), progress) {
		return
	}
	eventType, reason := corev1.EventTypeWarning, EventRetrying
	switch progress.Phase {
	case securityv1alpha1.PhaseRevoked:
		eventType, reason = corev1.EventTypeNormal, EventRevoked
	case securityv1alpha1.PhaseFailed:
		reason = EventRevocationFailed
	}
	note := ready.Reason + ": " + ready.Message + "; requested by " + who.display
	if why := after.GetReason(); why != "" {
		note += " (reason: " + why + ")"
	}
	r.Recorder.Eventf(after, nil, eventType, reason, "Invalidate", "%s", truncate(printable(note), maxEventNote))
	names := r.kind.names()
	if progress.Phase.IsTerminal() {
		observeFinished(names.kind, after, ready.Reason)
	}
	r.auditLog(ctx, after, who).Info(names.kind+" "+reason, "phase", progress.Phase, "cause", ready.Reason,
		"message", printable(ready.Message))
}

// transitioned reports whether the phase or the Ready reason changed.
func transitioned(before, after *securityv1alpha1.RevocationProgress) bool {
	if before.Phase != after.Phase {
		return true
	}
	old := meta.FindStatusCondition(before.Conditions, securityv1alpha1.ReadyCondition)
	now := meta.FindStatusCondition(after.Conditions, securityv1alpha1.ReadyCondition)
	return old == nil || now == nil || old.Reason != now.Reason
}
