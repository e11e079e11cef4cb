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

package esemulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Oldest and newest major versions emulated.
const (
	minMajor = 6
	maxMajor = 9
)

// esVersion describes the emulated Elasticsearch release.
type esVersion struct {
	number      string
	major       int
	minor       int
	patch       int
	transportID uint64 // the version id prefixed to every token
	lucene      string
	minWire     string
	minIndex    string
	buildHash   string
	buildDate   string
}

// ValidateVersion reports whether v is a version WithVersion accepts:
// MAJOR.MINOR.PATCH from 6.0.0 through 9.x.
func ValidateVersion(v string) error {
	_, err := parseVersion(v)
	return err
}

func parseVersion(v string) (esVersion, error) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return esVersion{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strconv.Itoa(n) != p {
			return esVersion{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
		}
		nums[i] = n
	}
	if nums[0] < minMajor || nums[0] > maxMajor || nums[1] > 99 || nums[2] > 99 {
		return esVersion{}, fmt.Errorf("version %q: only Elasticsearch 6.0.0 through 9.x is emulated", v)
	}
	ver := esVersion{number: v, major: nums[0], minor: nums[1], patch: nums[2],
		buildDate: "2025-11-20T10:31:27.454259211Z"}
	ver.fillBuild()
	return ver, nil
}

// atLeast reports whether the version is major.minor.patch or later.
func (v esVersion) atLeast(major, minor, patch int) bool {
	if v.major != major {
		return v.major > major
	}
	if v.minor != minor {
		return v.minor > minor
	}
	return v.patch >= patch
}

// fillBuild sets what GET / reports about the build. The compatibility
// versions are each generation's (6.x: 5.6.0 wire, 5.0.0 index; 7.x:
// 6.8.0, 6.0.0-beta1; 8.x: 7.17.0, 7.0.0; 9.x: 8.19.0, 8.0.0). The build
// hash is derived from the version, so stable and plausible, not real.
func (v *esVersion) fillBuild() {
	sum := sha256.Sum256([]byte("esemulator " + v.number))
	hash := hex.EncodeToString(sum[:])[:40]
	switch v.major {
	case 6:
		v.minWire, v.minIndex = "5.6.0", "5.0.0"
		// 6.x reports and warns with Build.shortHash(): 7 hex digits.
		hash = hash[:7]
	case 7:
		v.minWire, v.minIndex = "6.8.0", "6.0.0-beta1"
	case 8:
		v.minWire, v.minIndex = "7.17.0", "7.0.0"
	case 9:
		v.minWire, v.minIndex = "8.19.0", "8.0.0" //nolint:goconst // release numbers are data, not a shared constant
	}
	v.buildHash = hash
	v.lucene = luceneVersion(v.major, v.minor)
	v.transportID = transportID(v.major, v.minor, v.patch)
}

// luceneVersion is the Lucene release bundled with each minor, from the
// Elasticsearch release notes (per minor, not per patch: unverified for
// patches that upgraded Lucene).
func luceneVersion(major, minor int) string {
	byMinor := map[int][]string{
		6: {"7.0.1", "7.1.0", "7.2.1", "7.3.1", "7.4.0", "7.5.0", "7.6.0", "7.7.0", "7.7.3"},
		7: {"8.0.0", "8.0.0", "8.0.0", "8.1.0", "8.2.0", "8.3.0", "8.4.0", "8.5.1", "8.5.1", "8.6.0",
			"8.7.0", "8.7.0", "8.8.0", "8.8.2", "8.9.0", "8.9.0", "8.10.1", "8.11.1"},
	}
	switch list := byMinor[major]; {
	case major == 8:
		return "9.12.2"
	case major == 9:
		return "10.2.2"
	case minor < len(list):
		return list[minor]
	default:
		return list[len(list)-1]
	}
}

// transportID is the version id tokens start with: Version.id
// (major*1000000 + minor*10000 + patch*100 + 99) before 8.x, a
// TransportVersion id from 8.x on (as this emulator always did for 8.x and 9.x).
func transportID(major, minor, patch int) uint64 {
	switch major {
	case 8:
		return 8_841_0_00
	case 9:
		return 9_112_0_00
	}
	return uint64(major*1_000_000 + minor*10_000 + patch*100 + 99) //nolint:gosec // G115: parseVersion bounds major to 6-9, minor and patch to 0-99
}

// warning formats a deprecation Warning header value as Elasticsearch does
// from 7.0: no warn-date after the text (PR #37622 "Remove warn-date from
// warning headers", January 2019, on the branch that became 7.0). 5.x and
// 6.x appended a quoted date (PR #23275); the emulator sends no Warning in 6.x.
func (v esVersion) warning(msg string) string {
	return fmt.Sprintf("299 Elasticsearch-%s-%s \"%s\"", v.number, v.buildHash, msg)
}

// compatibleWith returns the compatible-with version of a vendor media type, 0 if none.
func compatibleWith(mediaType string) int {
	parts := strings.Split(strings.ToLower(mediaType), ";")
	if !strings.HasPrefix(strings.TrimSpace(parts[0]), "application/vnd.elasticsearch+") {
		return 0
	}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.TrimSpace(k) == "compatible-with" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err == nil {
				return n
			}
		}
	}
	return 0
}

// negotiate picks the REST API version of a request like
// RestCompatibleVersionHelper.getCompatibleVersion, or fails with
// media_type_header_exception. REST API compatibility exists from 8.0: the
// developers' guide (REST_API_COMPATIBILITY.md, PR #71879) says it is first
// introduced with 8, the 7.x branch only reading the header, so that a
// compatible-with=7 request to 7.x gets nothing special (the clients' notes
// date that acceptance to 7.13: go-elasticsearch PR #266, elasticsearch-php
// PR #1142). Before 8.0 the emulator serves every request as the current
// version whatever its media types say; 7.x's refusal of other
// compatible-with values, and older releases' of the vendor media types, are
// not emulated (u).
func (e *Emulator) negotiate(req *request) *esError {
	if e.version.major < 8 {
		req.apiVersion = e.version.major
		return nil
	}
	accept, ctype := req.http.Header.Get("Accept"), req.http.Header.Get("Content-Type")
	aV, cV := compatibleWith(accept), compatibleWith(ctype)
	cur := e.version.major
	acceptVersion, contentVersion := orDefault(aV, cur), orDefault(cV, cur)
	var msg string
	switch {
	case acceptVersion > cur || acceptVersion < cur-1:
		msg = fmt.Sprintf("Accept version must be either version %d or %d, but found %d. Accept=%s",
			cur, cur-1, acceptVersion, orNull(accept))
	case len(req.body) == 0:
	case contentVersion > cur || contentVersion < cur-1:
		msg = fmt.Sprintf("Content-Type version must be either version %d or %d, but found %d. Content-Type=%s",
			cur, cur-1, contentVersion, orNull(ctype))
	case contentVersion != acceptVersion:
		msg = fmt.Sprintf("A compatible version is required on both Content-Type and Accept headers if either one "+
			"has requested a compatible version and the compatible versions must match. Accept=%s, Content-Type=%s",
			orNull(accept), orNull(ctype))
	case (aV == 0) != (cV == 0):
		msg = fmt.Sprintf("A compatible version is required on both Content-Type and Accept headers if either one "+
			"has requested a compatible version. Accept=%s, Content-Type=%s", orNull(accept), orNull(ctype))
	}
	if msg != "" {
		x := newError(http.StatusBadRequest, "media_type_header_exception",
			"Invalid media-type value on headers [Accept, Content-Type]")
		x.plain = true
		x.cause = newError(0, "status_exception", msg)
		return x
	}
	// Past these checks the Content-Type version, if any, equals the Accept version.
	req.apiVersion = acceptVersion
	req.vendor = aV != 0
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orNull(s string) string {
	if s == "" {
		return javaNull
	}
	return s
}

// clusterInfo is the body of GET /. build_flavor and build_type appeared in
// 6.3 (the default and OSS distributions); the tagline never changed.
func (e *Emulator) clusterInfo() object {
	v := e.version
	version := obj("number", v.number)
	if v.atLeast(6, 3, 0) {
		version = version.with("build_flavor", "default").with("build_type", "docker")
	}
	version = append(version, obj(
		"build_hash", v.buildHash,
		"build_date", v.buildDate,
		"build_snapshot", false,
		"lucene_version", v.lucene,
		"minimum_wire_compatibility_version", v.minWire,
		"minimum_index_compatibility_version", v.minIndex,
	)...)
	return obj(
		"name", "es-emulator",
		"cluster_name", "es-emulator",
		"cluster_uuid", e.clusterUUID,
		"version", version,
		"tagline", "You Know, for Search",
	)
}
