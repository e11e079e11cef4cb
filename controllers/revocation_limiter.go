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
	"sync"
)

// DefaultCallsPerTarget is how many invalidate calls the operator makes to one Elasticsearch
// cluster at once, across every revocation, unless --max-calls-per-target says otherwise.
const DefaultCallsPerTarget = 32

// TargetLimiter bounds the invalidate calls in flight to each target (by URL), shared by every
// revocation of every kind, so that a long list cannot flood a cluster or starve the revocations
// of single tokens. A nil *TargetLimiter sets no limit.
type TargetLimiter struct {
	perTarget int
	mu        sync.Mutex
	slots     map[string]chan struct{}
}

// NewTargetLimiter returns a limiter of perTarget calls at once to each target.
func NewTargetLimiter(perTarget int) *TargetLimiter {
	return &TargetLimiter{perTarget: perTarget, slots: map[string]chan struct{}{}}
}

// acquire waits for a slot to call url, and returns the function that gives it back; it fails
// only when ctx ends first.
func (l *TargetLimiter) acquire(ctx context.Context, url string) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	slots := l.slotsOf(url)
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *TargetLimiter) slotsOf(url string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	slots, ok := l.slots[url]
	if !ok {
		slots = make(chan struct{}, l.perTarget)
		l.slots[url] = slots
	}
	return slots
}

// limited makes one call to url within the per-target limit.
func (env callEnv) limited(ctx context.Context, url string, call func() (answer, error)) (answer, error) {
	release, err := env.limiter.acquire(ctx, url)
	if err != nil {
		return answer{}, err
	}
	defer release()
	return call()
}
