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

package installation

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// SecretKey is the key of the installation Secret's data that holds the key material.
const SecretKey = "key"

// Load reads the installation key from its Secret, creating the Secret with a random key when it
// does not exist yet. Several replicas starting at once agree: the first create wins, and the
// others read what it wrote.
func Load(ctx context.Context, c client.Client, ref types.NamespacedName) (*Key, error) {
	key, err := read(ctx, c, ref)
	if !apierrors.IsNotFound(err) {
		return key, err
	}
	key, material, err := RandomKey()
	if err != nil {
		return nil, err
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: ref.Name, Namespace: ref.Namespace, Labels: map[string]string{
			"app.kubernetes.io/name": "token-revocation-operator", "app.kubernetes.io/component": "installation-key"}},
		Type:      corev1.SecretTypeOpaque,
		Immutable: new(true),
		Data:      map[string][]byte{SecretKey: material},
	}
	err = c.Create(ctx, secret)
	switch {
	case err == nil:
		return key, nil
	case apierrors.IsAlreadyExists(err):
		return read(ctx, c, ref)
	default:
		return nil, fmt.Errorf("creating the installation key Secret %s: %w", ref, err)
	}
}

func read(ctx context.Context, c client.Client, ref types.NamespacedName) (*Key, error) {
	var secret corev1.Secret
	if err := c.Get(ctx, ref, &secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, err
		}
		return nil, fmt.Errorf("reading the installation key Secret %s: %w", ref, err)
	}
	key, err := NewKey(secret.Data[SecretKey])
	if err != nil {
		return nil, fmt.Errorf("the installation key Secret %s is unusable (key %q): %w; delete it to have a new one made, "+
			"which changes every fingerprint", ref, SecretKey, err)
	}
	return key, nil
}
