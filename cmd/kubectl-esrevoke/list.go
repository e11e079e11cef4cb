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
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/printers"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

const listLong = `List the revocations of every namespace (or of the namespace given with -n) in one table, oldest
first: TokenRevocations and ApiKeyRevocations side by side, each named KIND/NAME, with what it
revokes (tokens by their fingerprints, a leaked API key by its id, a list of tokens by the
list's fingerprint, with how many it lists and how many Elasticsearch did not know), where, its
phase (with, for a list still being revoked, how many of its tokens are processed) and counts (of
tokens or of API keys, as its kind counts), and totals by phase and by what was invalidated.
kubectl get tokenrevocations,apikeyrevocations gives the same objects one namespace at a time.`

const listExample = `  # Every revocation in the cluster
  kubectl esrevoke list

  # Those of one namespace
  kubectl esrevoke list -n security`

// row is one revocation in the list, whatever its kind.
type row struct {
	kind, namespace, name string
	// counted is what the counts count: "token", "API key".
	counted string
	phase   string
	// progress follows the phase of a list being revoked: " 12/39", tokens processed of listed.
	progress     string
	what, target string
	invalidated  *int64
	previously   *int64
	errors       *int64
	created      time.Time
	reason       string
}

// newListCommand builds `list`.
func newListCommand(deps *dependencies) *cobra.Command {
	return &cobra.Command{
		Use:     "list [-n NAMESPACE]",
		Short:   "Summarize the revocations of every namespace",
		Long:    listLong,
		Example: listExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := deps.session()
			if err != nil {
				return err
			}
			var opts []client.ListOption
			if s.namespaceGiven {
				opts = append(opts, client.InNamespace(s.namespace))
			}
			var rows []row
			for _, kind := range revocationKinds {
				listed, err := kind.list(cmd.Context(), s.client, opts...)
				switch {
				case meta.IsNoMatchError(err):
					continue // an operator too old to know the kind: there is none of it
				case apierrors.IsForbidden(err) && !s.namespaceGiven:
					return fmt.Errorf("listing %ss: %w; list the revocations of one namespace with -n NAMESPACE", kind.resource, err)
				case err != nil:
					return fmt.Errorf("listing %ss: %w", kind.resource, err)
				}
				for _, rev := range listed {
					rows = append(rows, rowOf(rev))
				}
			}
			return printRows(s.streams.Out, rows, s.now())
		},
	}
}

// rowOf is rev's row in the list.
func rowOf(rev revocation) row {
	kind := kindOf(rev)
	invalidated, previously := counts(rev)
	r := row{
		kind: kind.resource, namespace: rev.GetNamespace(), name: rev.GetName(), counted: kind.counted,
		phase: string(phaseOrPending(rev)), what: describeWhat(rev), target: describeTarget(rev),
		invalidated: invalidated, previously: previously, errors: rev.GetProgress().ErrorCount,
		created: rev.GetCreationTimestamp().Time, reason: oneLine(rev.GetReason()),
	}
	if list := listStatus(rev); list != nil && list.TokenCount != nil {
		r.what += fmt.Sprintf(" (%d listed, %d unknown)", *list.TokenCount, value(list.UnknownTokens))
		if !rev.GetProgress().Phase.IsTerminal() {
			r.progress = fmt.Sprintf(" %d/%d", value(list.ProcessedTokens), *list.TokenCount)
		}
	}
	return r
}

// printRows prints the table, oldest first, then the totals by phase.
func printRows(out io.Writer, rows []row, now time.Time) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(out, "No revocations found.")
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if !rows[i].created.Equal(rows[j].created) {
			return rows[i].created.Before(rows[j].created)
		}
		return rows[i].namespace+"/"+rows[i].name < rows[j].namespace+"/"+rows[j].name
	})
	w := printers.GetNewTabWriter(out)
	_, _ = fmt.Fprintln(w, "NAMESPACE\tNAME\tPHASE\tREVOKES\tTARGET\tINVALIDATED\tPREVIOUSLY\tERRORS\tAGE\tREASON")
	for _, r := range rows {
		_, _ = fmt.Fprintf(w, "%s\t%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.namespace, r.kind, r.name, r.phase+r.progress, r.what, r.target,
			count(r.invalidated), count(r.previously), count(r.errors), duration.HumanDuration(now.Sub(r.created)), r.reason)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(out, totals(rows))
	return err
}

// totals counts the rows by phase and namespace, and adds up what was invalidated: tokens, and
// API keys once there are ApiKeyRevocations.
func totals(rows []row) string {
	phases := map[string]int{}
	namespaces := map[string]bool{}
	invalidated := map[string]int64{}
	for _, r := range rows {
		phases[r.phase]++
		namespaces[r.namespace] = true
		invalidated[r.counted] += value(r.invalidated)
	}
	var parts []string
	for _, phase := range []securityv1alpha1.Phase{securityv1alpha1.PhaseRevoked, securityv1alpha1.PhaseFailed,
		securityv1alpha1.PhaseRevoking, securityv1alpha1.PhasePending} {
		if n := phases[string(phase)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, phase))
		}
	}
	var counted []string
	for _, kind := range revocationKinds {
		if n, ok := invalidated[kind.counted]; ok {
			counted = append(counted, plural(n, kind.counted))
		}
	}
	return fmt.Sprintf("%s in %s: %s; %s invalidated", plural(len(rows), "revocation"),
		plural(len(namespaces), "namespace"), strings.Join(parts, ", "), strings.Join(counted, " and "))
}

func plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(int64(n), 10) + " " + noun + "s"
}

// count prints a count Elasticsearch answered, or "-" before it has.
func count(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}
