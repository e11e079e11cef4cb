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

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
Failed one is never sent to Elasticsearch again, so retry creates a new TokenRevocation with the
same spec, labelled ` + retryOfLabel + `=<the first revocation>, and follows it like the other
commands do. A token's Secret is shared: the new revocation becomes one more owner of it.

Only a Failed revocation can be retried: a Revoked one is done, and the operator retries a
Pending or Revoking one itself.`

const retryExample = `  # Retry a revocation that failed (for example after fixing the connection Secret)
  kubectl esrevoke retry token-x7k2p -n security

  # Every attempt of it
  kubectl get tokenrevocations -n security -l ` + retryOfLabel + `=token-x7k2p`

// newRetryCommand builds `retry NAME`.
func newRetryCommand(deps *dependencies) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:     "retry NAME",
		Short:   "Retry a Failed revocation with a new one of the same spec",
		Long:    retryLong,
		Example: retryExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			s, err := deps.session()
			if err != nil {
				return err
			}
			failed := &securityv1alpha1.TokenRevocation{}
			if err := s.client.Get(cmd.Context(), client.ObjectKey{Namespace: s.namespace, Name: args[0]}, failed); err != nil {
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

// retryable refuses revocations that are not Failed, saying why.
func retryable(rev *securityv1alpha1.TokenRevocation) error {
	switch rev.Status.Phase {
	case securityv1alpha1.PhaseFailed:
		return nil
	case securityv1alpha1.PhaseRevoked:
		return fmt.Errorf("tokenrevocation %s is Revoked: there is nothing to retry", rev.Name)
	default:
		return fmt.Errorf("tokenrevocation %s is %s, not Failed: the operator retries it itself "+
			"(kubectl describe tokenrevocation %s -n %s says what it waits for)", rev.Name, phaseOrPending(rev), rev.Name, rev.Namespace)
	}
}

// retryOf is a new revocation with the spec of failed, linked to the first of its chain.
func retryOf(failed *securityv1alpha1.TokenRevocation) *securityv1alpha1.TokenRevocation {
	first := failed.Name
	if label, ok := failed.Labels[retryOfLabel]; ok {
		first = label
	}
	retry := &securityv1alpha1.TokenRevocation{Spec: *failed.Spec.DeepCopy()}
	retry.Namespace = failed.Namespace
	prefix := first
	if len(prefix) > maxRetryPrefix {
		prefix = prefix[:maxRetryPrefix]
	}
	retry.GenerateName = prefix + "-retry-"
	retry.Annotations = map[string]string{retriedFromAnnotation: failed.Name}
	if len(validation.IsValidLabelValue(first)) == 0 {
		retry.Labels = map[string]string{retryOfLabel: first}
	}
	return retry
}

// shareSecret makes retry one more owner of the token's Secret when the plugin made that Secret
// for a revocation of the chain (it is owned by one): deleting the first revocation then leaves
// the Secret to the retry. A Secret nobody owns is the responder's, and stays so.
func (s *session) shareSecret(ctx context.Context, failed, retry *securityv1alpha1.TokenRevocation) {
	ref := failed.Spec.TokenSecretRef
	if ref == nil {
		ref = failed.Spec.RefreshTokenSecretRef
	}
	if ref == nil {
		return
	}
	secret := &corev1.Secret{}
	if err := s.client.Get(ctx, client.ObjectKey{Namespace: failed.Namespace, Name: ref.Name}, secret); err != nil {
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
		APIVersion: securityv1alpha1.GroupVersion.String(), Kind: tokenRevocationKind, Name: retry.Name, UID: retry.UID,
	})
	if err := s.client.Patch(ctx, secret, patch); err != nil {
		s.warnf("could not make the retry an owner of Secret %s: it will be deleted with %s: %v", ref.Name, failed.Name, err)
	}
}

func ownedByRevocation(secret *corev1.Secret) bool {
	for _, owner := range secret.OwnerReferences {
		if owner.Kind == tokenRevocationKind && owner.APIVersion == securityv1alpha1.GroupVersion.String() {
			return true
		}
	}
	return false
}
