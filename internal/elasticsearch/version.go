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
	"math"
	"regexp"
	"strconv"
)

// release is an Elasticsearch minor version, the grain at which the token API changed.
type release struct{ major, minor int }

// unbounded is above every release: the upper end of a range nothing has limited yet.
var unbounded = release{math.MaxInt32, 0}

// The releases at which the invalidate token API changed, each with its source. The shared
// reference /work/shared/elasticsearch-token-api.md (§1, §4.4, §7) gathers them.
var (
	// v6_0 is the oldest generation served: DELETE /_xpack/security/oauth2/token with {"token": ...}
	// only, answering {"created": bool} (6.0 RestInvalidateTokenAction: PARSER declares "token" alone).
	v6_0 = release{6, 0}
	// v6_2 added refresh_token to the body (6.2 RestInvalidateTokenAction declares "token" and
	// "refresh_token"; elastic/elasticsearch#35115 shows 6.4's {"created": true} for it).
	v6_2 = release{6, 2}
	// v6_7 added realm_name and username and the counters answer (6.7 reference page
	// security-api-invalidate-token.html; elastic/elasticsearch#35388, 6.x backport #36766, which
	// kept a deprecated "created" beside the counters until 7.0 removed it).
	// 6.7 also introduced API keys: create, get and invalidate at /_security/api_key only (6.7
	// RestInvalidateApiKeyAction registers DELETE /_security/api_key; no /_xpack route for API keys was
	// ever found in Elasticsearch's sources), with the manage_api_key privilege.
	v6_7 = release{6, 7}
	// v7_0 serves DELETE /_security/oauth2/token and deprecates the /_xpack route with a Warning
	// header (7.x RestInvalidateTokenAction: ReplacedRoute(DELETE "/_security/oauth2/token",
	// DELETE "/_xpack/security/oauth2/token"); elastic/elasticsearch#36293).
	v7_0 = release{7, 0}
	// v7_4 added "owner" to the invalidate API key body (InvalidateApiKeyRequest reads and writes
	// ownedByAuthenticatedUser from Version.V_7_4_0; RestInvalidateApiKeyAction declares "owner"), with
	// the manage_own_api_key privilege (ManageOwnApiKeyClusterPrivilege).
	v7_4 = release{7, 4}
	// v7_7 answers a disabled token or API key service with 400 feature_not_enabled_exception; before,
	// a 500 illegal_state_exception "tokens are not enabled" / "api keys are not enabled"
	// (elastic/elasticsearch#52811, 7.x backport #53941, in the 7.7.0 release notes).
	v7_7 = release{7, 7}
	// v7_8 answers an unknown token with 404 and zero counters; 7.0–7.7 answered 401 "token
	// malformed" (access token) or 400 invalid_grant (refresh token) (elastic/elasticsearch#54532,
	// merged for 7.8.0; backported to 7.7.x by commit 5ed4e7cc, #56741, in a patch release we could not
	// pin down, so 7.7 is treated as possibly old).
	v7_8 = release{7, 8}
	// v7_10 added "ids" (a list) to the invalidate API key body; 6.7–7.9 take one "id" only
	// (InvalidateApiKeyRequest reads an optional string array from Version.V_7_10_0 and refuses to send
	// more than one id to an older node: "a request with multi-valued field [ids] cannot be sent to an
	// older version"). 7.10–7.17 still accept "id" (not both: "Must use either [id] or [ids], not both at
	// the same time"); 8.0 accepts it only for compatible-with=7 requests (RestInvalidateApiKeyAction's
	// invalidate_api_key_v7 parser).
	v7_10 = release{7, 10}
	// v7_14 sends X-Elastic-Product: Elasticsearch on its answers (elastic/elasticsearch#73434,
	// 7.x backport #73919, released in 7.14.0).
	v7_14 = release{7, 14}
)

// lastMinor is the last minor release of each finished major, so "6" means 6.0–6.8.
var lastMinor = map[int]int{6: 8, 7: 17, 8: 19}

func (r release) less(o release) bool {
	return r.major < o.major || (r.major == o.major && r.minor < o.minor)
}

func (r release) String() string { return fmt.Sprintf("%d.%d", r.major, r.minor) }

// before is the release just below r (r must be above 6.0): the last minor of the previous major
// for an x.0.
func (r release) before() release {
	if r.minor > 0 {
		return release{r.major, r.minor - 1}
	}
	return release{r.major - 1, lastMinor[r.major-1]}
}

// versionRange is what is known of a target's version: every release in [lo, hi] is possible.
// exact is the full version ("7.10.2") when one was configured or read from a Warning header.
type versionRange struct {
	lo, hi release
	exact  string
	text   string // the configured text, shown as is
}

// anyVersion is what is known of a target nothing was configured or learned for.
var anyVersion = versionRange{lo: v6_0, hi: unbounded}

// configuredVersion matches Target.Version: MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH, with an optional
// pre-release suffix as ECK and Elasticsearch builds write it ("8.0.0-rc1", "7.17.0-SNAPSHOT").
var configuredVersion = regexp.MustCompile(`^(\d{1,3})(?:\.(\d{1,3})(?:\.(\d{1,3})(-[0-9A-Za-z.]+)?)?)?$`)

// parseVersion reads a configured version; ok is false when v is not one, or is older than 6.0.
func parseVersion(v string) (versionRange, bool) {
	m := configuredVersion.FindStringSubmatch(v)
	if m == nil {
		return versionRange{}, false
	}
	major, _ := strconv.Atoi(m[1])
	if major < v6_0.major {
		return versionRange{}, false
	}
	r := versionRange{lo: release{major, 0}, hi: release{major, lastMinorOf(major)}, text: v}
	if m[2] != "" {
		minor, _ := strconv.Atoi(m[2])
		r.lo, r.hi = release{major, minor}, release{major, minor}
	}
	if m[3] != "" {
		r.exact = v
	}
	return r, true
}

// lastMinorOf is the last minor of major, or unbounded's minor for a major still being released.
func lastMinorOf(major int) int {
	if last, ok := lastMinor[major]; ok {
		return last
	}
	return math.MaxInt32
}

// warningAgent finds the version in an Elasticsearch Warning header value, for example
// `299 Elasticsearch-7.10.2-747e1cc71def077253878a59143c1f785afa92b9 "..."`: the agent is
// "Elasticsearch-" + version + optional "-SNAPSHOT" + "-" + build hash (DeprecationLogger.WARNING_PREFIX
// and WARNING_HEADER_PATTERN in 6.x/7.x server/src/main/java/org/elasticsearch/common/logging/, later
// HeaderWarning.java).
var warningAgent = regexp.MustCompile(`^299 Elasticsearch-(\d+)\.(\d+)\.(\d+)((?:-(?:alpha|beta|rc)\d+)?)(?:-SNAPSHOT)?-(?:[a-f0-9]{7,40}|unknown) "`)

// versionFromWarning returns the exact version a Warning header value names.
func versionFromWarning(value string) (versionRange, bool) {
	m := warningAgent.FindStringSubmatch(value)
	if m == nil {
		return versionRange{}, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	exact := m[1] + "." + m[2] + "." + m[3] + m[4]
	return versionRange{lo: release{major, minor}, hi: release{major, minor}, exact: exact}, true
}

// atLeast says every possible version is r or later.
func (v versionRange) atLeast(r release) bool { return !v.lo.less(r) }

// below says every possible version is older than r.
func (v versionRange) below(r release) bool { return v.hi.less(r) }

// known says something narrower than anyVersion is known.
func (v versionRange) known() bool { return v != anyVersion }

// narrow is v limited to [lo, hi]. A limit that leaves nothing possible means the cluster behind the
// URL changed (an upgrade or a replacement): the new evidence replaces the old.
func (v versionRange) narrow(lo, hi release) versionRange {
	nlo, nhi := v.lo, v.hi
	if nlo.less(lo) {
		nlo = lo
	}
	if hi.less(nhi) {
		nhi = hi
	}
	if nhi.less(nlo) {
		return versionRange{lo: lo, hi: hi}
	}
	if nlo == v.lo && nhi == v.hi {
		return v
	}
	out := versionRange{lo: nlo, hi: nhi}
	if v.exact != "" && nlo == nhi {
		out.exact = v.exact
	}
	return out
}

// String is the Result.Version format: the configured text as given; else the exact version when
// known ("7.10.2"); else the range of minor versions, "7.10" for one, "7.0–7.13" for a bounded range,
// "7.14+" for an open one; "" when nothing is known.
func (v versionRange) String() string {
	switch {
	case v.text != "":
		return v.text
	case v.exact != "":
		return v.exact
	case !v.known():
		return ""
	case v.lo == v.hi:
		return v.lo.String()
	case v.hi == unbounded:
		return v.lo.String() + "+"
	default:
		return v.lo.String() + "–" + v.hi.String()
	}
}
