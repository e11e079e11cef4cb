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

// Package controllers holds the TokenRevocation reconciler.
package controllers

import (
	"context"
	"errors"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// TokenRevocationReconciler invalidates the tokens a TokenRevocation names, once, and records
// Elasticsearch's answer in its status.
type TokenRevocationReconciler struct {
	client.Client
	// APIReader reads Secrets straight from the API server (the operator does not cache them).
	APIReader client.Reader
	// Recorder emits events on phase transitions.
	Recorder events.EventRecorder
	// Clock is the source of time; tests inject a fake one.
	Clock clock.PassiveClock
	// Elasticsearch makes the invalidate calls.
	Elasticsearch elasticsearch.Invalidator
	// DefaultTarget is the cluster used when a TokenRevocation has no elasticsearchRef; nil if none.
	DefaultTarget *elasticsearch.Target
	// RequestTimeout bounds one invalidate call to a cluster from a connection Secret.
	RequestTimeout time.Duration
	// Retry says when to try again.
	Retry RetryPolicy
	// AllowCrossNamespaceRefs lets a TokenRevocation refer to an ECK Elasticsearch in another namespace.
	AllowCrossNamespaceRefs bool
	// WatchNamespaces, when not empty, are the only namespaces the operator reads from
	// (--watch-namespaces): a reference to an ECK Elasticsearch elsewhere is refused, never read.
	WatchNamespaces []string
	// MaxConcurrentReconciles is the number of revocations handled at once.
	MaxConcurrentReconciles int
	// Key is the installation key: it fingerprints tokens and verifies admission signatures.
	Key *installation.Key
	// Audit receives one line per Elasticsearch call and per outcome, never sampled; when unset,
	// those lines go to the context's logger.
	Audit logr.Logger

	ledger attemptLedger
}

// cacheLagDelay is how long a pass that read an outdated status waits for the cache to catch up.
const cacheLagDelay = 50 * time.Millisecond

// +kubebuilder:rbac:groups=security.esrevoke.io,resources=tokenrevocations,verbs=get;list;watch
// +kubebuilder:rbac:groups=security.esrevoke.io,resources=tokenrevocations/status,verbs=get;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile makes one invalidate call for a TokenRevocation that is not finished yet, when its
// next attempt is due, and records the answer. A Revoked or Failed revocation is never sent to
// Elasticsearch again.
func (r *TokenRevocationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rev := &securityv1alpha1.TokenRevocation{}
	if err := r.Get(ctx, req.NamespacedName, rev); err != nil {
		if apierrors.IsNotFound(err) {
			r.ledger.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if rev.Status.Phase.IsTerminal() {
		return ctrl.Result{}, nil
	}
	if r.ledger.behind(rev) {
		return ctrl.Result{RequeueAfter: cacheLagDelay}, nil
	}
	if wait := r.untilNextAttempt(rev); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}

	before := rev.DeepCopy()
	status := newStatusWriter(r.Client, rev)
	result, err := r.reconcileRevocation(ctx, rev, status)
	patchErr := status.patch(ctx, rev)
	r.ledger.record(status.lastWrittenOrRead())
	if apierrors.IsNotFound(patchErr) {
		// Deleted while its call was made: nothing is left to record the answer in but the audit log.
		r.ledger.forget(req.NamespacedName)
		logf.FromContext(ctx).Info("TokenRevocation deleted during its call; its answer is in the audit log")
		return ctrl.Result{}, nil
	}
	if patchErr != nil {
		return ctrl.Result{}, kerrors.NewAggregate([]error{err, patchErr})
	}
	r.recordTransition(ctx, before, rev)
	return result, err
}

// untilNextAttempt is how long a revocation that already made attempts must still wait before
// the next one. Reconciles come early on a resync or a restart; the backoff holds all the same.
func (r *TokenRevocationReconciler) untilNextAttempt(rev *securityv1alpha1.TokenRevocation) time.Duration {
	if rev.Status.Phase != securityv1alpha1.PhaseRevoking || rev.Status.LastAttemptTime == nil {
		return 0
	}
	due := rev.Status.LastAttemptTime.Add(r.Retry.attemptDelay(rev.Status.Attempts))
	return due.Sub(r.Clock.Now())
}

// reconcileRevocation resolves what to call and makes one invalidate call.
//
// The first call of a revocation is the fast path of a burst: its answer is the only status write
// of the pass. Should the manager stop during that call, or that write fail, the status records
// nothing, and the next pass makes the call again; Elasticsearch then counts the tokens as
// previously invalidated.
// A later call (a retry) is recorded before it is made, so that an answer lost then is said so,
// and the backoff between retries holds across restarts.
func (r *TokenRevocationReconciler) reconcileRevocation(ctx context.Context, rev *securityv1alpha1.TokenRevocation,
	status *statusWriter) (ctrl.Result, error) {
	now := r.Clock.Now()
	if rev.Status.StartTime == nil {
		rev.Status.StartTime = metav1Time(now)
	}
	// A reference the operator may not follow is refused first: it is fixed by configuration, and
	// checking it reads nothing.
	if _, err := r.eckKey(rev); err != nil {
		return r.handleUnresolved(rev, err, now)
	}
	if problem := r.requesterProblem(rev); problem != "" {
		markFailed(rev, securityv1alpha1.ReasonRequesterNotVerified, problem, now)
		return ctrl.Result{}, nil
	}
	target, request, err := r.resolve(ctx, rev)
	if err != nil {
		return r.handleUnresolved(rev, err, now)
	}
	rev.Status.Target = target.URL
	rev.Status.TokenFingerprint = r.Key.Fingerprint(request.Token + request.RefreshToken)

	earlier := previousAttempt(rev)
	firstCall := rev.Status.Attempts == 0
	markInvalidating(rev, now)
	if !firstCall {
		if err := status.writeAhead(ctx, rev); err != nil {
			return ctrl.Result{}, err
		}
	}
	started := r.Clock.Now()
	result, callErr := r.Elasticsearch.Invalidate(ctx, target, request)
	callErr = withCredentialHint(callErr, target)
	observeCall(r.Clock.Since(started), result, callErr)
	wait := applyAnswer(rev, result, callErr, r.Retry, r.Clock.Now(), earlier)
	r.logAnswer(ctx, rev, callErr)
	return ctrl.Result{RequeueAfter: wait}, nil
}

// resolve finds the target and builds the request.
func (r *TokenRevocationReconciler) resolve(ctx context.Context, rev *securityv1alpha1.TokenRevocation) (
	elasticsearch.Target, elasticsearch.InvalidateRequest, error) {
	target, err := r.resolveTarget(ctx, rev)
	if err != nil {
		return target, elasticsearch.InvalidateRequest{}, err
	}
	request, err := r.resolveRequest(ctx, rev)
	return target, request, err
}

// handleUnresolved marks a revocation that cannot be sent yet as Pending and checks again later;
// an unexpected error (the API server failing) is returned for the work queue's backoff.
func (r *TokenRevocationReconciler) handleUnresolved(rev *securityv1alpha1.TokenRevocation, err error, now time.Time) (ctrl.Result, error) {
	var problem *pendingError
	if !errors.As(err, &problem) {
		return ctrl.Result{}, err
	}
	markPending(rev, problem.reason, problem.message)
	return ctrl.Result{RequeueAfter: r.Retry.pendingDelay(now.Sub(rev.Status.StartTime.Time))}, nil
}

// SetupWithManager registers the reconciler with the manager. Only creations (and resyncs) start
// a reconcile: the spec is immutable and the reconciler's own status writes must not trigger
// new passes; retries are scheduled with RequeueAfter.
func (r *TokenRevocationReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&securityv1alpha1.TokenRevocation{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.MaxConcurrentReconciles}).
		Named("tokenrevocation").
		Complete(r)
}
