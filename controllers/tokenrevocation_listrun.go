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
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/ptr"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// ListConcurrency is how many calls a token list has in flight, under the per-target limit
// (--max-calls-per-target). make bench sizes its direct client beside the list path with it.
const ListConcurrency = 16

// How often a list's progress is written, and how many failed tokens the status names.
const (
	listProgressPeriod = time.Second
	maxFailedTokens    = 20
)

// listRun revokes the tokens of a list that are not settled yet, one invalidate call per token
// (Elasticsearch takes one token per call), and keeps the revocation's status up to date as the
// answers come. Only its coordinating goroutine changes the revocation.
type listRun struct {
	kind     tokenKind
	rev      *securityv1alpha1.TokenRevocation
	list     tokenList
	progress listProgress
	target   elasticsearch.Target
	env      callEnv

	// lastTransient is the latest failure that left a token unsettled; stop is the first failure
	// that concerns every token (credentials, privileges, the target), which ends the run.
	lastTransient error
	stop          error
	// version is what the latest answer told of the target's version.
	version string
}

// tokenOutcome is the answer to one listed token's call.
type tokenOutcome struct {
	index  int
	result elasticsearch.Result
	err    error
}

// listCall is the call of a list revocation.
func (k tokenKind) listCall(rev *securityv1alpha1.TokenRevocation, list tokenList) invalidateCall {
	return func(ctx context.Context, target elasticsearch.Target, env callEnv) (answer, error) {
		run := &listRun{kind: k, rev: rev, list: list, target: target, env: env,
			progress: decodeListProgress(rev.Status.ListProgress, len(list.tokens))}
		return run.run(ctx)
	}
}

// run sends the unsettled tokens with bounded concurrency, applies each answer, and records
// progress about once a second. A failed progress record stops it at once: the pass then writes
// nothing more, and the tokens answered since the last record are sent again by the next pass.
func (r *listRun) run(ctx context.Context) (answer, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	outcomes := r.start(ctx)
	ticker := time.NewTicker(listProgressPeriod)
	defer ticker.Stop()
	for {
		select {
		case outcome, ok := <-outcomes:
			if !ok {
				r.rev.Status.ListProgress = r.progress.encode()
				return r.finish(ctx)
			}
			if r.apply(outcome) {
				cancel()
			}
		case <-ticker.C:
			r.rev.Status.ListProgress = r.progress.encode()
			if err := r.env.recordProgress(ctx); err != nil {
				cancel()
				for range outcomes { //nolint:revive // drained so that the workers end
				}
				return answer{}, err
			}
		}
	}
}

// start feeds the unsettled tokens to ListConcurrency workers and returns their outcomes, closed
// once every worker is done.
func (r *listRun) start(ctx context.Context) <-chan tokenOutcome {
	// The pending tokens are listed before the workers start: only the coordinator touches progress.
	var pending []int
	for i := range r.list.tokens {
		if !r.progress.settled(i) {
			pending = append(pending, i)
		}
	}
	work := make(chan int)
	outcomes := make(chan tokenOutcome)
	go func() {
		defer close(work)
		for _, i := range pending {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			case <-r.env.stopping:
				return
			}
		}
	}()
	var workers sync.WaitGroup
	for range ListConcurrency {
		workers.Go(func() {
			for i := range work {
				outcomes <- r.call(ctx, i)
			}
		})
	}
	go func() {
		workers.Wait()
		close(outcomes)
	}()
	return outcomes
}

// call invalidates one listed token within the per-target limit.
func (r *listRun) call(ctx context.Context, i int) tokenOutcome {
	request := elasticsearch.InvalidateRequest{Token: r.list.tokens[i]}
	if r.list.refresh {
		request = elasticsearch.InvalidateRequest{RefreshToken: r.list.tokens[i]}
	}
	var result elasticsearch.Result
	_, err := r.env.limited(ctx, r.target.URL, func() (answer, error) {
		var err error
		result, err = r.kind.es.Invalidate(ctx, r.target, request)
		return answer{}, err
	})
	return tokenOutcome{index: i, result: result, err: err}
}

// apply records one token's outcome in the status; it reports whether the run must stop.
func (r *listRun) apply(o tokenOutcome) (stop bool) {
	status := &r.rev.Status
	kind := elasticsearch.KindOf(o.err)
	r.audit(o, kind)
	if o.result.Version != "" {
		r.version = o.result.Version
	}
	switch {
	case o.err == nil && o.result.ErrorCount == 0:
		status.InvalidatedTokens = new(ptr.Deref(status.InvalidatedTokens, 0) + o.result.InvalidatedTokens)
		status.PreviouslyInvalidatedTokens = new(ptr.Deref(status.PreviouslyInvalidatedTokens, 0) + o.result.PreviouslyInvalidatedTokens)
	case kind == elasticsearch.KindTokenNotFound:
		status.UnknownTokens = new(ptr.Deref(status.UnknownTokens, 0) + 1)
	case kind == elasticsearch.KindInvalidRequest:
		status.ErrorCount = new(ptr.Deref(status.ErrorCount, 0) + 1)
		if len(status.FailedTokens) < maxFailedTokens {
			status.FailedTokens = append(status.FailedTokens, securityv1alpha1.FailedToken{
				Fingerprint: r.kind.machinery.Key.Fingerprint(r.list.tokens[o.index]), Reason: truncate(o.err.Error(), 256)})
		}
	case revocationWide(kind):
		if r.stop == nil {
			r.stop = o.err
		}
		return true
	default:
		// No answer (or the call abandoned), or a partial one: the token is sent again by the next pass.
		r.lastTransient = o.err
		if o.err == nil {
			r.lastTransient = errors.New(r.kind.names().partialFailureMessage(tokenAnswer(o.result)))
		}
		return false
	}
	r.progress.settle(o.index)
	status.ProcessedTokens = new(ptr.Deref(status.ProcessedTokens, 0) + 1)
	return false
}

// revocationWide tells the outcomes that concern every token of the list alike.
func revocationWide(kind elasticsearch.Kind) bool {
	switch kind {
	case elasticsearch.KindUnauthorized, elasticsearch.KindForbidden, elasticsearch.KindUnsupported,
		elasticsearch.KindInvalidTarget, elasticsearch.KindTokenServiceDisabled:
		return true
	}
	return false
}

// finish says how the run ended: with a failure every token shares, with tokens left for the
// next pass, with tokens that failed for good, or with every token settled.
func (r *listRun) finish(ctx context.Context) (answer, error) {
	status := &r.rev.Status
	count, settled := len(r.list.tokens), ptr.Deref(status.ProcessedTokens, 0)
	switch {
	case r.stop != nil:
		return answer{version: r.version}, r.stop
	case settled < int64(count):
		return answer{version: r.version}, fmt.Errorf("%d of %d listed tokens are not settled yet (%d settled); the latest failure: %w",
			int64(count)-settled, count, settled, cmp.Or(r.lastTransient, ctx.Err()))
	case len(status.FailedTokens) > 0:
		return answer{version: r.version}, &failure{reason: securityv1alpha1.ReasonTokensFailed, message: fmt.Sprintf(
			"Elasticsearch refused %d of %d listed tokens for good (see status.failedTokens); %s",
			ptr.Deref(status.ErrorCount, 0), count, r.summary())}
	}
	status.ErrorCount = new(int64(0))
	return answer{version: r.version, caveat: r.unknownSummary()}, nil
}

func (r *listRun) summary() string {
	status := &r.rev.Status
	return fmt.Sprintf("invalidated %d, %d already invalid, %d unknown", ptr.Deref(status.InvalidatedTokens, 0),
		ptr.Deref(status.PreviouslyInvalidatedTokens, 0), ptr.Deref(status.UnknownTokens, 0))
}

func (r *listRun) unknownSummary() string {
	unknown := ptr.Deref(r.rev.Status.UnknownTokens, 0)
	if unknown == 0 {
		return ""
	}
	return fmt.Sprintf("%d listed tokens unknown to Elasticsearch (mistyped, from another cluster, or expired and deleted)", unknown)
}

// audit logs one listed token's call, by the token's fingerprint.
func (r *listRun) audit(o tokenOutcome, kind elasticsearch.Kind) {
	if errors.Is(o.err, context.Canceled) {
		return
	}
	log := r.env.audit.WithValues("listedTokenFingerprint", r.kind.machinery.Key.Fingerprint(r.list.tokens[o.index]))
	if o.err != nil {
		log.Info("Invalidate call failed", "kind", kind, "error", printable(o.err.Error()))
		return
	}
	log.Info("Invalidate call answered", "invalidatedTokens", o.result.InvalidatedTokens,
		"previouslyInvalidatedTokens", o.result.PreviouslyInvalidatedTokens, "errorCount", o.result.ErrorCount)
}
