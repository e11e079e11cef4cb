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
	"encoding/json"
	"fmt"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// +kubebuilder:webhook:path=/mutate-security-esrevoke-io-v1alpha1-tokenrevocation,mutating=true,failurePolicy=fail,sideEffects=None,groups=security.esrevoke.io,resources=tokenrevocations,verbs=create;update,versions=v1alpha1,name=mtokenrevocation.security.esrevoke.io,admissionReviewVersions=v1,reinvocationPolicy=Never
// +kubebuilder:webhook:path=/mutate-security-esrevoke-io-v1alpha1-apikeyrevocation,mutating=true,failurePolicy=fail,sideEffects=None,groups=security.esrevoke.io,resources=apikeyrevocations,verbs=create;update,versions=v1alpha1,name=mapikeyrevocation.security.esrevoke.io,admissionReviewVersions=v1,reinvocationPolicy=Never

// AdmissionSigner signs what the webhook admitted; the installation key implements it.
// +kubebuilder:object:generate=false
type AdmissionSigner interface {
	// Sign returns the signature of a revocation in namespace, created by requester, with the
	// spec's SignedBytes.
	Sign(namespace, requester string, spec []byte) string
}

// SecretAccessReviewer tells whether a user may get a Secret, as the API server's authorizer
// would answer (a SubjectAccessReview).
// +kubebuilder:object:generate=false
type SecretAccessReviewer interface {
	// MayGetSecret reports whether user may get the Secret namespace/name.
	MayGetSecret(ctx context.Context, user authenticationv1.UserInfo, namespace, name string) (bool, error)
}

// Requester is the mutating admission webhook of every revocation kind. On creation it refuses a
// revocation that names a Secret its creator may not get (so that the operator, which may read
// every Secret, never reads one on behalf of someone who may not), then records the creator in
// RequesterAnnotation and signs the result in AdmissionSignatureAnnotation. On update it puts both
// annotations back as they were, so that nobody can forge or remove them.
// +kubebuilder:object:generate=false
type Requester[T Revocation] struct {
	// Signer signs admitted revocations.
	Signer AdmissionSigner
	// Access answers whether the creator may get a Secret.
	Access SecretAccessReviewer
}

// TokenRevocationRequester is the mutating admission webhook of TokenRevocations.
type TokenRevocationRequester = Requester[*TokenRevocation]

// ApiKeyRevocationRequester is the mutating admission webhook of ApiKeyRevocations.
type ApiKeyRevocationRequester = Requester[*ApiKeyRevocation]

var (
	_ admission.Defaulter[*TokenRevocation]  = &TokenRevocationRequester{}
	_ admission.Defaulter[*ApiKeyRevocation] = &ApiKeyRevocationRequester{}
)

// Default records and checks the requester of a new revocation, and keeps the record of an existing one.
func (m *Requester[T]) Default(ctx context.Context, obj T) error {
	req, err := admission.RequestFromContext(ctx)
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("reading the admission request: %w", err))
	}
	switch req.Operation {
	case admissionv1.Create:
		return m.admit(ctx, req, obj)
	case admissionv1.Update:
		return keepRequester(req, obj)
	}
	return nil
}

// admit checks the creator's access to every Secret the revocation names, then records and signs.
func (m *Requester[T]) admit(ctx context.Context, req admission.Request, obj T) error {
	user := req.UserInfo
	var denied []string
	obj.SetNamespace(req.Namespace)
	for _, use := range obj.SecretsRead() {
		allowed, err := m.Access.MayGetSecret(ctx, user, use.Namespace, use.Name)
		if err != nil {
			return apierrors.NewInternalError(fmt.Errorf("checking whether %q may get %s: %w", user.Username, use, err))
		}
		if !allowed {
			denied = append(denied, use.String())
		}
	}
	if len(denied) > 0 {
		// The same words whether or not the Secrets exist: this reveals nothing the user did not write.
		return apierrors.NewForbidden(schema.GroupResource{Group: req.Resource.Group, Resource: req.Resource.Resource}, req.Name,
			fmt.Errorf("user %q may not get %s: a revocation may only use Secrets its creator may read",
				user.Username, strings.Join(denied, ", ")))
	}
	setAnnotation(obj, RequesterAnnotation, user.Username)
	setAnnotation(obj, AdmissionSignatureAnnotation, m.Signer.Sign(req.Namespace, user.Username, obj.SignedBytes()))
	return nil
}

// requesterAnnotations are the annotations only admission writes.
var requesterAnnotations = []string{RequesterAnnotation, AdmissionSignatureAnnotation}

// keepRequester puts the requester annotations of the stored object back on an update.
func keepRequester(req admission.Request, obj metav1.Object) error {
	var old metav1.PartialObjectMetadata
	if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
		return apierrors.NewBadRequest(fmt.Sprintf("decoding the stored revocation: %v", err))
	}
	for _, key := range requesterAnnotations {
		if value, ok := old.Annotations[key]; ok {
			setAnnotation(obj, key, value)
		} else {
			annotations := obj.GetAnnotations()
			delete(annotations, key)
			obj.SetAnnotations(annotations)
		}
	}
	return nil
}

func setAnnotation(obj metav1.Object, key, value string) {
	annotations := obj.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[key] = value
	obj.SetAnnotations(annotations)
}
