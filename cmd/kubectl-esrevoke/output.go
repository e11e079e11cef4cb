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
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/printers"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// summary is the one line a responder pastes into the incident ticket: what happened, to what,
// where, with what counts, and which resource records it. It holds no secret: a token is named
// by the fingerprint the operator recorded, an API key by its id.
func summary(rev revocation, result outcome, timeout time.Duration) string {
	var b strings.Builder
	switch result {
	case outcomeDryRun:
		b.WriteString("Dry run, accepted by the API server, nothing created: ")
	case outcomeCreated:
		b.WriteString("Created, not waited for: ")
	case outcomeTimedOut:
		fmt.Fprintf(&b, "Not done after %s, still %s: ", timeout, phaseOrPending(rev))
	default:
		fmt.Fprintf(&b, "%s: ", rev.GetProgress().Phase)
	}
	fmt.Fprintf(&b, "%s on %s", describeWhat(rev), describeTarget(rev))
	if details := describeResult(rev, result); details != "" {
		b.WriteString(": " + details)
	}
	fmt.Fprintf(&b, " (%s/%s in namespace %s", kindOf(rev).resource, rev.GetName(), rev.GetNamespace())
	if reason := rev.GetReason(); reason != "" {
		fmt.Fprintf(&b, ", reason %q", reason)
	}
	b.WriteString(")")
	return b.String()
}

func phaseOrPending(rev revocation) securityv1alpha1.Phase {
	if phase := rev.GetProgress().Phase; phase != "" {
		return phase
	}
	return securityv1alpha1.PhasePending
}

// describeTokens names what a TokenRevocation revokes, tokens by their fingerprints.
func describeTokens(rev *securityv1alpha1.TokenRevocation) string {
	spec := rev.Spec
	fingerprint := rev.Status.TokenFingerprint
	if fingerprint == "" {
		fingerprint = "(fingerprint not recorded yet)"
	}
	switch {
	case spec.Token != nil || spec.TokenSecretRef != nil:
		return "token " + fingerprint
	case spec.RefreshToken != nil || spec.RefreshTokenSecretRef != nil:
		return "refresh token " + fingerprint
	case spec.TokenListSecretRef != nil:
		return "token list " + fingerprint
	case spec.RefreshTokenListSecretRef != nil:
		return "refresh token list " + fingerprint
	case spec.Username != nil && spec.RealmName != nil:
		return fmt.Sprintf("every token of user %q in realm %q", *spec.Username, *spec.RealmName)
	case spec.Username != nil:
		return fmt.Sprintf("every token of user %q in every realm", *spec.Username)
	case spec.RealmName != nil:
		return fmt.Sprintf("every token of every user of realm %q", *spec.RealmName)
	}
	return revokesNothing
}

// maxIDsShown bounds the ids a summary names, to keep it one line a person reads.
const maxIDsShown = 3

// describeAPIKeys names what an ApiKeyRevocation revokes: a leaked key by the id the operator
// derived from it (never by its value), other keys by the ids, name, user or realm selecting them.
func describeAPIKeys(rev *securityv1alpha1.ApiKeyRevocation) string {
	spec := rev.Spec
	owned := ""
	if spec.Owner != nil && *spec.Owner {
		owned = " owned by the operator's credentials"
	}
	switch {
	case spec.EncodedKeySecretRef != nil:
		if rev.Status.EncodedKeyId == "" {
			return "API key (id not recorded yet)"
		}
		return "API key " + rev.Status.EncodedKeyId
	case len(spec.IDs) == 1:
		return "API key " + spec.IDs[0] + owned
	case len(spec.IDs) > maxIDsShown:
		return fmt.Sprintf("%d API keys (%s, ...)%s", len(spec.IDs), strings.Join(spec.IDs[:maxIDsShown], ", "), owned)
	case len(spec.IDs) > 0:
		return fmt.Sprintf("%d API keys (%s)%s", len(spec.IDs), strings.Join(spec.IDs, ", "), owned)
	case spec.Name != nil:
		return fmt.Sprintf("every API key named %q%s", *spec.Name, owned)
	case spec.Username != nil && spec.RealmName != nil:
		return fmt.Sprintf("every API key of user %q in realm %q", *spec.Username, *spec.RealmName)
	case spec.Username != nil:
		return fmt.Sprintf("every API key of user %q in every realm", *spec.Username)
	case spec.RealmName != nil:
		return fmt.Sprintf("every API key of every user of realm %q", *spec.RealmName)
	case owned != "":
		return "every API key" + owned
	}
	return revokesNothing
}

// describeTarget names the cluster: the URL the operator called, else the reference.
func describeTarget(rev revocation) string {
	if target := rev.GetProgress().Target; target != "" {
		return target
	}
	return describeRef(rev.GetElasticsearchRef())
}

// describeRef names an elasticsearchRef the way --elasticsearch takes it.
func describeRef(ref *securityv1alpha1.ElasticsearchRef) string {
	if ref == nil {
		return "the operator's default Elasticsearch"
	}
	var parts []string
	if ref.Name != nil {
		eck := "eck/" + *ref.Name
		if ref.Namespace != nil {
			eck += "." + *ref.Namespace
		}
		parts = append(parts, eck)
	}
	if ref.SecretName != nil {
		parts = append(parts, "secret/"+*ref.SecretName)
	}
	return strings.Join(parts, " with ")
}

// describeResult gives the counts Elasticsearch answered, and why a revocation failed or is not done.
func describeResult(rev revocation, result outcome) string {
	var parts []string
	progress := rev.GetProgress()
	if list := listStatus(rev); list != nil {
		if list.TokenCount != nil {
			parts = append(parts, describeListCounts(list))
		}
	} else if invalidated, previously := counts(rev); invalidated != nil {
		parts = append(parts, fmt.Sprintf("%d invalidated, %d already invalid, %d errors",
			value(invalidated), value(previously), value(progress.ErrorCount)))
	}
	if progress.Phase != securityv1alpha1.PhaseRevoked || result == outcomeTimedOut {
		if ready := meta.FindStatusCondition(progress.Conditions, securityv1alpha1.ReadyCondition); ready != nil && ready.Reason != "" {
			parts = append(parts, ready.Reason+": "+oneLine(ready.Message))
		}
	}
	return strings.Join(parts, "; ")
}

// describeListCounts gives a list's counts: "30 invalidated, 5 already invalid, 4 unknown of 39
// listed", with the tokens Elasticsearch refused for good, and the progress of a list not done.
func describeListCounts(status *securityv1alpha1.TokenRevocationStatus) string {
	counts := fmt.Sprintf("%d invalidated, %d already invalid, %d unknown", value(status.InvalidatedTokens),
		value(status.PreviouslyInvalidatedTokens), value(status.UnknownTokens))
	if failed := value(status.ErrorCount); failed > 0 {
		counts += fmt.Sprintf(", %d failed", failed)
	}
	counts += fmt.Sprintf(" of %d listed", value(status.TokenCount))
	if processed := value(status.ProcessedTokens); processed < value(status.TokenCount) {
		counts += fmt.Sprintf(", %d processed", processed)
	}
	return counts
}

func value(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// oneLine keeps the summary on one line whatever a condition's message holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// printObject prints rev as kubectl's -o name, yaml or json would.
func printObject(w io.Writer, rev revocation, format string) error {
	obj := rev.DeepCopyObject()
	obj.GetObjectKind().SetGroupVersionKind(securityv1alpha1.GroupVersion.WithKind(kindOf(rev).kind))
	var printer printers.ResourcePrinter
	switch format {
	case outputName:
		printer = &printers.NamePrinter{}
	case outputYAML:
		printer = &printers.OmitManagedFieldsPrinter{Delegate: &printers.YAMLPrinter{}}
	default:
		printer = &printers.OmitManagedFieldsPrinter{Delegate: &printers.JSONPrinter{}}
	}
	return printer.PrintObj(obj, w)
}
