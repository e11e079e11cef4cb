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
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// APIKeyIDPattern is the pattern of an API key id in spec.ids, the same as the CRD's: no
// whitespace, and none of the control or bidirectional formatting characters of UnsafeTextPattern,
// since ids are shown in messages, in kubectl and in the audit log. Elasticsearch's own ids are 20
// URL-safe base64 characters.
const APIKeyIDPattern = `^[^\s\p{Cc}\x{061C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]+$`

// Bounds of spec.ids, the same as the CRD's markers.
const (
	maxAPIKeyIDs      = 1000
	maxAPIKeyIDLength = 256
)

var apiKeyIDRegexp = regexp.MustCompile(APIKeyIDPattern)

// ValidateApiKeySpec checks an ApiKeyRevocationSpec against Elasticsearch's rules for the
// invalidate API key request, the same rules the CRD's CEL validations enforce, and returns every
// violation with the field it concerns. Elasticsearch's rules (InvalidateApiKeyRequest's
// validation, 7.x to 9.x; its messages are quoted):
//   - one of ids, name, username or realm_name must be given unless owner is true ("One of [api key
//     id(s), api key name, username, realm name] must be specified if [owner] flag is false");
//   - ids or name exclude username and realm_name ("username or realm name must not be specified
//     when the api key id(s) or api key name are specified");
//   - owner excludes username and realm_name ("neither username nor realm-name may be specified
//     when invalidating owned API keys");
//   - ids and name exclude each other ("only one of [api key id(s), api key name] can be specified");
//   - ids must not be empty, nor hold a blank id.
//
// encodedKeySecretRef stands for the one id it holds, and is kept alone so that a leaked key's
// revocation says exactly what it revokes.
func ValidateApiKeySpec(spec *ApiKeyRevocationSpec, path *field.Path) field.ErrorList {
	return slices.Concat(
		validateAPIKeyIDs(spec.IDs, path.Child("ids")),
		validateText(spec.Name, path.Child("name"), maxNameLength, false),
		validateText(spec.RealmName, path.Child("realmName"), maxNameLength, false),
		validateText(spec.Username, path.Child("username"), maxNameLength, false),
		validateText(spec.Reason, path.Child("reason"), maxReasonLength, true),
		validatePrintable(spec.Name, path.Child("name")),
		validatePrintable(spec.RealmName, path.Child("realmName")),
		validatePrintable(spec.Username, path.Child("username")),
		validatePrintable(spec.Reason, path.Child("reason")),
		validateSecretKeySelector(spec.EncodedKeySecretRef, path.Child("encodedKeySecretRef")),
		validateAPIKeyCombination(spec, path),
		validateElasticsearchRef(spec.ElasticsearchRef, path.Child("elasticsearchRef")),
	)
}

// validateAPIKeyIDs checks spec.ids: not empty when given, at most maxAPIKeyIDs distinct ids,
// each bounded and free of whitespace, control and bidirectional formatting characters.
func validateAPIKeyIDs(ids []string, path *field.Path) field.ErrorList {
	if ids == nil {
		return nil
	}
	var errs field.ErrorList
	switch {
	case len(ids) == 0:
		errs = append(errs, field.Required(path, "ids must not be an empty list: omit it, or name at least one id"))
	case len(ids) > maxAPIKeyIDs:
		errs = append(errs, field.TooMany(path, len(ids), maxAPIKeyIDs))
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		switch {
		case id == "":
			errs = append(errs, field.Required(path.Index(i), "an id must not be blank"))
		case utf8.RuneCountInString(id) > maxAPIKeyIDLength:
			errs = append(errs, field.TooLong(path.Index(i), "", maxAPIKeyIDLength))
		case !apiKeyIDRegexp.MatchString(id):
			errs = append(errs, field.Invalid(path.Index(i), "", fmt.Sprintf("an id must match %s (no whitespace, "+
				"control or bidirectional formatting characters)", APIKeyIDPattern)))
		case seen[id]:
			errs = append(errs, field.Duplicate(path.Index(i), id))
		}
		seen[id] = true
	}
	return errs
}

// validateAPIKeyCombination enforces which fields may be combined, in Elasticsearch's words.
func validateAPIKeyCombination(spec *ApiKeyRevocationSpec, path *field.Path) field.ErrorList {
	byIDOrName := spec.IDs != nil || spec.Name != nil
	byRealmOrUser := spec.RealmName != nil || spec.Username != nil
	owner := spec.Owner != nil && *spec.Owner

	var errs field.ErrorList
	if spec.EncodedKeySecretRef == nil && !byIDOrName && !byRealmOrUser && !owner {
		errs = append(errs, field.Required(path,
			"one of encodedKeySecretRef, ids, name, realmName or username must be set, or owner must be true"))
	}
	if spec.EncodedKeySecretRef != nil && (byIDOrName || byRealmOrUser || spec.Owner != nil) {
		errs = append(errs, field.Forbidden(path.Child("encodedKeySecretRef"),
			"encodedKeySecretRef names one key: it cannot be used with ids, name, realmName, username or owner"))
	}
	return append(errs, validateAPIKeySelectors(spec, path, byIDOrName, byRealmOrUser, owner)...)
}

// validateAPIKeySelectors enforces Elasticsearch's exclusions between ids, name, the realm and
// user, and owner.
func validateAPIKeySelectors(spec *ApiKeyRevocationSpec, path *field.Path, byIDOrName, byRealmOrUser, owner bool) field.ErrorList {
	var errs field.ErrorList
	if byIDOrName && byRealmOrUser {
		errs = append(errs, field.Forbidden(realmOrUserPath(spec, path), "realmName or username cannot be used with ids or name "+
			"(Elasticsearch: username or realm name must not be specified when the api key id(s) or api key name are specified)"))
	}
	if owner && byRealmOrUser {
		errs = append(errs, field.Forbidden(path.Child("owner"), "realmName or username cannot be used when owner is true "+
			"(Elasticsearch: neither username nor realm-name may be specified when invalidating owned API keys)"))
	}
	if spec.IDs != nil && spec.Name != nil {
		errs = append(errs, field.Forbidden(path.Child("name"), "only one of ids and name can be set"))
	}
	return errs
}

func realmOrUserPath(spec *ApiKeyRevocationSpec, path *field.Path) *field.Path {
	if spec.RealmName != nil {
		return path.Child("realmName")
	}
	return path.Child("username")
}
