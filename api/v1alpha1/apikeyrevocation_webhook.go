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
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// +kubebuilder:webhook:path=/validate-security-esrevoke-io-v1alpha1-apikeyrevocation,mutating=false,failurePolicy=fail,sideEffects=None,groups=security.esrevoke.io,resources=apikeyrevocations,verbs=create;update,versions=v1alpha1,name=vapikeyrevocation.security.esrevoke.io,admissionReviewVersions=v1

// ApiKeyRevocationValidator is the validating admission webhook of ApiKeyRevocations. It enforces
// Elasticsearch's rules for the invalidate API key request, keeps the spec immutable, and warns
// about revocations that invalidate every key of a realm or of a user everywhere.
type ApiKeyRevocationValidator struct{}

var _ admission.Validator[*ApiKeyRevocation] = &ApiKeyRevocationValidator{}

// SetupApiKeyRevocationWebhookWithManager registers the ApiKeyRevocation webhooks with the
// manager: the mutating one that checks and records the requester, and the validating one.
func SetupApiKeyRevocationWebhookWithManager(mgr ctrl.Manager, requester *ApiKeyRevocationRequester,
	validator *ApiKeyRevocationValidator) error {
	return ctrl.NewWebhookManagedBy(mgr, &ApiKeyRevocation{}).
		WithDefaulter(requester).
		WithValidator(validator).
		Complete()
}

// ValidateCreate checks a new ApiKeyRevocation's spec and returns warnings about wide but valid specs.
func (v *ApiKeyRevocationValidator) ValidateCreate(_ context.Context, obj *ApiKeyRevocation) (admission.Warnings, error) {
	if errs := ValidateApiKeySpec(&obj.Spec, field.NewPath("spec")); len(errs) > 0 {
		return nil, apierrors.NewInvalid(GroupVersion.WithKind("ApiKeyRevocation").GroupKind(), obj.Name, errs)
	}
	return apiKeyWarnings(&obj.Spec), nil
}

// ValidateUpdate rejects any change to the spec, and to the requester annotations admission wrote.
func (v *ApiKeyRevocationValidator) ValidateUpdate(_ context.Context, oldObj, newObj *ApiKeyRevocation) (admission.Warnings, error) {
	return nil, validateUnchanged("ApiKeyRevocation", oldObj, newObj, apiequality.Semantic.DeepEqual(oldObj.Spec, newObj.Spec))
}

// ValidateDelete allows every deletion: deleting an ApiKeyRevocation does not undo a revocation.
func (v *ApiKeyRevocationValidator) ValidateDelete(_ context.Context, _ *ApiKeyRevocation) (admission.Warnings, error) {
	return nil, nil
}

// apiKeyWarnings returns the admission warnings of a valid spec: a realm or a user revoked
// without the other to narrow it, and owner alone.
func apiKeyWarnings(spec *ApiKeyRevocationSpec) admission.Warnings {
	var warnings admission.Warnings
	switch {
	case spec.RealmName != nil && spec.Username == nil:
		warnings = append(warnings, fmt.Sprintf("spec.realmName without spec.username invalidates the API keys of "+
			"every user of realm %q: every client using one will fail to authenticate", *spec.RealmName))
	case spec.Username != nil && spec.RealmName == nil:
		warnings = append(warnings, fmt.Sprintf("spec.username without spec.realmName invalidates the API keys of "+
			"user %q in every realm: add spec.realmName if the name is only compromised in one realm", *spec.Username))
	}
	if spec.Owner != nil && *spec.Owner && spec.IDs == nil && spec.Name == nil {
		warnings = append(warnings, "spec.owner alone invalidates every API key owned by the credentials the "+
			"operator calls Elasticsearch with")
	}
	for i, id := range spec.IDs {
		if looksLikeEncodedKey(id) {
			warnings = append(warnings, fmt.Sprintf("spec.ids[%d] looks like an encoded API key (base64 of id:api_key), "+
				"not an id: the key is now stored in plain text in this revocation; put a leaked key in a Secret and use "+
				"spec.encodedKeySecretRef, then delete this revocation", i))
		}
	}
	return warnings
}

// looksLikeEncodedKey reports whether an id decodes as base64 to "id:api_key", as a whole leaked
// key pasted where an id belongs does. Elasticsearch's ids are URL-safe base64 of 15 random bytes,
// which never decode to text with a colon between two printable words.
func looksLikeEncodedKey(id string) bool {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return false
	}
	keyID, secret, ok := strings.Cut(string(raw), ":")
	return ok && keyID != "" && secret != "" && utf8.ValidString(string(raw)) && strings.IndexFunc(string(raw), IsUnsafeRune) < 0
}
