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
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// readyTracker records when each TokenRevocation was first seen Revoked, from a watch.
type readyTracker struct {
	mu      sync.Mutex
	readyAt map[string]time.Time
	want    int
	done    chan struct{}
}

// trackReady watches the namespace until want revocations are Revoked (or ctx ends).
func trackReady(ctx context.Context, c client.WithWatch, want int) *readyTracker {
	t := &readyTracker{readyAt: map[string]time.Time{}, want: want, done: make(chan struct{})}
	go t.run(ctx, c)
	return t
}

func (t *readyTracker) run(ctx context.Context, c client.WithWatch) {
	for ctx.Err() == nil {
		var list securityv1alpha1.TokenRevocationList
		if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
			pause(ctx)
			continue
		}
		for i := range list.Items {
			if t.observe(&list.Items[i]) {
				return
			}
		}
		w, err := c.Watch(ctx, &securityv1alpha1.TokenRevocationList{}, client.InNamespace(namespace),
			&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
		if err != nil {
			pause(ctx)
			continue
		}
		if t.follow(w) {
			return
		}
	}
}

// follow reads a watch until it ends; it reports whether every revocation is Revoked.
func (t *readyTracker) follow(w watch.Interface) bool {
	defer w.Stop()
	for event := range w.ResultChan() {
		if rev, ok := event.Object.(*securityv1alpha1.TokenRevocation); ok && t.observe(rev) {
			return true
		}
	}
	return false
}

// observe records a revocation seen Revoked; it reports whether every revocation is.
func (t *readyTracker) observe(rev *securityv1alpha1.TokenRevocation) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if rev.Status.Phase == securityv1alpha1.PhaseRevoked {
		if _, seen := t.readyAt[rev.Name]; !seen {
			t.readyAt[rev.Name] = time.Now()
		}
	}
	if len(t.readyAt) == t.want {
		select {
		case <-t.done:
		default:
			close(t.done)
		}
		return true
	}
	return false
}

// wait waits until every revocation is Revoked and returns when each became so.
func (t *readyTracker) wait(ctx context.Context) (map[string]time.Time, error) {
	select {
	case <-t.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readyAt, nil
}

// pause waits a little before the watch is tried again after an error.
func pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(100 * time.Millisecond):
	}
}
