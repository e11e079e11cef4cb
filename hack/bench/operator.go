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
	"slices"
	"sync"
	"time"
)

// burstResult is the operator's run with the manager up while the revocations are created.
type burstResult struct {
	firstCreateToLastReady, lastCreateToLastReady  time.Duration
	p50, p99                                       time.Duration
	esCallsPerRevocation                           float64
	statusWritesPerRevocation, eventsPerRevocation float64
	manager                                        managerStats
}

// reconcileResult is the operator's run with the revocations created first and the manager
// started afterwards, so that only reconciling is timed.
type reconcileResult struct {
	revocationsPerSecond float64
	elapsed              time.Duration
}

// measureBurst creates k revocations while the manager runs, and times them to Ready.
func measureBurst(ctx context.Context, cfg config, k int) (burstResult, error) {
	var r burstResult
	w, err := newWorld(ctx, cfg, k, false)
	if err != nil {
		return r, err
	}
	defer w.stop()
	tracker := trackReady(ctx, w.client, k)
	patchesBefore, eventsBefore, err := w.writes()
	if err != nil {
		return r, err
	}
	callsBefore := w.es.InvalidateCalls()

	firstCreate := time.Now()
	createdAt, err := w.createAll(ctx, cfg.creators)
	if err != nil {
		return r, err
	}
	readyAt, err := tracker.wait(ctx)
	if err != nil {
		return r, fmt.Errorf("waiting for Ready: %w", err)
	}
	latencies, lastReady := latencies(w, createdAt, readyAt)
	r.firstCreateToLastReady = lastReady.Sub(firstCreate)
	r.lastCreateToLastReady = lastReady.Sub(slices.MaxFunc(createdAt, time.Time.Compare))
	r.p50, r.p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)

	patchesAfter, eventsAfter, err := w.writes()
	if err != nil {
		return r, err
	}
	r.esCallsPerRevocation = float64(w.es.InvalidateCalls()-callsBefore) / float64(k)
	r.statusWritesPerRevocation = (patchesAfter - patchesBefore) / float64(k)
	r.eventsPerRevocation = (eventsAfter - eventsBefore) / float64(k)
	r.manager, err = w.managerStats(ctx)
	return r, err
}

// measureReconcilePhase creates k revocations, then starts the manager and times it from the
// first Ready to the last.
func measureReconcilePhase(ctx context.Context, cfg config, k int) (reconcileResult, error) {
	var r reconcileResult
	w, err := newWorldWithRevocations(ctx, cfg, k)
	if err != nil {
		return r, err
	}
	defer w.stop()
	tracker := trackReady(ctx, w.client, k)
	if _, err := w.env.RestartManager(); err != nil {
		return r, err
	}
	readyAt, err := tracker.wait(ctx)
	if err != nil {
		return r, fmt.Errorf("waiting for Ready: %w", err)
	}
	times := make([]time.Time, 0, len(readyAt))
	for _, t := range readyAt {
		times = append(times, t)
	}
	r.elapsed = slices.MaxFunc(times, time.Time.Compare).Sub(slices.MinFunc(times, time.Time.Compare))
	if r.elapsed > 0 {
		r.revocationsPerSecond = float64(k-1) / r.elapsed.Seconds()
	}
	return r, nil
}

// newWorldWithRevocations starts a world without a manager and creates its k revocations.
// Without a manager nothing serves the webhooks, which fail closed: these runs time reconciling
// or writing, not admission, so they do without the webhooks (the CRD's rules still apply). A
// revocation the mutating webhook did not sign has no verified requester, which an inline token
// does not need.
func newWorldWithRevocations(ctx context.Context, cfg config, k int) (*world, error) {
	w, err := newWorld(ctx, cfg, k, true)
	if err != nil {
		return nil, err
	}
	for _, kind := range []string{"validatingwebhookconfiguration", "mutatingwebhookconfiguration"} {
		if _, err := w.env.Kubectl("delete", kind, "--all"); err != nil {
			w.stop()
			return nil, err
		}
	}
	if _, err := w.createAll(ctx, cfg.creators); err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

// createAll creates every revocation from a pool of creators and returns when each create returned.
func (w *world) createAll(ctx context.Context, creators int) ([]time.Time, error) {
	createdAt := make([]time.Time, len(w.tokens))
	next := make(chan int)
	errs := make(chan error, creators)
	var wg sync.WaitGroup
	for range creators {
		wg.Go(func() {
			for i := range next {
				if err := w.client.Create(ctx, w.revocation(i)); err != nil {
					select {
					case errs <- fmt.Errorf("creating revocation %d: %w", i, err):
					default: // the first error is enough
					}
					continue
				}
				createdAt[i] = time.Now()
			}
		})
	}
	for i := range w.tokens {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	return createdAt, <-errs
}

// latencies are the create→Ready durations, and the last Ready.
func latencies(w *world, createdAt []time.Time, readyAt map[string]time.Time) ([]time.Duration, time.Time) {
	var lastReady time.Time
	durations := make([]time.Duration, 0, len(createdAt))
	for i, created := range createdAt {
		ready := readyAt[w.revocation(i).Name]
		durations = append(durations, ready.Sub(created))
		if ready.After(lastReady) {
			lastReady = ready
		}
	}
	return durations, lastReady
}

func percentile(durations []time.Duration, p float64) time.Duration {
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}
