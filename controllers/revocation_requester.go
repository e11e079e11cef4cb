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

package controllers

import (
	"fmt"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/installation"
)

// requesterRecord is who created a revocation, as its admission annotations record it, checked
// once per pass against the installation key.
type requesterRecord struct {
	// display names the requester for events and logs, marked when the key does not vouch for it.
	display string
	// unverified is why the key does not vouch for the record; nil when it does.
	unverified error
}

// requesterOf reads and verifies the requester annotations admission wrote.
func requesterOf(key *installation.Key, rev securityv1alpha1.Revocation) requesterRecord {
	name, ok := rev.GetAnnotations()[securityv1alpha1.RequesterAnnotation]
	signature := rev.GetAnnotations()[securityv1alpha1.AdmissionSignatureAnnotation]
	err := key.Verify(rev.GetNamespace(), name, rev.SignedBytes(), signature)
	switch {
	case !ok:
		return requesterRecord{display: "unknown (not admitted by the operator's webhook)", unverified: err}
	case err != nil:
		return requesterRecord{display: printable(name) + " (unverified)", unverified: err}
	}
	return requesterRecord{display: printable(name)}
}

// problem is why a revocation may not use the Secrets it names, "" if it may: it is final, since
// its spec and the annotations admission wrote cannot change.
func (w requesterRecord) problem(rev securityv1alpha1.Revocation) string {
	uses := rev.SecretsRead()
	if len(uses) == 0 || w.unverified == nil {
		// Naming no Secret, it needs no check: the operator's own default credentials serve
		// every requester allowed to create revocations.
		return ""
	}
	return fmt.Sprintf("the revocation names %s, which the operator reads only for a requester its admission webhook "+
		"checked may read them, and %v; create it again with the operator's webhooks installed", uses[0], w.unverified)
}
