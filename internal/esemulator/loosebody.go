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
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// looseObject is a request body with nested values (role descriptors, metadata), read with Go's JSON
// decoder. The bodies the operator sends go through objectParser, whose errors follow Elasticsearch's
// to the location; these bodies' errors keep Elasticsearch's types and wording without locations (u).
type looseObject map[string]json.RawMessage

// looseBody applies jsonBody's content-type and body checks, then decodes a JSON object whose fields
// must be among fields.
func looseBody(req *request, parser string, fields []string) (looseObject, *response) {
	if len(req.body) == 0 {
		resp := bodyRequiredError().response()
		return nil, &resp
	}
	if resp := checkContentType(req.http.Header.Values("Content-Type")); resp != nil {
		return nil, resp
	}
	var o looseObject
	if err := json.Unmarshal(req.body, &o); err != nil || o == nil {
		resp := parseError("", fmt.Sprintf("[%s] failed to parse the request body", parser)).response()
		return nil, &resp
	}
	for name := range o {
		if !slices.Contains(fields, name) {
			p := objectParser{name: parser, dialect: dialectModern}
			resp := p.unknownField("", name).response()
			return nil, &resp
		}
	}
	return o, nil
}

// str is the string field name; ok is false when it is absent or not a string.
func (o looseObject) str(name string) (string, bool) {
	var s string
	if raw, present := o[name]; !present || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// strs is the list of strings field name; nil when absent or not such a list.
func (o looseObject) strs(name string) []string {
	var out []string
	if raw, present := o[name]; !present || json.Unmarshal(raw, &out) != nil {
		return nil
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// boolean is the boolean field name, or def when it is absent or not a boolean.
func (o looseObject) boolean(name string, def bool) bool {
	var b bool
	if raw, present := o[name]; !present || json.Unmarshal(raw, &b) != nil {
		return def
	}
	return b
}

// timeUnits are TimeValue.parseTimeValue's suffixes, longest first where one ends another.
var timeUnits = []struct {
	suffix string
	unit   time.Duration
}{{"nanos", time.Nanosecond}, {"micros", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second},
	{"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}}

// parseTimeValue reads an Elasticsearch time value such as "1d", "12h" or "30m".
func parseTimeValue(v, setting string) (time.Duration, *esError) {
	s := strings.ToLower(strings.TrimSpace(v))
	for _, u := range timeUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			if count, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64); err == nil && count >= 0 {
				return time.Duration(count) * u.unit, nil
			}
			break
		}
	}
	return 0, newError(http.StatusBadRequest, "parse_exception", fmt.Sprintf(
		"failed to parse setting [%s] with value [%s] as a time value: unit is missing or unrecognized", setting, v))
}
