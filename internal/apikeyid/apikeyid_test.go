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

package apikeyid_test

import (
	"encoding/base64"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/apikeyid"
)

func TestOfReadsTheIdOfALeakedKeyInEveryFormAResponderFinds(t *testing.T) {
	const id, key = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
	encoded := base64.StdEncoding.EncodeToString([]byte(id + ":" + key))
	for name, leaked := range map[string]string{
		"the encoded value":                encoded,
		"unpadded":                         strings.TrimRight(encoded, "="),
		"URL-safe":                         base64.URLEncoding.EncodeToString([]byte(id + ":" + key)),
		"after the ApiKey scheme":          "ApiKey " + encoded,
		"a whole header line":              "authorization:  ApiKey " + encoded + "\r\n",
		"id:api_key":                       id + ":" + key,
		"id:api_key with whitespace":       " \t" + id + ":" + key + "\n",
		"with a trailing newline":          encoded + "\n",
		"after a lower-case scheme":        "apikey  " + encoded,
		"id:api_key after the header name": "authorization: ApiKey " + id + ":" + key,
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got, err := apikeyid.Of(leaked)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(id))
		})
	}
}

func TestOfRefusesWhatHoldsNoKeyWithoutQuotingIt(t *testing.T) {
	const id, key = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
	encoded := base64.StdEncoding.EncodeToString([]byte(id + ":" + key))
	for name, leaked := range map[string]string{
		"empty":                          "",
		"a bare id":                      id,
		"a bare secret in base64":        base64.StdEncoding.EncodeToString([]byte(key)),
		"no id":                          ":" + key,
		"no key":                         id + ":",
		"garbled":                        strings.ReplaceAll(encoded, "=", "") + "!",
		"an id with a space":             base64.StdEncoding.EncodeToString([]byte("Vua Cf:" + key)),
		"an id too long":                 strings.Repeat("i", apikeyid.MaxIDBytes+1) + ":" + key,
		"a Bearer token":                 "Bearer " + encoded,
		"a Bearer header":                "Authorization: Bearer " + encoded,
		"an id with a control character": base64.StdEncoding.EncodeToString([]byte("Vua\x1bCf:" + key)),
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := apikeyid.Of(leaked)
			g.Expect(err).To(MatchError(apikeyid.ErrNotAnAPIKey))
			g.Expect(err.Error()).NotTo(ContainSubstring(key))
		})
	}
}
