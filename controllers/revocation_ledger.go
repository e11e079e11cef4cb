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
	"sync"

	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// attemptLedger remembers, per revocation, how many attempts the last status this manager
// wrote or read recorded. The cache may lag behind the manager's own writes by a watch event;
// a pass that reads fewer attempts than the ledger holds is looking at an outdated status, and
// waits for the cache instead of calling Elasticsearch again. This matters for the first call,
// which is not recorded before it is made: without the ledger a cache that has not yet seen the
// answer's status would make the revocation look as if it had never been tried.
//
// The zero value is ready to use. Finished revocations are forgotten: they are never called again.
type attemptLedger struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]ledgerEntry
}

// ledgerEntry identifies the object by UID, so that a revocation deleted and created again under
// the same name starts afresh.
type ledgerEntry struct {
	uid      types.UID
	attempts int32
}

// behind reports whether rev, as read, records fewer attempts than this manager knows were made.
func (l *attemptLedger) behind(rev securityv1alpha1.Revocation) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	entry, ok := l.entries[keyOf(rev)]
	return ok && entry.uid == rev.GetUID() && rev.GetProgress().Attempts < entry.attempts
}

// record remembers the attempts rev's status records; a finished revocation is forgotten.
func (l *attemptLedger) record(rev securityv1alpha1.Revocation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key, progress := keyOf(rev), rev.GetProgress()
	if progress.Phase.IsTerminal() || progress.Attempts == 0 {
		delete(l.entries, key)
		return
	}
	if l.entries == nil {
		l.entries = map[types.NamespacedName]ledgerEntry{}
	}
	l.entries[key] = ledgerEntry{uid: rev.GetUID(), attempts: progress.Attempts}
}

// forget drops what is known of a revocation that no longer exists.
func (l *attemptLedger) forget(key types.NamespacedName) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, key)
}

func keyOf(rev securityv1alpha1.Revocation) types.NamespacedName {
	return types.NamespacedName{Namespace: rev.GetNamespace(), Name: rev.GetName()}
}
