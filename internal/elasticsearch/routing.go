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
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// noHandlerError is the error for "no handler found" on every path tried. Elasticsearch registers the
// token API only when security is enabled (8.x Security.getRestHandlers returns no handlers otherwise;
// elasticsearch-token-api.md §6), so either the URL's path does not lead to Elasticsearch's root or
// security is off. Both are fixed in the connection settings, so the revocation waits for that.
func (a *answer) noHandlerError(tried []apiPath) error {
	paths := make([]string, len(tried))
	for i, p := range tried {
		paths[i] = string(p)
	}
	removed := "the token API"
	if a.sent == apiKeyMode {
		// API keys arrived in 6.7, at /_security/api_key only: an older cluster has no handler for it either.
		removed = "the API key API (which clusters before 6.7 do not have at all)"
	}
	msg := fmt.Sprintf("Elasticsearch answered %d \"no handler found\" for DELETE %s: the URL's path is wrong "+
		"(it must lead to Elasticsearch's root, for example https://host:9200), or security is disabled on this "+
		"cluster (xpack.security.enabled: false), which removes %s", a.status, strings.Join(paths, " and "), removed)
	if a.version.text != "" && len(tried) == 1 {
		msg += fmt.Sprintf("; the path follows the configured version %s, which may be wrong", a.version.text)
	}
	return newError(KindInvalidTarget, a.status, msg)
}

// unsupportedShape is the error for a request the target's parser refused because its version does not
// know the fields sent (see unknownFieldOf).
func (a *answer) unsupportedShape() error {
	need, what := requirement(a.sent)
	e := newError(KindUnsupported, a.status, withHint(a.describe(),
		fmt.Sprintf("%s needs Elasticsearch %s or later, and this cluster is older", what, need)))
	e.Type, e.Reason = a.esErr.Type, a.esErr.Reason
	return e
}

// redirect is the error for a 3xx. The client does not follow redirects: the request carries
// credentials, and a redirect is a wrong URL to fix, not a detour to take.
func (a *answer) redirect() error {
	where := "nowhere (no Location header)"
	if loc := a.header.Get("Location"); loc != "" {
		where = safeLocation(loc)
	}
	return newError(KindInvalidTarget, a.status, fmt.Sprintf(
		"the server answered %d redirecting to %s; set the URL to where Elasticsearch answers", a.status, where))
}

// safeLocation is a Location header without credentials, query or fragment, bounded, and with only
// printable UTF-8 (it is the server's text, headed for status, events and logs).
func safeLocation(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return "an unparseable location"
	}
	u.User, u.RawQuery, u.Fragment, u.ForceQuery = nil, "", "", false
	printable := strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(u.String(), ""))
	return truncate(printable, 256)
}
