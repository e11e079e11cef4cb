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
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// secretKind is a kind of leaked secret value a command revokes: its command (also the key it is
// stored under in its Secret, and a flag that would take it as an argument, refused), its name in
// messages, its help, and the revocation that refers to its Secret.
type secretKind struct {
	command string
	noun    string
	// spaces says a value may hold spaces: one line such as "Authorization: ApiKey <encoded>".
	spaces bool
	// list says the value is a list of tokens, one per line, kept as given for the operator to
	// parse, after the same checks (checkTokenList).
	list bool
	// check, when set, refuses a value the operator could not read, before anything is created;
	// source names where it was read from, for the message, which never quotes the value.
	check                func(value, source string) error
	short, long, example string
	// newRevocation returns an empty revocation, and how to point it at the Secret.
	newRevocation func() (revocation, func(ref *securityv1alpha1.SecretKeySelector))
}

// The names of the two token commands, which are also the keys of the Secrets they create and
// the flags that would take a secret as an argument (refused).
const (
	tokenName        = "token"
	refreshTokenName = "refresh-token"
)

var (
	accessToken = secretKind{command: tokenName, noun: "token",
		short:   "Revoke one token, read from standard input or a file",
		long:    fmt.Sprintf(tokenLong, "token", "`{\"token\": ...}`"),
		example: fmt.Sprintf(tokenExample, "token", tokenName),
		newRevocation: referredBy(func(spec *securityv1alpha1.TokenRevocationSpec, ref *securityv1alpha1.SecretKeySelector) {
			spec.TokenSecretRef = ref
		})}
	refreshToken = secretKind{command: refreshTokenName, noun: "refresh token",
		short:   "Revoke one refresh token, read from standard input or a file",
		long:    fmt.Sprintf(tokenLong, "refresh token", "`{\"refresh_token\": ...}`"),
		example: fmt.Sprintf(tokenExample, "refresh token", refreshTokenName),
		newRevocation: referredBy(func(spec *securityv1alpha1.TokenRevocationSpec, ref *securityv1alpha1.SecretKeySelector) {
			spec.RefreshTokenSecretRef = ref
		})}
)

const tokenLong = `Revoke one Elasticsearch %[1]s (Elasticsearch's invalidate-token API, %[2]s).

The %[1]s is read from standard input (on a terminal: a prompt that does not show it) or from
--from-file, never from an argument: arguments stay in shell history and are visible in process
lists. A value given as an argument is refused, and nothing is created.

The command creates a Secret holding the %[1]s, then a TokenRevocation referring to it, then
makes the Secret owned by the TokenRevocation, so that deleting the revocation deletes the Secret.
It waits for the operator and prints one line naming the %[1]s by its fingerprint.`

const tokenExample = `  # Paste the %[1]s at the prompt
  kubectl esrevoke %[2]s -n security --reason "INC-1234: %[1]s pasted into a CI log"

  # Read it from a file, or pipe it in
  kubectl esrevoke %[2]s --from-file=leaked.txt --reason "INC-1234"
  kubectl esrevoke %[2]s --reason "INC-1234" < leaked.txt

  # Validate against the cluster's admission rules without creating anything
  kubectl esrevoke %[2]s --from-file=leaked.txt --dry-run=server

  # Revoke on a cluster described by a connection Secret, and print the record as YAML
  kubectl esrevoke %[2]s --from-file=leaked.txt --elasticsearch secret/prod-es -o yaml`

// newSecretCommand builds the command of a kind of leaked secret: `token`, `refresh-token` or
// `api-key`. It reads the value, puts it in a Secret, and revokes it by reference.
func newSecretCommand(deps *dependencies, kind secretKind) *cobra.Command {
	opts := &revocationOptions{}
	var fromFile string
	cmd := &cobra.Command{
		Use:     kind.command + " " + kind.input() + " [--reason=TEXT] [--elasticsearch=secret/NAME|eck/NAME[.NAMESPACE]]",
		Short:   kind.short,
		Long:    kind.long,
		Example: kind.example,
		Args:    refuseSecretArguments(kind),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			value, err := readSecret(deps.streams.In, deps.streams.ErrOut, fromFile, kind)
			if err != nil {
				return err
			}
			return runRevocation(cmd, deps, opts, func(namespace string) *newRevocation {
				return secretRevocation(namespace, kind, value)
			})
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVarP(&fromFile, "from-file", "f", "", "Read the "+kind.noun+" from this file (\"-\": standard input).")

	return cmd
}

// referredBy is the newRevocation of a kind revoked by a TokenRevocation: refer sets the field of
// its spec that refers to the Secret.
func referredBy(
	refer func(*securityv1alpha1.TokenRevocationSpec, *securityv1alpha1.SecretKeySelector),
) func() (revocation, func(*securityv1alpha1.SecretKeySelector)) {
	return func() (revocation, func(*securityv1alpha1.SecretKeySelector)) {
		rev := &securityv1alpha1.TokenRevocation{}
		return rev, func(ref *securityv1alpha1.SecretKeySelector) { refer(&rev.Spec, ref) }
	}
}

// input is how the command's usage says the value is given: a list comes from a file or a pipe,
// never from a terminal, where it would be echoed.
func (kind secretKind) input() string {
	if kind.list {
		return "(--from-file=PATH | < PATH)"
	}
	return "[--from-file=PATH]"
}

// secretRevocation is the Secret holding value, under the key kind.command, and the revocation
// that will refer to it.
func secretRevocation(namespace string, kind secretKind, value string) *newRevocation {
	secret := &corev1.Secret{
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{kind.command: []byte(value)},
	}
	secret.Namespace = namespace
	secret.Labels = map[string]string{managedByLabel: managedBy}
	rev, refer := kind.newRevocation()
	rev.SetNamespace(namespace)
	return &newRevocation{
		revocation: rev,
		secret:     secret,
		noun:       kind.noun,
		refer: func(secretName string) {
			refer(&securityv1alpha1.SecretKeySelector{Name: secretName, Key: kind.command})
		},
		prefix: kind.command + "-",
	}
}
