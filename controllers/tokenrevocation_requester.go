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
)

// requesterProblem is why a revocation may not use the Secrets it names: it is final, since its
// spec and the annotations admission wrote cannot change.
func (r *TokenRevocationReconciler) requesterProblem(rev *securityv1alpha1.TokenRevocation) string {
	uses := rev.Spec.SecretsRead(rev.Namespace)
	if len(uses) == 0 {
		// The operator reads no Secret for it: its own default credentials serve every requester
		// allowed to create revocations.
		return ""
	}
	requester := rev.Annotations[securityv1alpha1.RequesterAnnotation]
	signature := rev.Annotations[securityv1alpha1.AdmissionSignatureAnnotation]
	if err := r.Key.Verify(rev.Namespace, requester, rev.Spec.SignedBytes(), signature); err != nil {
		return fmt.Sprintf("the revocation names %s, which the operator reads only for a requester its admission webhook "+
			"checked may read them, and %v; create it again with the operator's webhooks installed", uses[0], err)
	}
	return ""
}
