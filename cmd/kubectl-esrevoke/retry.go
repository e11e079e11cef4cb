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
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

const (
	// retryOfLabel links a retry to the first revocation of its chain, so that
	// `kubectl get tokrev -l security.esrevoke.io/retry-of=NAME` lists every retry of NAME.
	retryOfLabel = "security.esrevoke.io/retry-of"
	// retriedFromAnnotation names the revocation a retry was made from (the previous retry, or the first).
	retriedFromAnnotation = "security.esrevoke.io/retried-from"
	// maxRetryPrefix bounds the original's name in a retry's generated name.
	maxRetryPrefix = 200
)

const retryLong = `Retry a Failed revocation. A revocation's spec is immutable (it is the record of an act), and a
Failed one is never sent to Elasticsearch again, so retry creates a new revocation of the same
kind with the same spec, labelled ` + retryOfLabel + `=<the first revocation>, and follows it like
the other commands do. A token's or API key's Secret is shared: the new revocation becomes one
more owner of it.

NAME is looked up among the TokenRevocations and the ApiKeyRevocations of the namespace. When both
kinds have a revocation of that name, say which one as KIND/NAME, where KIND is tokenrevocation
(tokrev) or apikeyrevocation (akrev), as kubectl names them.

Only a Failed revocation can be retried: a Revoked one is done, and the operator retries a
Pending or Revoking one itself.`

const retryExample = `  # Retry a revocation that failed (for example after fixing the connection Secret)
  kubectl esrevoke retry token-x7k2p -n security

  # Retry the ApiKeyRevocation of that name, when a TokenRevocation has it too
  kubectl esrevoke retry akrev/leak-42 -n security

  # Every attempt of it
  kubectl get tokenrevocations -n security -l ` + retryOfLabel + `=token-x7k2p`

// newRetryCommand builds `retry [KIND/]NAME`.
func newRetryCommand(deps *dependencies) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:     "retry [KIND/]NAME",
		Short:   "Retry a Failed revocation with a new one of the same spec",
		Long:    retryLong,
		Example: retryExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			kinds, name, err := parseRevocationName(args[0])
			if err != nil {
				return err
			}
			s, err := deps.session()
			if err != nil {
				return err
			}
			failed, err := s.findRevocation(cmd.Context(), kinds, name)
			if err != nil {
				return err
			}
			if err := retryable(failed); err != nil {
				return err
			}
			retry := retryOf(failed)
			var createOpts []client.CreateOption
			if opts.serverDryRun() {
				createOpts = append(createOpts, client.DryRunAll)
			}
			if err := s.client.Create(cmd.Context(), retry, createOpts...); err != nil {
				return fmt.Errorf("creating the retry: %w", err)
			}
			if !opts.serverDryRun() {
				s.shareSecret(cmd.Context(), failed, retry)
			}
			return s.follow(cmd.Context(), retry, opts)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

// parseRevocationName reads retry's argument, NAME or KIND/NAME, into the kinds to look NAME up
// in. KIND is any name kubectl takes for the kind: tokenrevocation, tokenrevocations, tokrev, or
// the full tokenrevocation.security.esrevoke.io that `-o name` prints.
func parseRevocationName(arg string) ([]revocationKind, string, error) {
	prefix, name, qualified := strings.Cut(arg, "/")
	if !qualified {
		name = prefix
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return nil, "", fmt.Errorf("%q is not a revocation's name: %s", name, strings.Join(errs, "; "))
	}
	if !qualified {
		return revocationKinds, name, nil
	}
	resource := strings.TrimSuffix(strings.ToLower(prefix), "."+securityv1alpha1.GroupVersion.Group)
	for _, kind := range revocationKinds {
		if resource == kind.resource || resource == kind.resource+"s" || resource == kind.shortName {
			return []revocationKind{kind}, name, nil
		}
	}
	return nil, "", fmt.Errorf("%q is not a kind of revocation: use tokenrevocation/NAME (tokrev/NAME) or "+
		"apikeyrevocation/NAME (akrev/NAME)", prefix)
}

// findRevocation reads the revocation named name in the session's namespace, among kinds. A name
// that more than one kind holds is refused: retrying the wrong one would revoke something else.
func (s *session) findRevocation(ctx context.Context, kinds []revocationKind, name string) (revocation, error) {
	key := client.ObjectKey{Namespace: s.namespace, Name: name}
	var found []revocation
	var errs []error
	for _, kind := range kinds {
		rev := kind.newObject()
		switch err := s.client.Get(ctx, key, rev); {
		case err == nil:
			found = append(found, rev)
		case !apierrors.IsNotFound(err) && !meta.IsNoMatchError(err):
			errs = append(errs, err)
		}
	}
	switch {
	case len(found) > 1:
		return nil, fmt.Errorf("both a tokenrevocation and an apikeyrevocation are named %s in namespace %s: "+
			"say which to retry, as tokenrevocation/%s or apikeyrevocation/%s", name, s.namespace, name, name)
	case len(found) == 1:
		return found[0], nil
	case len(errs) > 0:
		return nil, errors.Join(errs...)
	}
	names := make([]string, len(kinds))
	for i, kind := range kinds {
		names[i] = kind.resource
	}
	return nil, fmt.Errorf("no %s named %s in namespace %s", strings.Join(names, " or "), name, s.namespace)
}

// retryable refuses revocations that are not Failed, saying why.
func retryable(rev revocation) error {
	resource := kindOf(rev).resource
	switch rev.GetProgress().Phase {
	case securityv1alpha1.PhaseFailed:
		return nil
	case securityv1alpha1.PhaseRevoked:
		return fmt.Errorf("%s %s is Revoked: there is nothing to retry", resource, rev.GetName())
	default:
		return fmt.Errorf("%s %s is %s, not Failed: the operator retries it itself "+
			"(kubectl describe %s %s -n %s says what it waits for)", resource, rev.GetName(), phaseOrPending(rev),
			resource, rev.GetName(), rev.GetNamespace())
	}
}

// retryOf is a new revocation of the kind and spec of failed, linked to the first of its chain.
func retryOf(failed revocation) revocation {
	first := failed.GetName()
	if label, ok := failed.GetLabels()[retryOfLabel]; ok {
		first = label
	}
	retry := withSpecOf(failed)
	retry.SetNamespace(failed.GetNamespace())
	prefix := first
	if len(prefix) > maxRetryPrefix {
		prefix = prefix[:maxRetryPrefix]
	}
	retry.SetGenerateName(prefix + "-retry-")
	retry.SetAnnotations(map[string]string{retriedFromAnnotation: failed.GetName()})
	if len(validation.IsValidLabelValue(first)) == 0 {
		retry.SetLabels(map[string]string{retryOfLabel: first})
	}
	return retry
}

// shareSecret makes retry one more owner of the token's or API key's Secret when the plugin made
// that Secret for a revocation of the chain (it is owned by one): deleting the first revocation
// then leaves the Secret to the retry. A Secret nobody owns is the responder's, and stays so.
func (s *session) shareSecret(ctx context.Context, failed, retry revocation) {
	ref := secretRef(failed)
	if ref == nil {
		return
	}
	secret := &corev1.Secret{}
	if err := s.client.Get(ctx, client.ObjectKey{Namespace: failed.GetNamespace(), Name: ref.Name}, secret); err != nil {
		if !apierrors.IsNotFound(err) {
			s.warnf("could not read Secret %s to share it with the retry: %v", ref.Name, err)
		}
		return
	}
	if !ownedByRevocation(secret) {
		return
	}
	patch := client.MergeFrom(secret.DeepCopy())
	secret.OwnerReferences = append(secret.OwnerReferences, metav1.OwnerReference{
		APIVersion: securityv1alpha1.GroupVersion.String(), Kind: kindOf(retry).kind, Name: retry.GetName(), UID: retry.GetUID(),
	})
	if err := s.client.Patch(ctx, secret, patch); err != nil {
		s.warnf("could not make the retry an owner of Secret %s: it will be deleted with %s: %v", ref.Name, failed.GetName(), err)
	}
}

// ownedByRevocation says a revocation of any kind owns secret.
func ownedByRevocation(secret *corev1.Secret) bool {
	for _, owner := range secret.OwnerReferences {
		if owner.APIVersion != securityv1alpha1.GroupVersion.String() {
			continue
		}
		for _, kind := range revocationKinds {
			if owner.Kind == kind.kind {
				return true
			}
		}
	}
	return false
}
