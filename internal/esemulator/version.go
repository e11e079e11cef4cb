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
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// esVersion describes the emulated Elasticsearch release.
type esVersion struct {
	number      string
	major       int
	transportID uint64 // the TransportVersion id prefixed to every token
	lucene      string
	minWire     string
	minIndex    string
	buildHash   string
	buildDate   string
}

// ValidateVersion reports whether v is a version WithVersion accepts: 8.x.y or 9.x.y.
func ValidateVersion(v string) error {
	_, err := parseVersion(v)
	return err
}

func parseVersion(v string) (esVersion, error) {
	parts := strings.Split(v, ".")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return esVersion{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
		}
		nums[i] = n
	}
	if len(nums) != 3 {
		return esVersion{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
	}
	switch nums[0] {
	case 8:
		return esVersion{number: v, major: 8, transportID: 8_841_0_00, lucene: "9.12.2",
			minWire: "7.17.0", minIndex: "7.0.0",
			buildHash: "c8e4fb8f2b6a2cb2a0f3e2ad3c06ab3e1b1c7f4d", buildDate: "2025-11-20T10:31:27.454259211Z"}, nil
	case 9:
		return esVersion{number: v, major: 9, transportID: 9_112_0_00, lucene: "10.2.2",
			minWire: "8.19.0", minIndex: "8.0.0",
			buildHash: "4f5a2a7c6e1d3b9a8c0e2f4d6b8a1c3e5f7d9b0a", buildDate: "2025-11-20T10:31:27.454259211Z"}, nil
	default:
		return esVersion{}, fmt.Errorf("version %q: only Elasticsearch 8.x and 9.x are emulated", v)
	}
}

// warning formats a deprecation Warning header value as Elasticsearch does.
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
// media_type_header_exception.
func (e *Emulator) negotiate(req *request) *esError {
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

// clusterInfo is the body of GET /.
func (e *Emulator) clusterInfo() object {
	v := e.version
	return obj(
		"name", "es-emulator",
		"cluster_name", "es-emulator",
		"cluster_uuid", e.clusterUUID,
		"version", obj(
			"number", v.number,
			"build_flavor", "default",
			"build_type", "docker",
			"build_hash", v.buildHash,
			"build_date", v.buildDate,
			"build_snapshot", false,
			"lucene_version", v.lucene,
			"minimum_wire_compatibility_version", v.minWire,
			"minimum_index_compatibility_version", v.minIndex,
		),
		"tagline", "You Know, for Search",
	)
}
