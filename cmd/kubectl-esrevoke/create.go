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

package main

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

const (
	// managedByLabel and managedBy mark the Secrets the plugin creates.
	managedByLabel = "app.kubernetes.io/managed-by"
	managedBy      = "kubectl-esrevoke"
)

// newRevocation is a revocation to create, of either kind, and for a leaked token or API key, the
// Secret that holds it, which the revocation refers to and which it comes to own.
type newRevocation struct {
	revocation revocation
	// secret holds the token or API key; nil for revocations that select by user, realm, ids or name.
	secret *corev1.Secret
	// noun names what the Secret holds, for messages: "token", "API key".
	noun string
	// refer points the revocation's spec at the Secret once its name is known.
	refer func(secretName string)
	// prefix starts the names the API server generates, without --name.
	prefix string
}

// setName names the revocation (and its Secret) name, or, when name is empty, has the API
// server generate a name from the prefix.
func (n *newRevocation) setName(name string) {
	var obj client.Object = n.revocation
	if n.secret != nil {
		obj = n.secret // the revocation takes the Secret's name, chosen or generated
	}
	if name != "" {
		obj.SetName(name)
	} else {
		obj.SetGenerateName(n.prefix)
	}
}

// create creates the revocation, after its Secret if it has one, then makes the Secret owned by
// the revocation: the Secret exists before the revocation refers to it (so the revocation never
// waits for it), and goes away with it. If the revocation cannot be created, the Secret is deleted.
func (s *session) create(ctx context.Context, n *newRevocation, dryRun bool) error {
	var opts []client.CreateOption
	if dryRun {
		opts = append(opts, client.DryRunAll)
	}
	if n.secret == nil {
		return s.client.Create(ctx, n.revocation, opts...)
	}
	if err := s.client.Create(ctx, n.secret, opts...); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("a Secret named %q already exists in namespace %q: choose another --name "+
				"(the plugin never reuses a Secret); nothing was created", n.secret.Name, n.secret.Namespace)
		}
		return fmt.Errorf("creating the Secret for the %s: %w; nothing was created", n.noun, err)
	}
	n.revocation.SetName(n.secret.Name)
	n.refer(n.secret.Name)
	if err := s.client.Create(ctx, n.revocation, opts...); err != nil {
		if !dryRun {
			s.deleteSecret(ctx, n.secret, n.noun)
		}
		return fmt.Errorf("creating the %s: %w", kindOf(n.revocation).kind, err)
	}
	if dryRun {
		return nil
	}
	if err := s.ownSecret(ctx, n.secret, n.revocation); err != nil {
		s.warnf("Secret %s/%s is not owned by the revocation, so it will not be deleted with it: %v; "+
			"delete it yourself once the revocation is Revoked", n.secret.Namespace, n.secret.Name, err)
	}
	return nil
}

// ownSecret makes the revocation the Secret's controlling owner, so that deleting the revocation
// deletes the Secret (the garbage collector's foreground deletion waits for it: blockOwnerDeletion).
func (s *session) ownSecret(ctx context.Context, secret *corev1.Secret, rev revocation) error {
	patch := client.MergeFrom(secret.DeepCopy())
	if err := controllerutil.SetControllerReference(rev, secret, s.client.Scheme()); err != nil {
		return err
	}
	return s.client.Patch(ctx, secret, patch)
}

// deleteSecret removes a Secret whose revocation could not be created, even if ctx is done: the
// token or API key (noun) must not stay behind unowned.
func (s *session) deleteSecret(ctx context.Context, secret *corev1.Secret, noun string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.client.Delete(ctx, secret); err != nil && !apierrors.IsNotFound(err) {
		s.warnf("could not delete Secret %s/%s, which holds the %s: %v; delete it yourself "+
			"(kubectl delete secret %s -n %s)", secret.Namespace, secret.Name, noun, err, secret.Name, secret.Namespace)
	}
}
