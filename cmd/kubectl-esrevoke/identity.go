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
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

const userLong = `Revoke every active token of an Elasticsearch user: in every realm, or with --realm in one realm
(Elasticsearch's invalidate-token API, {"username": ...} with optional "realm_name"). Use it when
an account is compromised: each of its sessions has to log in again.

The command creates a TokenRevocation, waits for the operator and prints one line with the counts
Elasticsearch answered. An access token and its refresh token count as two.`

const userExample = `  # Log a compromised account out of every realm
  kubectl esrevoke user myuser -n security --reason "INC-1237: account myuser compromised"

  # Only its sessions from the SAML realm
  kubectl esrevoke user myuser --realm saml1 --reason "INC-1237"`

// newUserCommand builds `user USERNAME [--realm REALM]`.
func newUserCommand(deps *dependencies) *cobra.Command {
	opts := &revocationOptions{}
	var realm string
	cmd := &cobra.Command{
		Use:     "user USERNAME [--realm REALM] [--reason=TEXT]",
		Short:   "Revoke every token of a user, in every realm or in one",
		Long:    userLong,
		Example: userExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			username := args[0]
			rev := &securityv1alpha1.TokenRevocation{Spec: securityv1alpha1.TokenRevocationSpec{Username: &username}}
			if realm != "" {
				rev.Spec.RealmName = &realm
			}
			return runRevocation(cmd, deps, opts, func(namespace string) *newRevocation {
				return identityRevocation(rev, namespace, namePrefix("user", username))
			})
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&realm, "realm", "", "Only the user's tokens issued by this realm.")
	return cmd
}

const realmLong = `Revoke every active token of every user of an Elasticsearch realm (Elasticsearch's
invalidate-token API, {"realm_name": ...}). Every user of the realm has to log in again: use it
when the realm itself is compromised (a leaked identity-provider key, for example).

It asks for confirmation on standard input unless --yes is given (or --dry-run=server, which
creates nothing). Then it creates a TokenRevocation, waits for the operator and prints one line
with the counts Elasticsearch answered.`

const realmExample = `  # Log out every user of the SAML realm, after confirming
  kubectl esrevoke realm saml1 -n security --reason "INC-1240: IdP signing key leaked"

  # In a script: no question asked
  kubectl esrevoke realm saml1 --yes --reason "INC-1240" --timeout=5m`

// newRealmCommand builds `realm REALM`.
func newRealmCommand(deps *dependencies) *cobra.Command {
	opts := &revocationOptions{}
	var yes bool
	cmd := &cobra.Command{
		Use:     "realm REALM [--yes] [--reason=TEXT]",
		Short:   "Revoke every token of every user of a realm (asks for confirmation)",
		Long:    realmLong,
		Example: realmExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			realm := args[0]
			if !yes && !opts.serverDryRun() {
				if err := confirm(deps.streams.In, deps.streams.ErrOut,
					fmt.Sprintf("This logs out every user of realm %q on %s.", realm, describeRef(mustRef(opts)))); err != nil {
					return err
				}
			}
			rev := &securityv1alpha1.TokenRevocation{Spec: securityv1alpha1.TokenRevocationSpec{RealmName: &realm}}
			return runRevocation(cmd, deps, opts, func(namespace string) *newRevocation {
				return identityRevocation(rev, namespace, namePrefix("realm", realm))
			})
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "Do not ask for confirmation.")
	return cmd
}

// mustRef is the --elasticsearch reference of validated options.
func mustRef(opts *revocationOptions) *securityv1alpha1.ElasticsearchRef {
	ref, _ := parseElasticsearchRef(opts.elasticsearch)
	return ref
}

// identityRevocation is rev, a revocation without a Secret (of a user, a realm, ids or a name), in
// namespace.
func identityRevocation(rev revocation, namespace, prefix string) *newRevocation {
	rev.SetNamespace(namespace)
	return &newRevocation{revocation: rev, prefix: prefix}
}

// confirm asks on prompt and reads the answer from in: only "y" or "yes" goes on.
func confirm(in io.Reader, prompt io.Writer, what string) error {
	_, _ = fmt.Fprintf(prompt, "%s Continue? [y/N]: ", what)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && answer == "" {
		_, _ = fmt.Fprintln(prompt)
		return fmt.Errorf("no answer on standard input: nothing was created; give --yes to revoke without asking")
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return fmt.Errorf("not confirmed: nothing was created")
}
