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
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// callMeter watches the invalidate token calls reaching the emulator: how many were in flight at
// most, and when the first began and the last was answered. It tells the concurrency the operator
// really reaches, and splits a list revocation's time into before, during and after its calls.
type callMeter struct {
	inFlight, maxInFlight atomic.Int64

	mu          sync.Mutex
	first, last time.Time
}

// wrap counts the invalidate token calls h serves.
func (m *callMeter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || !strings.HasSuffix(r.URL.Path, "/oauth2/token") {
			h.ServeHTTP(rw, r)
			return
		}
		start := time.Now()
		n := m.inFlight.Add(1)
		for most := m.maxInFlight.Load(); n > most && !m.maxInFlight.CompareAndSwap(most, n); most = m.maxInFlight.Load() {
		}
		h.ServeHTTP(rw, r)
		m.inFlight.Add(-1)
		end := time.Now()
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.first.IsZero() || start.Before(m.first) {
			m.first = start
		}
		if end.After(m.last) {
			m.last = end
		}
	})
}

// reset forgets the calls metered so far; calls still in flight count from now on.
func (m *callMeter) reset() {
	m.maxInFlight.Store(m.inFlight.Load())
	m.mu.Lock()
	defer m.mu.Unlock()
	m.first, m.last = time.Time{}, time.Time{}
}

// span is when the first metered call began and the last was answered (zero if none was made).
func (m *callMeter) span() (first, last time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.first, m.last
}
