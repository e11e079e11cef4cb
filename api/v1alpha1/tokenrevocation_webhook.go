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
	"fmt"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// +kubebuilder:webhook:path=/validate-security-esrevoke-io-v1alpha1-tokenrevocation,mutating=false,failurePolicy=fail,sideEffects=None,groups=security.esrevoke.io,resources=tokenrevocations,verbs=create;update,versions=v1alpha1,name=vtokenrevocation.security.esrevoke.io,admissionReviewVersions=v1

// TokenRevocationValidator is the validating admission webhook of TokenRevocations. It enforces
// Elasticsearch's rules for the invalidate-token request, keeps the spec immutable, and warns
// about revocations that store tokens in plain text or log out a whole realm.
type TokenRevocationValidator struct {
	// ForbidInlineTokens rejects spec.token and spec.refreshToken: a cluster policy that tokens
	// must come from Secrets, so that no token is ever stored in a TokenRevocation.
	ForbidInlineTokens bool
}

var _ admission.Validator[*TokenRevocation] = &TokenRevocationValidator{}

// SetupTokenRevocationWebhookWithManager registers the TokenRevocation webhooks with the manager:
// the mutating one that checks and records the requester, and the validating one.
func SetupTokenRevocationWebhookWithManager(mgr ctrl.Manager, requester *TokenRevocationRequester,
	validator *TokenRevocationValidator) error {
	return ctrl.NewWebhookManagedBy(mgr, &TokenRevocation{}).
		WithDefaulter(requester).
		WithValidator(validator).
		Complete()
}

// ValidateCreate checks a new TokenRevocation's spec and returns warnings about risky but valid specs.
func (v *TokenRevocationValidator) ValidateCreate(_ context.Context, obj *TokenRevocation) (admission.Warnings, error) {
	errs := ValidateSpec(&obj.Spec, field.NewPath("spec"))
	if v.ForbidInlineTokens {
		errs = append(errs, forbidInline(&obj.Spec, field.NewPath("spec"))...)
	}
	if len(errs) > 0 {
		return nil, invalid(obj, errs)
	}
	return warningsFor(&obj.Spec), nil
}

// ValidateUpdate rejects any change to the spec, and to the requester annotations admission
// wrote: a revocation is the record of an act.
func (v *TokenRevocationValidator) ValidateUpdate(_ context.Context, oldObj, newObj *TokenRevocation) (admission.Warnings, error) {
	return nil, validateUnchanged("TokenRevocation", oldObj, newObj, apiequality.Semantic.DeepEqual(oldObj.Spec, newObj.Spec))
}

// ValidateDelete allows every deletion: deleting a TokenRevocation does not undo a revocation.
func (v *TokenRevocationValidator) ValidateDelete(_ context.Context, _ *TokenRevocation) (admission.Warnings, error) {
	return nil, nil
}

// forbidInline rejects inline tokens, under the ForbidInlineTokens policy.
func forbidInline(spec *TokenRevocationSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.Token != nil {
		errs = append(errs, field.Forbidden(path.Child("token"),
			"inline tokens are forbidden on this cluster (--forbid-inline-tokens): use spec.tokenSecretRef"))
	}
	if spec.RefreshToken != nil {
		errs = append(errs, field.Forbidden(path.Child("refreshToken"),
			"inline refresh tokens are forbidden on this cluster (--forbid-inline-tokens): use spec.refreshTokenSecretRef"))
	}
	return errs
}

func invalid(obj *TokenRevocation, errs field.ErrorList) error {
	return apierrors.NewInvalid(GroupVersion.WithKind("TokenRevocation").GroupKind(), obj.Name, errs)
}

// validateUnchanged refuses an update of a revocation of the kind that changes its spec, or the
// requester annotations admission wrote. Updates that leave those alone (labels, other
// annotations, status) are always allowed, so objects created under older rules stay editable.
func validateUnchanged(kind string, oldObj, newObj Revocation, specUnchanged bool) error {
	var errs field.ErrorList
	if !specUnchanged {
		errs = append(errs, field.Forbidden(field.NewPath("spec"), "spec is immutable: create a new "+kind))
	}
	for _, key := range requesterAnnotations {
		if oldObj.GetAnnotations()[key] != newObj.GetAnnotations()[key] {
			errs = append(errs, field.Forbidden(field.NewPath("metadata", "annotations").Key(key),
				"is written by the operator's admission webhook and cannot be changed"))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(GroupVersion.WithKind(kind).GroupKind(), newObj.GetName(), errs)
}

// warningsFor returns the admission warnings of a valid spec.
func warningsFor(spec *TokenRevocationSpec) admission.Warnings {
	var warnings admission.Warnings
	if spec.Token != nil {
		warnings = append(warnings, "spec.token is stored in plain text and readable by anyone who can read "+
			"this TokenRevocation: prefer spec.tokenSecretRef")
	}
	if spec.RefreshToken != nil {
		warnings = append(warnings, "spec.refreshToken is stored in plain text and readable by anyone who can read "+
			"this TokenRevocation: prefer spec.refreshTokenSecretRef")
	}
	if spec.RealmName != nil && spec.Username == nil {
		warnings = append(warnings, fmt.Sprintf("spec.realmName without spec.username invalidates the tokens of "+
			"every user of realm %q: every session of that realm will have to log in again", *spec.RealmName))
	}
	return warnings
}
