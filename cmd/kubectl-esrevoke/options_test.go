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
	"testing"

	. "github.com/onsi/gomega"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

func TestElasticsearchNamesASecretAnECKClusterOrBoth(t *testing.T) {
	tests := map[string]struct {
		values []string
		want   *securityv1alpha1.ElasticsearchRef
	}{
		"nothing: the operator's default":   {nil, nil},
		"a connection Secret":               {[]string{"secret/prod-es"}, &securityv1alpha1.ElasticsearchRef{SecretName: str("prod-es")}},
		"an ECK cluster in the namespace":   {[]string{"eck/quickstart"}, &securityv1alpha1.ElasticsearchRef{Name: str("quickstart")}},
		"an ECK cluster in another":         {[]string{"eck/quickstart.elastic"}, &securityv1alpha1.ElasticsearchRef{Name: str("quickstart"), Namespace: str("elastic")}},
		"an ECK cluster with a credentials": {[]string{"eck/qs", "secret/creds"}, &securityv1alpha1.ElasticsearchRef{Name: str("qs"), SecretName: str("creds")}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got, err := parseElasticsearchRef(tt.values)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tt.want))
		})
	}
	for _, bad := range [][]string{{"prod-es"}, {"secret/"}, {"eck/a.b.c"}, {"https://es:9200"}, {"eck/a", "eck/b"}, {"secret/UPPER"}} {
		_, err := parseElasticsearchRef(bad)
		NewWithT(t).Expect(err).To(HaveOccurred(), "%v", bad)
	}
}

func TestGeneratedNamesStartWithTheKindAndWhatTheNameCanKeep(t *testing.T) {
	tests := map[string]string{
		"myuser":                  "user-myuser-",
		"John.Doe@Example.COM":    "user-john-doe-example-com-",
		"__":                      "user-",
		"-x-":                     "user-x-",
		"élodie":                  "user-lodie-",
		strings.Repeat("a", 100):  "user-" + strings.Repeat("a", maxPrefixName) + "-",
		"cn=admin,ou=people":      "user-cn-admin-ou-people-",
		strings.Repeat("ab-", 30): "user-" + strings.Repeat("ab-", 13) + "a-",
	}
	for name, want := range tests {
		g := NewWithT(t)
		got := namePrefix("user", name)
		g.Expect(got).To(Equal(want), name)
		g.Expect(len(got)).To(BeNumerically("<=", 63-5), "room for the five random characters in a label-sized name")
	}
}
