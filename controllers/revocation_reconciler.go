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

// Package controllers holds the revocation reconcilers: one shared machinery (revocation_*.go)
// that every kind of revocation runs on, and a thin reconciler per kind.
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
	"github.com/esrevoke/token-revocation-operator/internal/installation"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

// Machinery is what the reconcilers of every revocation kind share: how they read and write
// revocations, resolve targets, retry, verify requesters and leave an audit trail.
type Machinery struct {
	client.Client
	// Recorder emits events on phase transitions.
	Recorder events.EventRecorder
	// Clock is the source of time; tests inject a fake one.
	Clock clock.PassiveClock
	// Targets resolves the cluster a revocation calls and reads the Secrets it names.
	Targets *targets.Resolver
	// Retry says when to try again.
	Retry RetryPolicy
	// MaxConcurrentReconciles is the number of revocations of one kind handled at once.
	MaxConcurrentReconciles int
	// Limiter bounds the calls in flight to each target, across every revocation; nil for no limit.
	Limiter *TargetLimiter
	// Key is the installation key: it fingerprints secrets and verifies admission signatures.
	Key *installation.Key
	// Audit receives one line per Elasticsearch call and per outcome, never sampled; when unset,
	// those lines go to the context's logger.
	Audit logr.Logger
}

// cacheLagDelay is how long a pass that read an outdated status waits for the cache to catch up.
const cacheLagDelay = 50 * time.Millisecond

// shutdownGrace is how long a pass under way may go on once the manager stops (a rollout, a
// leader losing its pod): long enough for a call in flight to be answered and its answer written,
// shorter than the pod's termination grace period (10 s in config/manager). A call whose answer
// is lost is made again by the next leader, and then counts its tokens as already invalid.
const shutdownGrace = 8 * time.Second

// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=elasticsearch.k8s.elastic.co,resources=elasticsearches,verbs=get
// +kubebuilder:rbac:groups="",resources=services,verbs=get

// revocationReconciler reconciles the revocations of one kind on the shared machinery.
type revocationReconciler[T securityv1alpha1.Revocation] struct {
	*Machinery
	kind   revocationKind[T]
	ledger attemptLedger
}

// setupRevocationController registers a controller for one kind of revocation. Only creations
// (and resyncs) start a reconcile: the spec is immutable and the reconciler's own status writes
// must not trigger new passes; retries are scheduled with RequeueAfter.
func setupRevocationController[T securityv1alpha1.Revocation](mgr ctrl.Manager, m *Machinery, kind revocationKind[T]) error {
	r := &revocationReconciler[T]{Machinery: m, kind: kind}
	names := kind.names()
	return ctrl.NewControllerManagedBy(mgr).
		For(kind.newObject(), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: m.MaxConcurrentReconciles}).
		Named(names.controllerName()).
		Complete(r)
}

// Reconcile makes one invalidate call for a revocation that is not finished yet, when its next
// attempt is due, and records the answer. A Revoked or Failed revocation is never sent to
// Elasticsearch again.
func (r *revocationReconciler[T]) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rev := r.kind.newObject()
	if err := r.Get(ctx, req.NamespacedName, rev); err != nil {
		if apierrors.IsNotFound(err) {
			r.ledger.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if rev.GetProgress().Phase.IsTerminal() {
		return ctrl.Result{}, nil
	}
	if r.ledger.behind(rev) {
		return ctrl.Result{RequeueAfter: cacheLagDelay}, nil
	}
	if wait := r.untilNextAttempt(rev.GetProgress()); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}

	// The pass outlives the manager's stop by shutdownGrace, so that a call already made is
	// recorded; a long call (a list) stops sending new calls at once (callEnv.stopping).
	stopping := ctx.Done()
	ctx, cancel := withGrace(ctx, shutdownGrace)
	defer cancel()
	before := copyOf(rev).(T)
	who := requesterOf(r.Key, rev)
	status := newStatusWriter(r.Client, rev)
	result, err := r.reconcileRevocation(ctx, rev, who, status, stopping)
	if status.aborted {
		// The write-ahead record failed: nothing was called, and nothing derived is kept.
		if apierrors.IsNotFound(err) {
			// Deleted since it was read, before its retry was made: nothing to call for, and no error.
			r.ledger.forget(req.NamespacedName)
			logf.FromContext(ctx).Info(r.kind.names().kind + " deleted before its retry; nothing was called")
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	patchErr := status.patch(ctx, rev)
	r.ledger.record(status.lastWrittenOrRead())
	if apierrors.IsNotFound(patchErr) {
		// Deleted while its call was made: nothing is left to record the answer in but the audit log.
		r.ledger.forget(req.NamespacedName)
		logf.FromContext(ctx).Info(r.kind.names().kind + " deleted during its call; its answer is in the audit log")
		return ctrl.Result{}, nil
	}
	if patchErr != nil {
		return ctrl.Result{}, kerrors.NewAggregate([]error{err, patchErr})
	}
	r.recordTransition(ctx, before, rev, who)
	return result, err
}

// untilNextAttempt is how long a revocation that already made attempts must still wait before
// the next one. Reconciles come early on a resync or a restart; the backoff holds all the same.
func (r *revocationReconciler[T]) untilNextAttempt(progress *securityv1alpha1.RevocationProgress) time.Duration {
	if progress.Phase != securityv1alpha1.PhaseRevoking || progress.LastAttemptTime == nil {
		return 0
	}
	due := progress.LastAttemptTime.Add(r.Retry.attemptDelay(progress.Attempts))
	return due.Sub(r.Clock.Now())
}

// reconcileRevocation resolves what to call and makes one invalidate call.
//
// The first call of a revocation is the fast path of a burst: its answer is the only status write
// of the pass. Should the manager stop during that call, or that write fail, the status records
// nothing, and the next pass makes the call again; Elasticsearch then counts what it invalidated
// as previously invalidated.
// A later call (a retry) is recorded before it is made, so that an answer lost then is said so,
// and the backoff between retries holds across restarts.
func (r *revocationReconciler[T]) reconcileRevocation(ctx context.Context, rev T, who requesterRecord,
	status *statusWriter, stopping <-chan struct{}) (ctrl.Result, error) {
	now := r.Clock.Now()
	progress := rev.GetProgress()
	if progress.StartTime == nil {
		progress.StartTime = metav1Time(now)
	}
	// A reference the operator may not follow is refused first: it is fixed by configuration, and
	// checking it reads nothing.
	if err := r.Targets.Check(rev.GetNamespace(), rev.GetElasticsearchRef()); err != nil {
		return r.handleUnresolved(rev, err, now)
	}
	if problem := who.problem(rev); problem != "" {
		markFailed(rev, securityv1alpha1.ReasonRequesterNotVerified, problem, now)
		return ctrl.Result{}, nil
	}
	target, err := r.Targets.Target(ctx, rev.GetNamespace(), rev.GetElasticsearchRef())
	if err != nil {
		return r.handleUnresolved(rev, err, now)
	}
	call, err := r.kind.prepare(ctx, rev)
	var final *failure
	if errors.As(err, &final) {
		markFailed(rev, final.reason, final.message, now)
		return ctrl.Result{}, nil
	}
	if err != nil {
		return r.handleUnresolved(rev, err, now)
	}
	progress.Target = target.URL

	earlier := previousAttempt(rev)
	firstCall := progress.Attempts == 0
	markInvalidating(rev, now)
	if !firstCall {
		if err := status.writeAhead(ctx, rev); err != nil {
			return ctrl.Result{}, err
		}
	}
	started := r.Clock.Now()
	a, callErr := call(ctx, target, callEnv{limiter: r.Limiter, audit: r.auditLog(ctx, rev, who), stopping: stopping,
		recordProgress: func(ctx context.Context) error { return status.writeAhead(ctx, rev) }})
	callErr = targets.WithCredentialHint(callErr, target)
	observeCall(r.kind.names(), r.Clock.Since(started), a, callErr)
	wait := applyAnswer(r.kind, rev, a, callErr, r.Retry, r.Clock.Now(), earlier)
	r.logAnswer(ctx, rev, who, callErr)
	return ctrl.Result{RequeueAfter: wait}, nil
}

// handleUnresolved marks a revocation that cannot be sent yet as Pending and checks again later;
// an unexpected error (the API server failing) is returned for the work queue's backoff.
func (r *revocationReconciler[T]) handleUnresolved(rev T, err error, now time.Time) (ctrl.Result, error) {
	problem, ok := targets.AsProblem(err)
	if !ok {
		return ctrl.Result{}, err
	}
	markPending(rev, problem.Reason, problem.Message)
	return ctrl.Result{RequeueAfter: r.Retry.pendingDelay(now.Sub(rev.GetProgress().StartTime.Time))}, nil
}

// withGrace returns a context that ends grace after parent ends (or when cancelled), carrying
// parent's values.
func withGrace(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() { time.AfterFunc(grace, cancel) })
	return ctx, func() {
		stop()
		cancel()
	}
}
