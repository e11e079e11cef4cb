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
	"errors"
	"fmt"
)

// Kind is the class of an invalidate outcome; it tells the controller what to do next.
type Kind string

const (
	// KindTokenNotFound means Elasticsearch does not know the token or refresh token: it answered 404 with
	// the counters body, or 400 security_exception "failed to invalidate token". The latter is what a
	// well-formed token gets when the cluster has no tokens index: the cluster never issued a token (or the
	// index was deleted), so this token cannot exist there either. Retrying cannot change either answer.
	KindTokenNotFound Kind = "TokenNotFound"
	// KindInvalidRequest means Elasticsearch rejected the request itself: a validation or parse error,
	// "no handler found" (security disabled or a wrong path), or a media_type_header_exception.
	KindInvalidRequest Kind = "InvalidRequest"
	// KindTokenServiceDisabled means the cluster runs with xpack.security.authc.token.enabled: false
	// (400 feature_not_enabled_exception).
	KindTokenServiceDisabled Kind = "TokenServiceDisabled"
	// KindAPIKeyServiceDisabled means the cluster runs with xpack.security.authc.api_key.enabled: false
	// (400 feature_not_enabled_exception from the invalidate API key API). Retrying cannot change it.
	KindAPIKeyServiceDisabled Kind = "APIKeyServiceDisabled"
	// KindUnauthorized means Elasticsearch rejected the credentials (401).
	KindUnauthorized Kind = "Unauthorized"
	// KindForbidden means the credentials lack the manage_token cluster privilege (for API keys:
	// manage_api_key, or manage_own_api_key for the credential's own keys), or the cluster's license does
	// not cover the feature (403).
	KindForbidden Kind = "Forbidden"
	// KindUnavailable means no trustworthy answer arrived: 429, 5xx, a timeout, a connection or TLS
	// failure, or an answer that is not Elasticsearch's (wrong body, missing X-Elastic-Product header).
	KindUnavailable Kind = "ElasticsearchUnavailable"
	// KindInvalidTarget means the Target itself is unusable: a bad URL, a bad CA PEM, a bad version, or no
	// credentials; or its URL leads nowhere useful: a redirect, or "no handler found" on every path tried
	// (a wrong path in the URL, or security disabled). Fixing the connection settings lets it proceed.
	KindInvalidTarget Kind = "InvalidTarget"
	// KindUnsupported means the target's Elasticsearch version cannot do what the request asks: realm or
	// user needs 6.7, a refresh token 6.2; API keys need 6.7, owner 7.4, more than one id 7.10. It is final; when the version is known before the call, no
	// call is made.
	KindUnsupported Kind = "UnsupportedByElasticsearch"
)

// Error is a classified failure of an invalidate call. Its message is bounded, never contains a body
// that is not Elasticsearch's, and has been redacted of the request's secrets.
type Error struct {
	// Kind is the class of the failure.
	Kind Kind
	// StatusCode is the HTTP status Elasticsearch answered with; 0 when no answer arrived.
	StatusCode int
	// Type is Elasticsearch's error type (for example security_exception), when its body carried one.
	Type string
	// Reason is Elasticsearch's error reason, bounded to MaxTextBytes, when its body carried one.
	Reason string

	msg   string
	cause error
}

// Error returns a message a responder can act on, for example
// "Elasticsearch answered 403 (security_exception): action [...] is unauthorized for user [bob] ...;
// the credential needs the manage_token cluster privilege". An Error built elsewhere (a test's fake
// Invalidator) is described from its fields.
func (e *Error) Error() string {
	if e.msg != "" {
		return e.msg
	}
	msg := string(e.Kind)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(": Elasticsearch answered %d", e.StatusCode)
	}
	if e.Type != "" {
		msg += " (" + e.Type + ")"
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns the underlying transport or context error, if any.
func (e *Error) Unwrap() error { return e.cause }

// GoString prints the classification without the unexported cause, so %#v stays readable and safe.
func (e *Error) GoString() string {
	return fmt.Sprintf("&elasticsearch.Error{Kind:%q, StatusCode:%d, Type:%q, Reason:%q}",
		e.Kind, e.StatusCode, e.Type, e.Reason)
}

// KindOf returns the Kind of err: "" for nil, and KindUnavailable for an error this package did not
// classify (the safe choice: the controller retries it).
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnavailable
}

// IsRetryable reports whether a failure of Kind k may go away by itself or by someone fixing the
// credentials, so the controller should retry with backoff. TokenNotFound, InvalidRequest,
// TokenServiceDisabled, APIKeyServiceDisabled, Unsupported and InvalidTarget are final for the request
// as sent (the controller keeps an InvalidTarget revocation Pending, since fixing the connection settings
// changes the target).
func IsRetryable(k Kind) bool {
	switch k {
	case KindUnauthorized, KindForbidden, KindUnavailable:
		return true
	default:
		return false
	}
}

func newError(kind Kind, status int, msg string) *Error {
	return &Error{Kind: kind, StatusCode: status, msg: msg}
}
