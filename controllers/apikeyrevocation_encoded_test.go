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
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
	"github.com/esrevoke/token-revocation-operator/internal/targets"
)

func TestTheIDOfALeakedKeyIsReadFromEveryFormAResponderFinds(t *testing.T) {
	const id, secret = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
	encoded := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
	for name, value := range map[string]string{
		"encoded":                          encoded,
		"encoded without padding":          strings.TrimRight(encoded, "="),
		"URL-safe encoded":                 base64.URLEncoding.EncodeToString([]byte(id + ":" + secret)),
		"with the scheme":                  "ApiKey " + encoded,
		"with the scheme in another case":  "apikey  " + encoded,
		"a whole header line":              "Authorization: ApiKey " + encoded,
		"with surrounding whitespace":      "\n\t" + encoded + " \r\n",
		"id:api_key":                       id + ":" + secret,
		"id:api_key after the header name": "authorization: ApiKey " + id + ":" + secret,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := apiKeyID(value, "the Secret")
			NewWithT(t).Expect(err).NotTo(HaveOccurred())
			NewWithT(t).Expect(got).To(Equal(id))
		})
	}
}

func TestAValueThatIsNotAnAPIKeyIsRefusedWithoutBeingQuoted(t *testing.T) {
	for name, value := range map[string]string{
		"empty":                            "",
		"a token, not a key":               "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu",
		"no secret part":                   base64.StdEncoding.EncodeToString([]byte("VuaCfGcBCdbkQm-e5aOx:")),
		"no id part":                       ":ui2lp2axTNmsyakw9tvNnw",
		"an id with a space":               "Vua CfGc:ui2lp2axTNmsyakw9tvNnw",
		"an id with a control character":   base64.StdEncoding.EncodeToString([]byte("Vua\x1bCf:ui2lp2axTNmsyakw9tvNnw")),
		"an id longer than 256 characters": strings.Repeat("i", 257) + ":ui2lp2axTNmsyakw9tvNnw",
		"a Bearer header":                  "Authorization: Bearer dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu",
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := apiKeyID(value, `key "value" of Secret ns/leaked`)
			problem, ok := targets.AsProblem(err)
			g.Expect(ok).To(BeTrue())
			g.Expect(problem.Reason).To(Equal(securityv1alpha1.ReasonInvalidEncodedKey))
			g.Expect(problem.Message).To(HavePrefix(`key "value" of Secret ns/leaked does not hold an API key`))
			if value != "" {
				g.Expect(problem.Message).NotTo(ContainSubstring(value))
			}
			g.Expect(problem.Message).NotTo(ContainSubstring("ui2lp2axTNmsyakw9tvNnw"))
		})
	}
}
