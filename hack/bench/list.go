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
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

const (
	listSecret, listKey, listRevocation = "leak-list", "tokens", "revoke-list"
	// writesSettle is how long the writes are counted after Revoked is seen, for the event the
	// manager records after its last status patch.
	writesSettle = 2 * time.Second
)

// listResult is one TokenRevocation naming k tokens in one Secret, with the manager running.
type listResult struct {
	// wall is from the revocation's create to Revoked seen; it is split into the time before the
	// first invalidate call began (admission, queue, reading the list), the time from the first
	// call to the last answer, and the time from the last answer to Revoked seen.
	wall, beforeCalls, calling, afterCalls time.Duration
	tokensPerSecond                        float64
	esCallsPerToken                        float64
	maxInFlight                            int64
	writes                                 writeCounts
	manager                                managerStats
	peakHeapInUse, peakRSS                 float64 // sampled from the manager's metrics during the run
	rssHighWaterMark                       float64 // the kernel's VmHWM of the manager process; 0 if unknown
	status                                 securityv1alpha1.TokenRevocationStatus
}

// measureList puts k tokens in one Secret, creates one TokenRevocation naming it while the manager
// runs, and times it to Revoked. The manager serves the webhook, which records the requester whose
// access to the Secret the reconciler checks.
func measureList(ctx context.Context, cfg config, k int) (listResult, error) {
	var r listResult
	w, err := newWorld(ctx, cfg, k, false)
	if err != nil {
		return r, err
	}
	defer w.stop()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: listSecret, Namespace: namespace},
		StringData: map[string]string{listKey: strings.Join(w.tokens, "\n") + "\n"}}
	if err := w.client.Create(ctx, secret); err != nil {
		return r, fmt.Errorf("creating the list Secret: %w", err)
	}
	if err := warmUp(ctx, w); err != nil {
		return r, fmt.Errorf("warming the manager up: %w", err)
	}
	tracker := trackReady(ctx, w.client, 1)
	before, err := w.writeCounts()
	if err != nil {
		return r, err
	}
	callsBefore := w.es.InvalidateCalls()
	w.calls.reset()
	sampler := sampleMemory(ctx, w)

	created := time.Now()
	rev := &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{Name: listRevocation, Namespace: namespace},
		Spec: securityv1alpha1.TokenRevocationSpec{
			TokenListSecretRef: &securityv1alpha1.SecretKeySelector{Name: listSecret, Key: listKey}},
	}
	if err := w.client.Create(ctx, rev); err != nil {
		return r, fmt.Errorf("creating the list revocation: %w", err)
	}
	waitCtx, abandon := context.WithCancelCause(ctx)
	defer abandon(nil)
	go watchFailure(waitCtx, w.client, client.ObjectKeyFromObject(rev), abandon)
	readyAt, err := tracker.wait(waitCtx)
	if err != nil {
		return r, fmt.Errorf("waiting for Revoked: %w", context.Cause(waitCtx))
	}
	revoked := readyAt[listRevocation]
	r.peakHeapInUse, r.peakRSS = sampler.stop()
	r.wall = revoked.Sub(created)
	r.tokensPerSecond = float64(k) / r.wall.Seconds()
	if first, last := w.calls.span(); !first.IsZero() {
		r.beforeCalls, r.calling, r.afterCalls = first.Sub(created), last.Sub(first), revoked.Sub(last)
	}
	r.maxInFlight = w.calls.maxInFlight.Load()
	r.esCallsPerToken = float64(w.es.InvalidateCalls()-callsBefore) / float64(k)
	r.rssHighWaterMark = highWaterMark(w.env.Manager().Pid())

	pause := time.NewTimer(writesSettle)
	select {
	case <-ctx.Done():
		return r, ctx.Err()
	case <-pause.C:
	}
	after, err := w.writeCounts()
	if err != nil {
		return r, err
	}
	r.writes = after.minus(before)
	if err := w.client.Get(ctx, client.ObjectKeyFromObject(rev), rev); err != nil {
		return r, err
	}
	r.status = rev.Status
	r.manager, err = w.managerStats(ctx)
	return r, err
}

// warmUp revokes one inline token in another namespace and waits until it is Revoked: the
// webhook accepts connections before the manager's caches are synced and its controller runs,
// and the list path's time should not include the manager's start.
func warmUp(ctx context.Context, w *world) error {
	pair, err := w.es.MintPasswordToken(operatorUser)
	if err != nil {
		return err
	}
	const warmUpNamespace = "bench-warm-up"
	if err := w.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: warmUpNamespace}}); err != nil {
		return err
	}
	rev := &securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: "warm-up", Namespace: warmUpNamespace},
		Spec: securityv1alpha1.TokenRevocationSpec{Token: &pair.AccessToken}}
	if err := w.client.Create(ctx, rev); err != nil {
		return err
	}
	for rev.Status.Phase != securityv1alpha1.PhaseRevoked {
		if rev.Status.Phase == securityv1alpha1.PhaseFailed {
			return fmt.Errorf("the warm-up revocation failed")
		}
		pause(ctx)
		if err := w.client.Get(ctx, client.ObjectKeyFromObject(rev), rev); err != nil {
			return err
		}
	}
	return nil
}

// watchFailure looks every second whether the revocation failed, and if so abandons the wait
// with its message: a list refused for good never becomes Revoked.
func watchFailure(ctx context.Context, c client.Client, key client.ObjectKey, abandon context.CancelCauseFunc) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		var rev securityv1alpha1.TokenRevocation
		if err := c.Get(ctx, key, &rev); err == nil && rev.Status.Phase == securityv1alpha1.PhaseFailed {
			message := ""
			for _, condition := range rev.Status.Conditions {
				if condition.Type == securityv1alpha1.ReadyCondition {
					message = condition.Reason + ": " + condition.Message
				}
			}
			abandon(fmt.Errorf("the list revocation failed: %s", message))
			return
		}
	}
}

// memorySampler records the most heap in use and resident memory the manager's metrics showed.
type memorySampler struct {
	cancel            context.CancelFunc
	done              chan struct{}
	mu                sync.Mutex
	peakHeap, peakRSS float64
}

// sampleMemory reads the manager's metrics every 250 ms until stop.
func sampleMemory(ctx context.Context, w *world) *memorySampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &memorySampler{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		ticker := time.NewTicker(250 * time.Millisecond)
		defer ticker.Stop()
		for {
			s.sample(ctx, w)
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	return s
}

func (s *memorySampler) sample(ctx context.Context, w *world) {
	stats, err := w.managerStats(ctx)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peakHeap, s.peakRSS = max(s.peakHeap, stats.heapInUse), max(s.peakRSS, stats.rss)
}

// stop takes a last sample and returns the peaks.
func (s *memorySampler) stop() (heapInUse, rss float64) {
	s.cancel()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakHeap, s.peakRSS
}

// highWaterMark is the most resident memory the process has had (VmHWM), 0 where /proc tells not.
func highWaterMark(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) == 3 && fields[0] == "VmHWM:" && fields[2] == "kB" {
			kb, err := strconv.ParseFloat(fields[1], 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// summary is the revocation's counts as its status has them.
func (r listResult) summary() string {
	s := r.status
	return fmt.Sprintf("%s: %d of %d processed; invalidated %d, %d already invalid, %d unknown", s.Phase,
		ptr.Deref(s.ProcessedTokens, 0), ptr.Deref(s.TokenCount, 0), ptr.Deref(s.InvalidatedTokens, 0),
		ptr.Deref(s.PreviouslyInvalidatedTokens, 0), ptr.Deref(s.UnknownTokens, 0))
}
