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

package elasticsearch

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	logf "sigs.k8s.io/controller-runtime/pkg/log"
)

// apiPath is a path of the invalidate token API.
type apiPath string

const (
	// currentPath is the path of 7.0 and later (see v7_0).
	currentPath apiPath = "/_security/oauth2/token"
	// legacyPath is the only path of 6.0–6.5; 6.6–6.8 also route currentPath, undocumented
	// (elastic/elasticsearch#36379, labelled v6.6.0, added /_security to 6.x for mixed 6.x/7.x
	// clusters). 6.x targets are still sent to legacyPath, which every 6.x routes. It is deprecated
	// in 7.x and gone from 8.0 (see v8_0).
	legacyPath apiPath = "/_xpack/security/oauth2/token"
)

func (p apiPath) other() apiPath {
	if p == legacyPath {
		return currentPath
	}
	return legacyPath
}

// targetState is what a Clients entry knows of its target's version, kept with its client so that a
// known target costs one call per revocation. It is safe for concurrent use.
type targetState struct {
	mu         sync.Mutex
	configured string       // Target.Version the state was set up for
	version    versionRange // what is known now
	fromConfig bool         // version is the configured one (no answer contradicted it)
	path       apiPath      // the path that last answered with something other than a routing error
	warned     bool         // a Warning header was logged for this target
}

func newTargetState(configured string) *targetState {
	s := &targetState{configured: configured, version: anyVersion}
	if v, ok := parseVersion(configured); ok {
		s.version, s.fromConfig = v, true
	}
	return s
}

// plan is how one revocation goes: what is known before the call, and the paths to try in order.
type plan struct {
	version versionRange
	paths   []apiPath
}

func (s *targetState) plan() plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.version
	primary := currentPath
	switch {
	case v.below(v7_0):
		primary = legacyPath
	case v.atLeast(v7_0):
	case s.path != "":
		primary = s.path
	}
	if s.fromConfig || v.atLeast(v7_0) {
		// A configured version picks the path, and every 7.0 or later routes currentPath: a routing error
		// there is a wrong URL, a wrong version or security being off, which the error says, rather than a
		// reason to spend a second call. A learned 6.x may have been upgraded to 7.x, which still routes
		// legacyPath and names its version in the deprecation Warning.
		return plan{version: v, paths: []apiPath{primary}}
	}
	return plan{version: v, paths: []apiPath{primary, primary.other()}}
}

func (s *targetState) current() versionRange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// learn narrows what is known from one answer to path, classified under before (what was known when
// the call was sent), and logs the first Warning header of the target.
func (s *targetState) learn(ctx context.Context, t Target, path apiPath, a *answer, red redactor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, lim := range limitsOf(a) {
		next := s.version.narrow(lim.lo, lim.hi)
		if lim.exact != "" && next.lo == next.hi {
			next.exact = lim.exact
		}
		if next.lo != s.version.lo || next.hi != s.version.hi || next.exact != s.version.exact {
			s.version, s.fromConfig = next, false
		}
	}
	if !a.legacy.noHandler && path != apiKeyPath {
		s.path = path
	}
	if warnings := a.header.Values("Warning"); len(warnings) > 0 && !s.warned {
		s.warned = true
		// A deprecation is news for the operator's maintainers, never a failure of the revocation.
		logf.FromContext(ctx).Info("Elasticsearch sent a deprecation warning; revocations go on",
			"target", t.safeURL(), "path", string(path), "warning", truncate(red.String(warnings[0]), MaxTextBytes))
	}
}

// limit is one thing an answer says about the version: it lies in [lo, hi].
type limit struct {
	lo, hi release
	exact  string
}

// limitsOf lists what an answer says about the target's version. Only positive evidence counts: a
// Warning header naming the version, the product header, and the shape of an answer trusted as
// Elasticsearch's under what was known before it.
func limitsOf(a *answer) []limit {
	out := make([]limit, 0, 3)
	for _, w := range a.header.Values("Warning") {
		if v, ok := versionFromWarning(w); ok {
			out = append(out, limit{lo: v.lo, hi: v.hi, exact: v.exact})
			break
		}
	}
	if a.fromES {
		out = append(out, limit{lo: v7_14, hi: unbounded})
	}
	if lim, ok := shapeLimit(a); ok {
		out = append(out, lim)
	}
	return out
}

// shapeLimit is what the shape of an answer trusted as Elasticsearch's says about the version.
func shapeLimit(a *answer) (limit, bool) {
	if !a.trusted() {
		return limit{}, false
	}
	answered := a.status == http.StatusOK || a.status == http.StatusNotFound
	switch {
	case a.sent == apiKeyMode:
		return apiKeyShapeLimit(a)
	case a.legacy.created != nil && a.counters != nil:
		// 6.7–6.8 kept "created" beside the counters; 7.0 dropped it (elastic/elasticsearch#35388, #36893).
		return limit{lo: v6_7, hi: v7_0.before()}, true
	case a.legacy.created != nil:
		return limit{lo: v6_0, hi: v6_7.before()}, true
	case a.counters != nil && !a.fromES && answered:
		return limit{lo: v7_0, hi: v7_14.before()}, true
	case a.tokenMalformed() || a.invalidGrant():
		return limit{lo: v6_0, hi: v7_8.before()}, true
	case a.unknownFieldOf():
		need, _ := requirement(a.sent)
		return limit{lo: v6_0, hi: need.before()}, true
	default:
		return limit{}, false
	}
}

// apiKeyShapeLimit is what an invalidate API key answer trusted as Elasticsearch's says: its lists
// without the product header come from 6.7–7.13, and a refused field names a range (keyFieldLimit).
func apiKeyShapeLimit(a *answer) (limit, bool) {
	switch {
	case a.keys != nil && !a.fromES && a.status == http.StatusOK:
		return limit{lo: v6_7, hi: v7_14.before()}, true
	case a.refusedKeyField() != "":
		return keyFieldLimit(a.refusedKeyField())
	default:
		return limit{}, false
	}
}

// requirement is the first release that accepts a request mode, and how to name the mode.
func requirement(m requestMode) (release, string) {
	switch m {
	case realmOrUserMode:
		return v6_7, "invalidating the tokens of a realm or user"
	case refreshTokenMode:
		return v6_2, "invalidating a refresh token"
	default:
		return v6_0, "invalidating an access token"
	}
}

// unsupported is the KindUnsupported error for a mode the version cannot do, or nil.
func unsupported(v versionRange, m requestMode) error {
	need, what := requirement(m)
	if !v.below(need) {
		return nil
	}
	return newError(KindUnsupported, 0, fmt.Sprintf(
		"%s needs Elasticsearch %s or later, and this target runs %s; upgrade the cluster, or revoke another way "+
			"(for example by disabling the user or changing the realm's credentials)", what, need, describeVersion(v)))
}

// describeVersion names a version range in a sentence.
func describeVersion(v versionRange) string {
	if v.text != "" {
		return v.text + " (as configured)"
	}
	return v.String() + " (as learned from its answers)"
}
