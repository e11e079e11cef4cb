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
	"encoding/base64"
	"testing"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

// apiKeyID is apikeyid.Of (whose tests hold every form) with the Pending problem a revocation shows.
func TestTheIDOfALeakedKeyIsReadOrRefusedAsAPendingProblem(t *testing.T) {
	g := NewWithT(t)
	const id, secret = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
	encoded := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))

	got, err := apiKeyID("Authorization: ApiKey "+encoded, "the Secret")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got).To(Equal(id))

	value := "Vua CfGc:" + secret
	_, err = apiKeyID(value, `key "value" of Secret ns/leaked`)
	problem, ok := targets.AsProblem(err)
	g.Expect(ok).To(BeTrue())
	g.Expect(problem.Reason).To(Equal(securityv1alpha1.ReasonInvalidEncodedKey))
	g.Expect(problem.Message).To(HavePrefix(`key "value" of Secret ns/leaked does not hold an API key`))
	g.Expect(problem.Message).NotTo(ContainSubstring(value))
	g.Expect(problem.Message).NotTo(ContainSubstring(secret))
}
