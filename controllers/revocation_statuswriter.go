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

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// statusWriter patches a revocation's status, only when it changed, as a diff from the last state
// it wrote or read. A pass changes nothing but the status, so comparing whole objects compares
// statuses.
type statusWriter struct {
	client client.Client
	base   securityv1alpha1.Revocation
	// aborted is set when a write-ahead record failed: the pass must then write nothing more.
	aborted bool
}

func newStatusWriter(c client.Client, rev securityv1alpha1.Revocation) *statusWriter {
	return &statusWriter{client: c, base: copyOf(rev)}
}

// writeAhead records an invalidate call before it is made, with optimistic locking: if the
// object changed since it was read (another replica, or a stale cache after a restart), the
// write fails, the call is not made, and the writer is aborted, so that the pass writes nothing
// of what it had derived in memory. So a call is never made without a record of it, and never
// twice for one record.
func (w *statusWriter) writeAhead(ctx context.Context, rev securityv1alpha1.Revocation) error {
	if err := w.write(ctx, rev, client.MergeFromWithOptimisticLock{}); err != nil {
		w.aborted = true
		return err
	}
	return nil
}

// lastWrittenOrRead is the revocation as last written, or as read if nothing was written.
func (w *statusWriter) lastWrittenOrRead() securityv1alpha1.Revocation {
	return w.base
}

// patch writes the status if it changed since the last write, unless the writer was aborted.
func (w *statusWriter) patch(ctx context.Context, rev securityv1alpha1.Revocation) error {
	if w.aborted {
		return nil
	}
	return w.write(ctx, rev)
}

func (w *statusWriter) write(ctx context.Context, rev securityv1alpha1.Revocation, opts ...client.MergeFromOption) error {
	if apiequality.Semantic.DeepEqual(w.base, rev) {
		return nil
	}
	if err := w.client.Status().Patch(ctx, rev, client.MergeFromWithOptions(w.base, opts...)); err != nil {
		return err
	}
	w.base = copyOf(rev)
	return nil
}

// copyOf deep-copies a revocation of any kind.
func copyOf(rev securityv1alpha1.Revocation) securityv1alpha1.Revocation {
	return rev.DeepCopyObject().(securityv1alpha1.Revocation)
}
