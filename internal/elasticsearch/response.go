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
	"bytes"
	"encoding/json"
	"net/http"
	"unicode/utf8"
)

const (
	// MaxBodyBytes is the largest answer read; a longer body is not treated as Elasticsearch's.
	MaxBodyBytes = 1 << 20
	// MaxErrorDetails bounds Result.ErrorDetails; Result.ErrorCount still tells the total.
	MaxErrorDetails = 10
	// MaxCauseDepth bounds how many CausedBy levels are kept below each error detail.
	MaxCauseDepth = 3
	// MaxTextBytes bounds every Type and Reason taken from a body; longer ones are cut on a rune
	// boundary and end with "…" (the mark included).
	MaxTextBytes = 1024
)

// Result is what a 200 answer reported. ErrorCount > 0 is a partial failure: the controller decides.
// Version is also set beside an error, whenever something is known of the target's version.
type Result struct {
	// InvalidatedTokens counts token halves this call invalidated.
	InvalidatedTokens int64
	// PreviouslyInvalidatedTokens counts token halves that were already invalid.
	PreviouslyInvalidatedTokens int64
	// ErrorCount counts token halves Elasticsearch failed to invalidate.
	ErrorCount int64
	// ErrorDetails holds at most MaxErrorDetails of Elasticsearch's error details, bounded in depth and length.
	ErrorDetails []ErrorCause
	// Version is what is known of the target's Elasticsearch version after the call: Target.Version as
	// configured ("7.10.2", "7.10", "6"); else the exact version an answer revealed ("7.10.2"); else the
	// range of minor versions its answers allow, "7.0–7.13" (an en dash between two MAJOR.MINOR), "7.10"
	// when one minor is left, or "7.14+" when open above; "" when nothing is known.
	Version string
	// Caveat is a sentence for the controller to append to its message when this answer cannot be fully
	// trusted (for example 6.2–6.6 answering created: true for a token that was already invalid); "" if none.
	Caveat string
}

// ErrorCause is one of Elasticsearch's error details, with its cause chain.
type ErrorCause struct {
	// Type is Elasticsearch's exception type, for example document_missing_exception.
	Type string
	// Reason is Elasticsearch's message.
	Reason string
	// CausedBy is the underlying cause, if any.
	CausedBy *ErrorCause
}

// ParseInvalidateResponse classifies an answer to the invalidate token API as Elasticsearch 7.14 or later
// gives it: a Result for a 200 that carries the counters and the X-Elastic-Product header, otherwise an
// *Error. Clients.Invalidate classifies the same way, knowing also what the target's version allows
// (older versions send no product header, and answer in other shapes). It reads only the first
// MaxBodyBytes of body, bounds every type and reason it keeps to MaxTextBytes, and never quotes a body
// that is not Elasticsearch's. It knows no secrets, so it does not redact: Clients.Invalidate does,
// before the texts are bounded.
func ParseInvalidateResponse(status int, header http.Header, body []byte) (Result, error) {
	return parseInvalidateResponse(status, header, body, redactor{})
}

// parseInvalidateResponse is ParseInvalidateResponse redacting with red every type and reason taken from
// body, whole, before bounding it: a cut made first could keep most of a secret that red then no longer
// recognizes.
func parseInvalidateResponse(status int, header http.Header, body []byte, red redactor) (Result, error) {
	a := newAnswer(status, header, body)
	a.esErr = red.cause(a.esErr)
	a.version = versionRange{lo: v7_14, hi: unbounded}
	res, err := a.classify()
	return red.result(res), err
}

// classify turns the answer into a Result or an *Error.
func (a *answer) classify() (Result, error) {
	switch a.status {
	case http.StatusOK:
		return a.success()
	case http.StatusNotFound:
		return Result{}, a.notFound()
	default:
		return Result{}, a.failure()
	}
}

// answer is a received HTTP answer and what its body turned out to be.
type answer struct {
	status      int
	fromES      bool          // X-Elastic-Product: Elasticsearch, which every Elasticsearch 8/9 answer carries
	size        int           // body length, capped at MaxBodyBytes+1
	contentType string        // bounded, for messages
	counters    *wireCounters // the invalidate token answer
	keys        *wireAPIKeys  // the invalidate API key answer
	esErr       *ErrorCause   // the "error" of an Elasticsearch error body; nil when there is none
	legacy      legacyFacts
	header      http.Header
	version     versionRange // what is known of the target's version when classifying
	sent        requestMode  // what the request asked for
	keyFields   []string     // the fields of an invalidate API key body sent
}

type wireCounters struct {
	InvalidatedTokens           *int64            `json:"invalidated_tokens"`
	PreviouslyInvalidatedTokens *int64            `json:"previously_invalidated_tokens"`
	ErrorCount                  *int64            `json:"error_count"`
	ErrorDetails                []json.RawMessage `json:"error_details"`
}

func newAnswer(status int, header http.Header, body []byte) *answer {
	a := &answer{
		header:      header,
		status:      status,
		fromES:      header.Get("X-Elastic-Product") == "Elasticsearch",
		size:        min(len(body), MaxBodyBytes+1),
		contentType: truncate(header.Get("Content-Type"), 64),
	}
	if len(body) > MaxBodyBytes {
		return a
	}
	a.counters = parseCounters(body)
	a.keys = parseAPIKeys(body)
	a.esErr = parseErrorBody(body)
	a.legacy = parseLegacyFacts(status, body)
	return a
}

// parseCounters returns the invalidate-token response in body, or nil when body is not one.
func parseCounters(body []byte) *wireCounters {
	var c wireCounters
	if json.Unmarshal(body, &c) != nil {
		// Wrong types in error_details alone do not disqualify the counters.
		var counts struct {
			I *int64 `json:"invalidated_tokens"`
			P *int64 `json:"previously_invalidated_tokens"`
			E *int64 `json:"error_count"`
		}
		if json.Unmarshal(body, &counts) != nil {
			return nil
		}
		c = wireCounters{InvalidatedTokens: counts.I, PreviouslyInvalidatedTokens: counts.P, ErrorCount: counts.E}
	}
	if !nonNegative(c.InvalidatedTokens) || !nonNegative(c.PreviouslyInvalidatedTokens) || !nonNegative(c.ErrorCount) {
		return nil
	}
	return &c
}

func nonNegative(n *int64) bool { return n != nil && *n >= 0 }

func (c *wireCounters) result() Result {
	return Result{
		InvalidatedTokens:           *c.InvalidatedTokens,
		PreviouslyInvalidatedTokens: *c.PreviouslyInvalidatedTokens,
		ErrorCount:                  *c.ErrorCount,
		ErrorDetails:                parseDetails(c.ErrorDetails),
	}
}

// parseDetails reads at most MaxErrorDetails of an answer's error_details, skipping what is not an
// error cause.
func parseDetails(raws []json.RawMessage) []ErrorCause {
	var out []ErrorCause
	for _, raw := range raws {
		if len(out) == MaxErrorDetails {
			break
		}
		if cause := parseCause(raw, 0); cause != nil {
			out = append(out, *cause)
		}
	}
	return out
}

// parseErrorBody returns the "error" of an Elasticsearch error body (an object, or a plain string as
// in {"error":"no handler found for uri ..."}), or nil when body is not one.
func parseErrorBody(body []byte) *ErrorCause {
	var top struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) != nil || len(top.Error) == 0 {
		return nil
	}
	cause := parseCause(top.Error, 0)
	if cause == nil || (cause.Type == "" && cause.Reason == "") {
		return nil
	}
	return cause
}

// parseCause reads an error cause: an object with type, reason and caused_by (other keys are ignored),
// or a plain string taken as the reason; nil for anything else. Below depth MaxCauseDepth, caused_by is
// dropped. Texts are kept whole, for the redactor; parseInvalidateResponse bounds them after it.
func parseCause(raw json.RawMessage, depth int) *ErrorCause {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return &ErrorCause{Reason: s}
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil
	}
	c := &ErrorCause{Type: jsonString(obj["type"]), Reason: jsonString(obj["reason"])}
	if by, ok := obj["caused_by"]; ok && depth < MaxCauseDepth {
		c.CausedBy = parseCause(by, depth+1)
	}
	return c
}

// jsonString is raw as a string when it is a JSON string, else "". It is not bounded yet: the redactor
// must see it whole.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// truncate cuts s to at most limit bytes on a rune boundary, the last three of them the mark "…".
func truncate(s string, limit int) string {
	const mark = "…"
	if len(s) <= limit {
		return s
	}
	cut := max(limit-len(mark), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
