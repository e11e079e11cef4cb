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
	"strings"

	"github.com/spf13/cobra"
)

// runRevocation is the common path of the revocation commands: build the revocation in the
// session's namespace, apply the common flags, create it, and follow it to its outcome.
func runRevocation(cmd *cobra.Command, deps *dependencies, opts *revocationOptions, build func(namespace string) *newRevocation) error {
	s, err := deps.session()
	if err != nil {
		return err
	}
	n := build(s.namespace)
	if err := opts.apply(n.revocation); err != nil {
		return err
	}
	n.setName(opts.name)
	if opts.reason == "" {
		s.warnf("no --reason given: say why (an incident number, what leaked) for the audit trail; it is kept " +
			"in the revocation, its events and the operator's logs")
	}
	if err := s.create(cmd.Context(), n, opts.serverDryRun()); err != nil {
		return err
	}
	return s.follow(cmd.Context(), n.revocation, &opts.runOptions)
}

// maxPrefixName bounds the part of a generated name taken from a user or realm name, leaving
// room for the kind and the API server's five random characters.
const maxPrefixName = 40

// namePrefix is a prefix for generated names, kind ("user", "realm", "api-keys-user"...) and a
// dash followed by what the name can keep of an Elasticsearch user, realm or key name: lower case
// letters, digits and dashes.
func namePrefix(kind, name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= maxPrefixName {
			break
		}
	}
	kept := strings.Trim(b.String(), "-")
	if kept == "" {
		return kind + "-"
	}
	return kind + "-" + kept + "-"
}
