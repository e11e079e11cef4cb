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

package v1alpha1

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The patterns below are the same as the CRD's (see the Pattern markers on the API types); a test
// keeps the two in step.
const (
	// DNSSubdomainPattern is the pattern of Secret and Elasticsearch names.
	DNSSubdomainPattern = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// DNSLabelPattern is the pattern of namespace names.
	DNSLabelPattern = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// SecretKeyPattern is the pattern of Secret data keys.
	SecretKeyPattern = `^[-._a-zA-Z0-9]+$`
)

// Length bounds of the API's strings in characters, the same as the CRD's MaxLength markers.
const (
	maxTokenLength     = 8192
	maxNameLength      = 1024
	maxReasonLength    = 1024
	maxSecretLength    = 253
	maxNamespaceLength = 63
)

var (
	dnsSubdomainRegexp = regexp.MustCompile(DNSSubdomainPattern)
	dnsLabelRegexp     = regexp.MustCompile(DNSLabelPattern)
	secretKeyRegexp    = regexp.MustCompile(SecretKeyPattern)
)

// ValidateSpec checks a TokenRevocationSpec against Elasticsearch's rules for the invalidate-token
// request, the same rules the CRD's CEL validations enforce, and returns every violation with the
// field it concerns.
func ValidateSpec(spec *TokenRevocationSpec, path *field.Path) field.ErrorList {
	return slices.Concat(
		validateText(spec.Token, path.Child("token"), maxTokenLength, false),
		validateText(spec.RefreshToken, path.Child("refreshToken"), maxTokenLength, false),
		validateText(spec.RealmName, path.Child("realmName"), maxNameLength, false),
		validateText(spec.Username, path.Child("username"), maxNameLength, false),
		validateText(spec.Reason, path.Child("reason"), maxReasonLength, true),
		validatePrintable(spec.RealmName, path.Child("realmName")),
		validatePrintable(spec.Username, path.Child("username")),
		validatePrintable(spec.Reason, path.Child("reason")),
		validateSecretKeySelector(spec.TokenSecretRef, path.Child("tokenSecretRef")),
		validateSecretKeySelector(spec.RefreshTokenSecretRef, path.Child("refreshTokenSecretRef")),
		validateSecretKeySelector(spec.TokenListSecretRef, path.Child("tokenListSecretRef")),
		validateSecretKeySelector(spec.RefreshTokenListSecretRef, path.Child("refreshTokenListSecretRef")),
		validateList(spec, path),
		validateInlineOrRef(spec, path),
		validateCombination(spec, path),
		validateElasticsearchRef(spec.ElasticsearchRef, path.Child("elasticsearchRef")),
	)
}

// validateInlineOrRef rejects a value given both inline and as a Secret reference.
func validateInlineOrRef(spec *TokenRevocationSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.Token != nil && spec.TokenSecretRef != nil {
		errs = append(errs, field.Forbidden(path.Child("tokenSecretRef"),
			"token and tokenSecretRef are mutually exclusive: give the token inline or in a Secret, not both"))
	}
	if spec.RefreshToken != nil && spec.RefreshTokenSecretRef != nil {
		errs = append(errs, field.Forbidden(path.Child("refreshTokenSecretRef"),
			"refreshToken and refreshTokenSecretRef are mutually exclusive: give the refresh token inline or in a Secret, not both"))
	}
	return errs
}

// validateCombination enforces which modes may be combined, in Elasticsearch's words.
func validateCombination(spec *TokenRevocationSpec, path *field.Path) field.ErrorList {
	hasToken := spec.Token != nil || spec.TokenSecretRef != nil
	hasRefresh := spec.RefreshToken != nil || spec.RefreshTokenSecretRef != nil
	hasRealmOrUser := spec.RealmName != nil || spec.Username != nil

	var errs field.ErrorList
	if !hasToken && !hasRefresh && !hasRealmOrUser && spec.TokenListSecretRef == nil && spec.RefreshTokenListSecretRef == nil {
		errs = append(errs, field.Required(path, "at least one of token, tokenSecretRef, refreshToken, refreshTokenSecretRef, "+
			"tokenListSecretRef, refreshTokenListSecretRef, realmName or username must be set"))
	}
	if hasToken && (hasRefresh || hasRealmOrUser) {
		errs = append(errs, field.Forbidden(tokenPath(spec, path),
			"token (or tokenSecretRef) cannot be used with refreshToken, refreshTokenSecretRef, realmName or username"))
	}
	if hasRefresh && hasRealmOrUser {
		errs = append(errs, field.Forbidden(refreshTokenPath(spec, path),
			"refreshToken (or refreshTokenSecretRef) cannot be used with realmName or username"))
	}
	return errs
}

// validateText checks an optional string: within its length bound and, unless blank is allowed,
// not empty or whitespace-only (Elasticsearch silently ignores such values).
func validateText(value *string, path *field.Path, maxLength int, blankAllowed bool) field.ErrorList {
	if value == nil {
		return nil
	}
	var errs field.ErrorList
	if utf8.RuneCountInString(*value) > maxLength {
		errs = append(errs, field.TooLong(path, "", maxLength))
	}
	if !blankAllowed && strings.TrimSpace(*value) == "" {
		errs = append(errs, field.Invalid(path, "", path.String()+" must not be empty or whitespace-only"))
	}
	return errs
}

// UnsafeTextPattern matches the characters that text shown to people must not contain: control
// characters (Unicode category Cc: newlines, tabs, ANSI escapes) and the bidirectional formatting
// characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that can make a terminal show
// text in another order than it is stored (CVE-2021-42574, "Trojan Source"). It is RE2 syntax,
// the same in Go and in the CRD's CEL rules.
const UnsafeTextPattern = `[\p{Cc}\x{061C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]`

var unsafeTextRegexp = regexp.MustCompile(UnsafeTextPattern)

// IsUnsafeRune reports whether r is one of the characters UnsafeTextPattern matches.
func IsUnsafeRune(r rune) bool {
	return unsafeTextRegexp.MatchString(string(r))
}

// validatePrintable refuses text that would reach terminals (kubectl get, kubectl describe, the
// operator's events and logs) with control or bidirectional formatting characters.
func validatePrintable(value *string, path *field.Path) field.ErrorList {
	if value == nil {
		return nil
	}
	if loc := unsafeTextRegexp.FindStringIndex(*value); loc != nil {
		r, _ := utf8.DecodeRuneInString((*value)[loc[0]:])
		return field.ErrorList{field.Invalid(path, "", fmt.Sprintf("%s must not contain control or bidirectional "+
			"formatting characters (found %U at byte %d)", path, r, loc[0]))}
	}
	return nil
}

func validateSecretKeySelector(ref *SecretKeySelector, path *field.Path) field.ErrorList {
	if ref == nil {
		return nil
	}
	return slices.Concat(
		validateName(ref.Name, path.Child("name"), dnsSubdomainRegexp, maxSecretLength),
		validateName(ref.Key, path.Child("key"), secretKeyRegexp, maxSecretLength),
	)
}

func validateElasticsearchRef(ref *ElasticsearchRef, path *field.Path) field.ErrorList {
	if ref == nil {
		return nil
	}
	errs := make(field.ErrorList, 0, 2)
	if ref.SecretName == nil && ref.Name == nil {
		errs = append(errs, field.Required(path,
			"elasticsearchRef needs secretName or name; omit elasticsearchRef to use the operator's default Elasticsearch"))
	}
	if ref.Namespace != nil && ref.Name == nil {
		errs = append(errs, field.Forbidden(path.Child("namespace"),
			"elasticsearchRef.namespace can only be used with elasticsearchRef.name"))
	}
	if ref.SecretName != nil {
		errs = append(errs, validateName(*ref.SecretName, path.Child("secretName"), dnsSubdomainRegexp, maxSecretLength)...)
	}
	if ref.Name != nil {
		errs = append(errs, validateName(*ref.Name, path.Child("name"), dnsSubdomainRegexp, maxSecretLength)...)
	}
	if ref.Namespace != nil {
		errs = append(errs, validateName(*ref.Namespace, path.Child("namespace"), dnsLabelRegexp, maxNamespaceLength)...)
	}
	return errs
}

// validateName checks a Kubernetes name or key: non-empty, bounded, and matching its pattern.
// Names are not secret, so they may be echoed back.
func validateName(value string, path *field.Path, pattern *regexp.Regexp, maxLength int) field.ErrorList {
	switch {
	case value == "":
		return field.ErrorList{field.Required(path, "")}
	case utf8.RuneCountInString(value) > maxLength:
		return field.ErrorList{field.TooLong(path, "", maxLength)}
	case !pattern.MatchString(value):
		return field.ErrorList{field.Invalid(path, value, "must match "+pattern.String())}
	}
	return nil
}

// validateList keeps a token list alone: it names every token the revocation revokes.
func validateList(spec *TokenRevocationSpec, path *field.Path) field.ErrorList {
	selectors := []bool{spec.Token != nil, spec.TokenSecretRef != nil, spec.RefreshToken != nil,
		spec.RefreshTokenSecretRef != nil, spec.TokenListSecretRef != nil, spec.RefreshTokenListSecretRef != nil,
		spec.RealmName != nil, spec.Username != nil}
	set := 0
	for _, isSet := range selectors {
		if isSet {
			set++
		}
	}
	var errs field.ErrorList
	if spec.TokenListSecretRef != nil && set > 1 {
		errs = append(errs, field.Forbidden(path.Child("tokenListSecretRef"),
			"tokenListSecretRef cannot be used with any other field naming what to revoke"))
	}
	if spec.RefreshTokenListSecretRef != nil && set > 1 {
		errs = append(errs, field.Forbidden(path.Child("refreshTokenListSecretRef"),
			"refreshTokenListSecretRef cannot be used with any other field naming what to revoke"))
	}
	return errs
}

func tokenPath(spec *TokenRevocationSpec, path *field.Path) *field.Path {
	if spec.Token != nil {
		return path.Child("token")
	}
	return path.Child("tokenSecretRef")
}

func refreshTokenPath(spec *TokenRevocationSpec, path *field.Path) *field.Path {
	if spec.RefreshToken != nil {
		return path.Child("refreshToken")
	}
	return path.Child("refreshTokenSecretRef")
}
