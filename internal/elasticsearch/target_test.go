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

package elasticsearch_test

import (
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/format"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

func TestTargetValidateAcceptsAUsableTarget(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ca := selfSignedCA(g)
	tests := map[string]es.Target{
		"an https URL with an API key":                  {URL: "https://es.example:9200", APIKey: encodedAPIKey},
		"an unpadded API key":                           {URL: "https://es.example:9200", APIKey: base64.RawStdEncoding.EncodeToString([]byte("id:ui2lp2axTNmsyakw9tvNn"))},
		"an 8-character password":                       {URL: "https://es.example:9200", Username: "elastic", Password: "hunter2x"},
		"an API key with an 8-character key":            {URL: "https://es.example:9200", APIKey: encodeAPIKey(apiKeyID, "k3y-s3cr")},
		"an http URL with username and password":        {URL: "http://127.0.0.1:9200", Username: "elastic", Password: "changeme"},
		"a URL with a path prefix and a CA and timeout": {URL: "https://proxy.example/es/", APIKey: encodedAPIKey, CACert: ca, Timeout: time.Second},
	}
	for name, target := range tests {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(target.Validate()).To(Succeed())
		})
	}
}

func TestTargetValidateNamesEveryFieldAtFaultButNotItsValue(t *testing.T) {
	t.Parallel()
	const secretInURL = "hunter2-in-url"
	tests := []struct {
		name   string
		target es.Target
		want   []string
	}{
		{"an empty URL", es.Target{APIKey: encodedAPIKey}, []string{"url: is empty"}},
		{"a URL that does not parse", es.Target{URL: "https://[::1", APIKey: encodedAPIKey}, []string{"url: cannot be parsed"}},
		{"a scheme other than http or https", es.Target{URL: "ftp://es.example", APIKey: encodedAPIKey}, []string{"url: scheme must be http or https"}},
		{"a URL without host", es.Target{URL: "https:///path", APIKey: encodedAPIKey}, []string{"url: has no host"}},
		{"credentials in the URL", es.Target{URL: "https://elastic:" + secretInURL + "@es.example", APIKey: encodedAPIKey},
			[]string{"url: must not contain credentials"}},
		{"a query in the URL", es.Target{URL: "https://es.example/?api_key=" + secretInURL, APIKey: encodedAPIKey},
			[]string{"url: must not have a query or fragment"}},
		{"no credentials", es.Target{URL: "https://es.example"}, []string{"credentials: none set; set apiKey, or username and password"}},
		{"an API key and a password", es.Target{URL: "https://es.example", APIKey: encodedAPIKey, Username: "u", Password: userPassword},
			[]string{"credentials: set either apiKey or username and password, not both"}},
		{"a username without password", es.Target{URL: "https://es.example", Username: "u"}, []string{"password: is empty but username is set"}},
		{"a password without username", es.Target{URL: "https://es.example", Password: userPassword}, []string{"username: is empty but password is set"}},
		{"a username with a colon", es.Target{URL: "https://es.example", Username: "a:b", Password: userPassword}, []string{"username: must not contain ':'"}},
		{"a password too short to redact", es.Target{URL: "https://es.example", Username: "u", Password: "hunter2"},
			[]string{"password: is shorter than 8 characters, too short to keep out of messages safely"}},
		{"an API key whose key is too short to redact", es.Target{URL: "https://es.example", APIKey: encodeAPIKey(apiKeyID, "k3y-s3c")},
			[]string{"apiKey: its key (after the id and ':') is shorter than 8 characters"}},
		{"an API key that is not base64", es.Target{URL: "https://es.example", APIKey: apiKeyID + ":" + apiKeySecret},
			[]string{"apiKey: is not an encoded API key"}},
		{"an API key that does not decode to id:key", es.Target{URL: "https://es.example", APIKey: base64.StdEncoding.EncodeToString([]byte(apiKeySecret))},
			[]string{"apiKey: is not an encoded API key"}},
		{"an API key with a trailing newline", es.Target{URL: "https://es.example", APIKey: encodedAPIKey + "\n"},
			[]string{"apiKey: has leading or trailing whitespace"}},
		{"a CA that is not PEM", es.Target{URL: "https://es.example", APIKey: encodedAPIKey, CACert: []byte("not a certificate")},
			[]string{"caCert: no PEM-encoded certificate could be parsed"}},
		{"a negative timeout", es.Target{URL: "https://es.example", APIKey: encodedAPIKey, Timeout: -time.Second}, []string{"timeout: must not be negative"}},
		{"several problems at once", es.Target{URL: "ftp://", CACert: []byte("x")}, []string{
			"invalid Elasticsearch target: url: scheme must be http or https; url: has no host; credentials: none set",
			"caCert: no PEM-encoded certificate could be parsed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)

			err := tt.target.Validate()

			g.Expect(es.KindOf(err)).To(Equal(es.KindInvalidTarget))
			g.Expect(es.IsRetryable(es.KindOf(err))).To(BeFalse())
			for _, w := range tt.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
			expectNoSecrets(g, err.Error(), []string{tt.target.APIKey, tt.target.Password, secretInURL, apiKeySecret})
		})
	}
}

func TestTargetAndRequestPrintWithoutSecrets(t *testing.T) {
	t.Parallel()
	target := es.Target{URL: "https://elastic:hunter2-in-url@es.example:9200/?q=hunter3-in-query", APIKey: encodedAPIKey,
		Username: userName, Password: userPassword, CACert: []byte("-----BEGIN CERTIFICATE-----")}
	req := es.InvalidateRequest{Token: "access-token-c0ffee", RefreshToken: "refresh-token-decaf", RealmName: "r", Username: "u"}
	secrets := append(secretsOf(target, req), "hunter2-in-url", "hunter3-in-query", "BEGIN CERTIFICATE")
	type holder struct {
		Target  es.Target
		Request es.InvalidateRequest
		Ptr     *es.Target
	}
	values := map[string]any{"a Target": target, "a *Target": &target, "an InvalidateRequest": req,
		"a struct holding both": holder{Target: target, Request: req, Ptr: &target}}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			t.Run(name+" printed with "+verb, func(t *testing.T) {
				expectNoSecrets(NewWithT(t), fmt.Sprintf(verb, v), secrets)
			})
		}
		t.Run(name+" printed by gomega", func(t *testing.T) {
			expectNoSecrets(NewWithT(t), format.Object(v, 0), secrets)
		})
	}
}

func TestTargetStringShowsWhereAndHowButNoSecret(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	target := es.Target{URL: "https://es.example:9200", Username: userName, Password: userPassword, Timeout: time.Second}

	g.Expect(target.String()).To(Equal("Target{URL: https://es.example:9200, auth: basic(revoker), caCert: 0 bytes, timeout: 1s}"))
	g.Expect(fmt.Sprintf("%#v", es.InvalidateRequest{Token: "abc"})).To(Equal(
		`elasticsearch.InvalidateRequest{Token: (3 characters), RefreshToken: (none), RealmName: "", Username: ""}`))
}
