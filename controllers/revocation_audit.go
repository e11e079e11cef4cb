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
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// The audit trail: one line per Elasticsearch call and one per outcome, each with who asked, why,
// where and for which token (by fingerprint). It is written to the Audit logger, which the manager
// builds without sampling, so that no line is ever dropped however many revocations run at once.

// auditLog is the logger of the audit trail for a revocation.
func (r *revocationReconciler[T]) auditLog(ctx context.Context, rev T, who requesterRecord) logr.Logger {
	log := logf.FromContext(ctx)
	if r.Audit.GetSink() != nil {
		log = r.Audit.WithValues(r.kind.names().logKey, klog.KObj(rev))
	}
	log = log.WithValues("requester", who.display, "reason", printable(rev.GetReason()), "target", rev.GetProgress().Target)
	return log.WithValues(r.kind.auditValues(rev)...)
}

// logAnswer logs the outcome of an invalidate call.
func (r *revocationReconciler[T]) logAnswer(ctx context.Context, rev T, who requesterRecord, callErr error) {
	progress := rev.GetProgress()
	log := r.auditLog(ctx, rev, who).WithValues("attempt", progress.Attempts, "phase", progress.Phase)
	if callErr != nil {
		log.Info("Invalidate call failed", "kind", elasticsearch.KindOf(callErr), "error", printable(callErr.Error()))
		return
	}
	invalidated, previously := r.kind.totals(rev)
	names := r.kind.names()
	log.Info("Invalidate call answered", names.invalidatedField, invalidated, names.previouslyField, previously,
		"errorCount", ptr.Deref(progress.ErrorCount, 0))
}

// printable escapes the characters that must not reach a terminal raw (control and bidirectional
// formatting characters, see securityv1alpha1.UnsafeTextPattern) as \u{XXXX}. Admission refuses
// them in new revocations; this guards text from older ones and from Elasticsearch's answers.
func printable(s string) string {
	if strings.IndexFunc(s, securityv1alpha1.IsUnsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if securityv1alpha1.IsUnsafeRune(r) {
			fmt.Fprintf(&b, `\u{%04X}`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
