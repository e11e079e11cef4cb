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
	"net/http"
	"strings"
)

// Hints appended to Elasticsearch's own words, telling a responder what the answer means.
const (
	tokenUnknownHint = "the token is unknown to Elasticsearch: never issued by this cluster, " +
		"expired and deleted (documents are removed 24h after creation), or mistyped"
	noTokensIndexHint = "the token is unknown to Elasticsearch: this cluster has no tokens index, " +
		"so it never issued a token (or the index was deleted)"
	unauthorizedHint    = "check the credentials (username and password, or apiKey)"
	privilegeHint       = "the credential needs the manage_token cluster privilege"
	licenseHint         = "the cluster's license does not cover security tokens (Standard or higher is needed)"
	tokensDisabledHint  = "the token service is disabled on this cluster (xpack.security.authc.token.enabled: false)"
	oldUnknownTokenHint = " (Elasticsearch before 7.8 answers an unknown token this way, elastic/elasticsearch#53323)"
	mediaTypeHint       = "this client sends plain application/json, so something between it and Elasticsearch " +
		"changed the headers"
	notOurAPIHint = "this is not the invalidate token API's answer; check the URL's path"
	overloadHint  = "Elasticsearch is overloaded"

	apiKeyPrivilegeHint = "the credential needs the manage_api_key cluster privilege (or manage_security), or " +
		"manage_own_api_key, which reaches only the credential's own keys: owner: true, or its own username " +
		"and realm_name, or an API key's own id"
	apiKeyLicenseHint   = "the cluster's license does not cover API keys"
	apiKeysDisabledHint = "the API key service is disabled on this cluster (xpack.security.authc.api_key.enabled: false)"
	apiKeyNotOurAPIHint = "this is not the invalidate API key API's answer; check the URL's path"
)

// apiTexts are the words that differ between the two invalidate APIs.
type apiTexts struct {
	name          string // "invalidate token"
	privilegeHint string
	licenseHint   string
	notOurAPIHint string
	disabled      Kind // what feature_not_enabled_exception means
	disabledHint  string
}

func (a *answer) api() apiTexts {
	if a.sent == apiKeyMode {
		return apiTexts{"invalidate API key", apiKeyPrivilegeHint, apiKeyLicenseHint, apiKeyNotOurAPIHint,
			KindAPIKeyServiceDisabled, apiKeysDisabledHint}
	}
	return apiTexts{"invalidate token", privilegeHint, licenseHint, notOurAPIHint, KindTokenServiceDisabled, tokensDisabledHint}
}

// success classifies a 200: only Elasticsearch's answer is a Result: the counters (6.7 and later), or
// {"created": bool} (6.x), with the product header or from a target that may be older than 7.14.
func (a *answer) success() (Result, error) {
	switch {
	case !a.trusted():
		return Result{}, a.notElasticsearch()
	case a.counters != nil:
		return a.counters.result(), nil
	case a.legacy.created != nil:
		return a.createdResult(), nil
	default:
		return Result{}, a.notElasticsearch()
	}
}

// notFound classifies a 404: the counters body means the token is unknown; anything else (a proxy's
// 404, another API's 404) is not a verdict on the token, so it must not end the revocation.
func (a *answer) notFound() error {
	switch {
	case a.trusted() && a.counters != nil:
		return newError(KindTokenNotFound, a.status, fmt.Sprintf("Elasticsearch answered %d: %s", a.status, tokenUnknownHint))
	case a.trusted() && a.esErr != nil:
		return a.classified(KindUnavailable, a.api().notOurAPIHint)
	default:
		return a.notElasticsearch()
	}
}

// failure classifies every status other than 200 and 404.
func (a *answer) failure() error {
	switch {
	case a.tokenMalformed():
		return a.classified(KindTokenNotFound, tokenUnknownHint+oldUnknownTokenHint)
	case a.status == http.StatusUnauthorized:
		return a.classified(KindUnauthorized, unauthorizedHint)
	case a.status == http.StatusForbidden:
		return a.forbidden()
	case a.status == http.StatusTooManyRequests:
		return a.classified(KindUnavailable, overloadHint)
	case a.serviceDisabledBefore77():
		return a.classified(a.api().disabled, a.api().disabledHint)
	case a.status == http.StatusRequestTimeout, a.status >= 500:
		return a.classified(KindUnavailable, "")
	case a.status >= 400:
		return a.badRequest()
	case a.status >= 300:
		return a.redirect()
	default:
		return newError(KindUnavailable, a.status,
			fmt.Sprintf("the server answered with unexpected status %d (%s)", a.status, a.bodyFacts()))
	}
}

func (a *answer) forbidden() error {
	if a.esErr != nil && strings.Contains(strings.ToLower(a.esErr.Reason), "license") {
		return a.classified(KindForbidden, a.api().licenseHint)
	}
	return a.classified(KindForbidden, a.api().privilegeHint)
}

// badRequest classifies the other 4xx answers. They are final, so only Elasticsearch's own error body
// (with its product header) is believed; anything else is treated as no answer.
func (a *answer) badRequest() error {
	if a.legacy.noHandler && a.trusted() {
		if a.sent == apiKeyMode {
			return a.noHandlerError([]apiPath{apiKeyPath})
		}
		return a.noHandlerError([]apiPath{currentPath})
	}
	if !a.trusted() || a.esErr == nil {
		return a.notElasticsearch()
	}
	e := a.esErr
	switch {
	case a.invalidGrant():
		return a.classified(KindTokenNotFound, tokenUnknownHint+oldUnknownTokenHint)
	case a.refusedKeyField() != "":
		return a.unsupportedKeyShape(a.refusedKeyField())
	case a.unknownFieldOf():
		return a.unsupportedShape()
	case e.Type == "feature_not_enabled_exception":
		return a.classified(a.api().disabled, a.api().disabledHint)
	case e.Type == "security_exception" && e.Reason == "failed to invalidate token":
		return a.classified(KindTokenNotFound, noTokensIndexHint)
	case e.Type == "media_type_header_exception":
		return a.classified(KindInvalidRequest, mediaTypeHint)
	default:
		return a.classified(KindInvalidRequest, "")
	}
}

// classified builds the error for an answer of a known kind, quoting Elasticsearch's type, reason and
// causes when the body is its error body, and only the body's size and content type otherwise.
func (a *answer) classified(kind Kind, hint string) error {
	if a.esErr == nil {
		return newError(kind, a.status, withHint(fmt.Sprintf("the server answered %d with a body that is not Elasticsearch's (%s)",
			a.status, a.bodyFacts()), hint))
	}
	e := newError(kind, a.status, withHint(a.describe(), hint))
	e.Type, e.Reason = a.esErr.Type, a.esErr.Reason
	return e
}

// notElasticsearch is the error for an answer that cannot be trusted as Elasticsearch's.
func (a *answer) notElasticsearch() error {
	what := "with a body that is not Elasticsearch's"
	switch {
	case (a.hasCounters() || a.esErr != nil) && !a.fromES:
		what = "without the X-Elastic-Product: Elasticsearch header"
	case a.status == http.StatusOK && !a.hasCounters():
		what = "with a body that is not an " + a.api().name + " response"
	}
	msg := fmt.Sprintf("the server answered %d %s (%s); it is not Elasticsearch, or something in between changed the answer",
		a.status, what, a.bodyFacts())
	if a.version.text != "" && a.version.atLeast(v7_14) && !a.fromES && (a.hasCounters() || a.esErr != nil) {
		msg += fmt.Sprintf("; if the cluster runs a version before 7.14, which sends no such header, its configured version %s is wrong",
			a.version.text)
	}
	return newError(KindUnavailable, a.status, msg)
}

// describe renders an Elasticsearch error body: status, type, reason and the bounded cause chain.
func (a *answer) describe() string {
	var b strings.Builder
	if a.trusted() {
		fmt.Fprintf(&b, "Elasticsearch answered %d", a.status)
	} else {
		fmt.Fprintf(&b, "the server answered %d without the X-Elastic-Product header", a.status)
	}
	if a.esErr.Type != "" {
		fmt.Fprintf(&b, " (%s)", a.esErr.Type)
	}
	if a.esErr.Reason != "" {
		b.WriteString(": " + a.esErr.Reason)
	}
	for c := a.esErr.CausedBy; c != nil; c = c.CausedBy {
		b.WriteString("; caused by " + c.text())
	}
	return b.String()
}

// text is "type: reason", or whichever of the two is set.
func (c *ErrorCause) text() string {
	switch {
	case c.Type == "":
		return c.Reason
	case c.Reason == "":
		return c.Type
	default:
		return c.Type + ": " + c.Reason
	}
}

// bodyFacts describes a body by size and content type only, never by content.
func (a *answer) bodyFacts() string {
	size := fmt.Sprintf("%d bytes", a.size)
	if a.size > MaxBodyBytes {
		size = fmt.Sprintf("more than %d bytes", MaxBodyBytes)
	}
	contentType := a.contentType
	if contentType == "" {
		contentType = "none"
	}
	return size + ", content-type " + contentType
}

func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return msg + "; " + hint
}
