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

package targets

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// secretReadTimeout bounds one GET of a Secret.
const secretReadTimeout = 30 * time.Second

// SecretValue reads one key of a Secret holding a credential to revoke. Surrounding whitespace,
// such as the newline `kubectl create secret --from-file` keeps, is dropped: tokens and encoded API
// keys never contain any. field names the spec field that refers to the Secret, for messages.
func (r *Resolver) SecretValue(ctx context.Context, namespace string, ref *securityv1alpha1.SecretKeySelector,
	field string) (string, error) {
	secret, err := r.readSecret(ctx, namespace, ref.Name, field+".name")
	if err != nil {
		return "", err
	}
	data, ok := secret.Data[ref.Key]
	if !ok {
		return "", Problemf(securityv1alpha1.ReasonSecretKeyNotFound, "Secret %s/%s (%s) has no key %q", namespace, ref.Name, field, ref.Key)
	}
	value := strings.TrimSpace(string(data))
	if value == "" {
		return "", Problemf(securityv1alpha1.ReasonSecretKeyNotFound, "key %q of Secret %s/%s (%s) is empty", ref.Key, namespace, ref.Name, field)
	}
	return value, nil
}

// readSecret reads a Secret straight from the API server: the operator may get Secrets, not list
// or watch them, so nothing about Secrets is cached.
func (r *Resolver) readSecret(ctx context.Context, namespace, name, field string) (*corev1.Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, secretReadTimeout)
	defer cancel()
	var secret corev1.Secret
	err := r.Reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &secret)
	switch {
	case apierrors.IsNotFound(err):
		return nil, Problemf(securityv1alpha1.ReasonSecretNotFound, "Secret %s/%s (%s) not found", namespace, name, field)
	case apierrors.IsForbidden(err):
		return nil, Problemf(securityv1alpha1.ReasonSecretNotFound, "the operator may not read Secret %s/%s (%s): %v", namespace, name, field, err)
	case err != nil:
		return nil, fmt.Errorf("reading Secret %s/%s: %w", namespace, name, err)
	}
	return &secret, nil
}
