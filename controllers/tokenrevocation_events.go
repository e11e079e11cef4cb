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
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
func (r *TokenRevocationReconciler) recordTransition(ctx context.Context, before, after *securityv1alpha1.TokenRevocation) {
	ready := meta.FindStatusCondition(after.Status.Conditions, securityv1alpha1.ReadyCondition)
	if ready == nil || !transitioned(before, after) {
		return
	}
	eventType, reason := corev1.EventTypeWarning, EventRetrying
	switch after.Status.Phase {
	case securityv1alpha1.PhaseRevoked:
		eventType, reason = corev1.EventTypeNormal, EventRevoked
	case securityv1alpha1.PhaseFailed:
		reason = EventRevocationFailed
	}
	note := ready.Reason + ": " + ready.Message + "; requested by " + r.requester(after)
	if after.Spec.Reason != nil && *after.Spec.Reason != "" {
		note += " (reason: " + *after.Spec.Reason + ")"
	}
	r.Recorder.Eventf(after, nil, eventType, reason, "Invalidate", "%s", truncate(printable(note), maxEventNote))
	if after.Status.Phase.IsTerminal() {
		observeFinished(after, ready.Reason)
	}
	r.auditLog(ctx, after).Info("TokenRevocation "+reason, "phase", after.Status.Phase, "cause", ready.Reason,
		"message", printable(ready.Message))
}

// transitioned reports whether the phase or the Ready reason changed.
func transitioned(before, after *securityv1alpha1.TokenRevocation) bool {
	if before.Status.Phase != after.Status.Phase {
		return true
	}
	old := meta.FindStatusCondition(before.Status.Conditions, securityv1alpha1.ReadyCondition)
	now := meta.FindStatusCondition(after.Status.Conditions, securityv1alpha1.ReadyCondition)
	return old == nil || now == nil || old.Reason != now.Reason
}

func metav1Time(t time.Time) *metav1.Time {
	return &metav1.Time{Time: t}
}
