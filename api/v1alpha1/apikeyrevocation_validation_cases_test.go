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

package v1alpha1

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// apiKeySpecCase is one ApiKeyRevocationSpec and the verdict Elasticsearch's rules give it. The same
// table drives the validator's unit tests, the CRD's rules on a real API server, and the webhook
// suite, as specCases does for TokenRevocations.
type apiKeySpecCase struct {
	name string
	spec ApiKeyRevocationSpec
	// valid is the expected verdict.
	valid bool
	// mentions are the field names or words an error message must contain (for invalid cases),
	// both from the webhook and from the CRD's rules.
	mentions []string
}

// seedEncodedKey is an API key as a responder finds it leaked: base64 of "id:api_key". Test data.
const seedEncodedKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="

// seedAPIKeyID is an API key id shaped like Elasticsearch's: 20 URL-safe base64 characters.
const seedAPIKeyID = "VuaCfGcBCdbkQm-e5aOx"

func boolPtr(b bool) *bool { return &b }

// distinctIDs returns n distinct valid API key ids.
func distinctIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("key-%04d", i)
	}
	return ids
}

// The messages of the CRD's rules, which the webhook's messages contain too.
const (
	msgNothingSet       = "one of encodedKeySecretRef, ids, name, realmName or username must be set, or owner must be true"
	msgEncodedKeyAlone  = "encodedKeySecretRef names one key: it cannot be used with ids, name, realmName, username or owner"
	msgRealmWithIDs     = "realmName or username cannot be used with ids or name"
	msgRealmWithOwner   = "realmName or username cannot be used when owner is true"
	msgIDsOrName        = "only one of ids and name can be set"
	msgUnsafeTextSuffix = "must not contain control or bidirectional formatting characters"
)

// apiKeySpecCases covers each of Elasticsearch's rules for the invalidate API key request (see
// ValidateApiKeySpec), encodedKeySecretRef's exclusivity, the bounds and patterns of ids, blank,
// long and unsafe text, and the elasticsearchRef rules both kinds share.
var apiKeySpecCases = []apiKeySpecCase{
	{name: "an encoded key secret ref alone is valid", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("leaked", "encoded")}, valid: true},
	{name: "one id is valid", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}}, valid: true},
	{name: "several ids are valid", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID, "dGhpcyBpcyBub3QgYW4", "k-1"}}, valid: true},
	{name: "a name alone is valid", spec: ApiKeyRevocationSpec{Name: ptr("ci-deploy-key")}, valid: true},
	{name: "a realm name alone is valid", spec: ApiKeyRevocationSpec{RealmName: ptr("saml1")}, valid: true},
	{name: "a username alone is valid", spec: ApiKeyRevocationSpec{Username: ptr("myuser")}, valid: true},
	{name: "a realm name with a username is valid", spec: ApiKeyRevocationSpec{RealmName: ptr("saml1"), Username: ptr("myuser")}, valid: true},
	{name: "owner true alone is valid", spec: ApiKeyRevocationSpec{Owner: boolPtr(true)}, valid: true},
	{name: "owner true with ids is valid", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), IDs: []string{seedAPIKeyID}}, valid: true},
	{name: "owner true with a name is valid", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), Name: ptr("ci")}, valid: true},
	{name: "owner false with ids is valid", spec: ApiKeyRevocationSpec{Owner: boolPtr(false), IDs: []string{seedAPIKeyID}}, valid: true},
	{name: "owner false with a username is valid", spec: ApiKeyRevocationSpec{Owner: boolPtr(false), Username: ptr("u")}, valid: true},
	{name: "an id of 256 characters is valid", spec: ApiKeyRevocationSpec{IDs: []string{strings.Repeat("k", 256)}}, valid: true},
	{name: "an id of 256 multi-byte characters is valid", spec: ApiKeyRevocationSpec{IDs: []string{strings.Repeat("é", 256)}}, valid: true},
	{name: "1000 ids are valid", spec: ApiKeyRevocationSpec{IDs: distinctIDs(1000)}, valid: true},
	{name: "a name of 1024 characters is valid", spec: ApiKeyRevocationSpec{Name: ptr(strings.Repeat("n", 1024))}, valid: true},
	{name: "a realm name of 1024 characters is valid", spec: ApiKeyRevocationSpec{RealmName: ptr(strings.Repeat("é", 1024))}, valid: true},
	{name: "a username of 1024 characters is valid", spec: ApiKeyRevocationSpec{Username: ptr(strings.Repeat("u", 1024))}, valid: true},
	{name: "a name in another script is valid", spec: ApiKeyRevocationSpec{Name: ptr("clé de déploiement 日本")}, valid: true},
	{name: "an empty reason is valid", spec: ApiKeyRevocationSpec{Username: ptr("u"), Reason: ptr("")}, valid: true},
	{name: "a reason of 1024 characters is valid", spec: ApiKeyRevocationSpec{Username: ptr("u"), Reason: ptr(strings.Repeat("r", 1024))}, valid: true},
	{name: "a key secret ref with a reason and a secret target is valid", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), Reason: ptr("INC-1"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod-es")}}, valid: true},
	{name: "an ECK reference with a namespace is valid", spec: ApiKeyRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("quickstart"), Namespace: ptr("elastic")}}, valid: true},

	{name: "nothing set is rejected", spec: ApiKeyRevocationSpec{}, mentions: []string{msgNothingSet}},
	{name: "only a reason is rejected", spec: ApiKeyRevocationSpec{Reason: ptr("INC-1")}, mentions: []string{msgNothingSet}},
	{name: "only an elasticsearchRef is rejected", spec: ApiKeyRevocationSpec{ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("es")}},
		mentions: []string{msgNothingSet}},
	{name: "owner false alone is rejected", spec: ApiKeyRevocationSpec{Owner: boolPtr(false)}, mentions: []string{msgNothingSet}},

	{name: "ids with a name are rejected", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}, Name: ptr("ci")}, mentions: []string{msgIDsOrName}},
	{name: "ids with a realm name are rejected", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}, RealmName: ptr("r")},
		mentions: []string{msgRealmWithIDs}},
	{name: "ids with a username are rejected", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID}, Username: ptr("u")},
		mentions: []string{msgRealmWithIDs}},
	{name: "a name with a realm name is rejected", spec: ApiKeyRevocationSpec{Name: ptr("ci"), RealmName: ptr("r")}, mentions: []string{msgRealmWithIDs}},
	{name: "a name with a realm name and a username is rejected", spec: ApiKeyRevocationSpec{Name: ptr("ci"), RealmName: ptr("r"), Username: ptr("u")},
		mentions: []string{msgRealmWithIDs}},
	{name: "owner true with a realm name is rejected", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), RealmName: ptr("r")},
		mentions: []string{msgRealmWithOwner}},
	{name: "owner true with a username is rejected", spec: ApiKeyRevocationSpec{Owner: boolPtr(true), Username: ptr("u")},
		mentions: []string{msgRealmWithOwner}},

	{name: "an encoded key secret ref with ids is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), IDs: []string{seedAPIKeyID}}, mentions: []string{msgEncodedKeyAlone}},
	{name: "an encoded key secret ref with a name is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), Name: ptr("ci")}, mentions: []string{msgEncodedKeyAlone}},
	{name: "an encoded key secret ref with a realm name is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), RealmName: ptr("r")}, mentions: []string{msgEncodedKeyAlone}},
	{name: "an encoded key secret ref with a username is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), Username: ptr("u")}, mentions: []string{msgEncodedKeyAlone}},
	{name: "an encoded key secret ref with owner true is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), Owner: boolPtr(true)}, mentions: []string{msgEncodedKeyAlone}},
	{name: "an encoded key secret ref with owner false is rejected", spec: ApiKeyRevocationSpec{
		EncodedKeySecretRef: secretRef("leaked", "encoded"), Owner: boolPtr(false)}, mentions: []string{msgEncodedKeyAlone}},

	{name: "an empty list of ids is rejected", spec: ApiKeyRevocationSpec{IDs: []string{}}, mentions: []string{"spec.ids"}},
	{name: "an empty list of ids beside owner true is rejected", spec: ApiKeyRevocationSpec{IDs: []string{}, Owner: boolPtr(true)},
		mentions: []string{"spec.ids"}},
	{name: "a blank id is rejected", spec: ApiKeyRevocationSpec{IDs: []string{""}}, mentions: []string{"spec.ids[0]"}},
	{name: "a blank id after a valid one is rejected", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID, ""}}, mentions: []string{"spec.ids[1]"}},
	{name: "duplicate ids are rejected", spec: ApiKeyRevocationSpec{IDs: []string{"a", seedAPIKeyID, "a"}}, mentions: []string{"spec.ids[2]", "Duplicate"}},
	{name: "an id with a space is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"two words"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id of spaces only is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"   "}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id with a trailing newline is rejected", spec: ApiKeyRevocationSpec{IDs: []string{seedAPIKeyID + "\n"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id with a tab is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"a\tb"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id with a NUL is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"a\x00b"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id with a C1 control character is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"a\u0085b"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id with a right-to-left override is rejected", spec: ApiKeyRevocationSpec{IDs: []string{"key\u202e1000"}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id of 257 characters is rejected", spec: ApiKeyRevocationSpec{IDs: []string{strings.Repeat("k", 257)}}, mentions: []string{"spec.ids[0]"}},
	{name: "an id of 257 multi-byte characters is rejected", spec: ApiKeyRevocationSpec{IDs: []string{strings.Repeat("é", 257)}},
		mentions: []string{"spec.ids[0]"}},
	{name: "1001 ids are rejected", spec: ApiKeyRevocationSpec{IDs: distinctIDs(1001)}, mentions: []string{"spec.ids", "1000"}},

	{name: "an empty name is rejected", spec: ApiKeyRevocationSpec{Name: ptr("")}, mentions: []string{"name must not be empty or whitespace-only"}},
	{name: "a whitespace-only name is rejected", spec: ApiKeyRevocationSpec{Name: ptr(" \u00a0\u3000 ")}, mentions: []string{"name must not be empty or whitespace-only"}},
	{name: "an empty realm name is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("")}, mentions: []string{"realmName must not be empty or whitespace-only"}},
	{name: "a whitespace-only realm name is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("   ")}, mentions: []string{"realmName must not be empty or whitespace-only"}},
	{name: "an empty username is rejected", spec: ApiKeyRevocationSpec{Username: ptr("")}, mentions: []string{"username must not be empty or whitespace-only"}},
	{name: "a whitespace-only username beside a valid realm name is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("r"), Username: ptr("\t")},
		mentions: []string{"username must not be empty or whitespace-only"}},
	{name: "a name of 1025 characters is rejected", spec: ApiKeyRevocationSpec{Name: ptr(strings.Repeat("n", 1025))}, mentions: []string{"spec.name"}},
	{name: "a realm name of 1025 characters is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr(strings.Repeat("é", 1025))}, mentions: []string{"spec.realmName"}},
	{name: "a username of 1025 characters is rejected", spec: ApiKeyRevocationSpec{Username: ptr(strings.Repeat("u", 1025))}, mentions: []string{"spec.username"}},
	{name: "a reason of 1025 characters is rejected", spec: ApiKeyRevocationSpec{Username: ptr("u"), Reason: ptr(strings.Repeat("r", 1025))},
		mentions: []string{"spec.reason"}},

	{name: "a name with a newline is rejected", spec: ApiKeyRevocationSpec{Name: ptr("ci\nPhase: Revoked")}, mentions: []string{"name " + msgUnsafeTextSuffix}},
	{name: "a name with a right-to-left override is rejected", spec: ApiKeyRevocationSpec{Name: ptr("ci\u202eyek")}, mentions: []string{"name " + msgUnsafeTextSuffix}},
	{name: "a realm name with an ANSI escape is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("\x1b[2Jsaml1")},
		mentions: []string{"realmName " + msgUnsafeTextSuffix}},
	{name: "a realm name with a bidirectional isolate is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("\u2066saml1\u2069")},
		mentions: []string{"realmName " + msgUnsafeTextSuffix}},
	{name: "a username with an Arabic letter mark is rejected", spec: ApiKeyRevocationSpec{Username: ptr("admin\u061c")},
		mentions: []string{"username " + msgUnsafeTextSuffix}},
	{name: "a username with a tab is rejected", spec: ApiKeyRevocationSpec{RealmName: ptr("r"), Username: ptr("ad\tmin")},
		mentions: []string{"username " + msgUnsafeTextSuffix}},
	{name: "a reason with a newline is rejected", spec: ApiKeyRevocationSpec{Username: ptr("u"), Reason: ptr("INC-1\nPhase: Revoked")},
		mentions: []string{"reason " + msgUnsafeTextSuffix}},
	{name: "a reason with a left-to-right mark is rejected", spec: ApiKeyRevocationSpec{Username: ptr("u"), Reason: ptr("INC\u200e-1")},
		mentions: []string{"reason " + msgUnsafeTextSuffix}},

	{name: "a key secret ref with an empty name is rejected", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("", "encoded")},
		mentions: []string{"encodedKeySecretRef.name"}},
	{name: "a key secret ref with an invalid name is rejected", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("Not_A_Name", "encoded")},
		mentions: []string{"encodedKeySecretRef.name"}},
	{name: "a key secret ref with an invalid key is rejected", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("leaked", "a/b")},
		mentions: []string{"encodedKeySecretRef.key"}},
	{name: "a key secret ref with an empty key is rejected", spec: ApiKeyRevocationSpec{EncodedKeySecretRef: secretRef("leaked", "")},
		mentions: []string{"encodedKeySecretRef.key"}},
	{name: "an empty elasticsearchRef is rejected", spec: ApiKeyRevocationSpec{Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{}},
		mentions: []string{"elasticsearchRef", "secretName", "name"}},
	{name: "an elasticsearchRef namespace without a name is rejected", spec: ApiKeyRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("es"), Namespace: ptr("elastic")}}, mentions: []string{"elasticsearchRef.namespace"}},
	{name: "an elasticsearchRef with an invalid namespace is rejected", spec: ApiKeyRevocationSpec{
		Username: ptr("u"), ElasticsearchRef: &ElasticsearchRef{Name: ptr("es"), Namespace: ptr("Elastic.NS")}}, mentions: []string{"elasticsearchRef.namespace"}},
	{name: "an elasticsearchRef with an invalid secret name is rejected", spec: ApiKeyRevocationSpec{
		IDs: []string{seedAPIKeyID}, ElasticsearchRef: &ElasticsearchRef{SecretName: ptr("prod_es")}}, mentions: []string{"elasticsearchRef.secretName"}},
}

func newApiKeyRevocation(spec ApiKeyRevocationSpec) *ApiKeyRevocation {
	return &ApiKeyRevocation{ObjectMeta: metav1.ObjectMeta{Name: "leak-42", Namespace: "security"}, Spec: spec}
}

func generatedApiKey(spec ApiKeyRevocationSpec) *ApiKeyRevocation {
	return &ApiKeyRevocation{ObjectMeta: metav1.ObjectMeta{GenerateName: "akrev-", Namespace: "default"}, Spec: spec}
}

// apiKeySpecJSON is spec as a client sends it. encoding/json leaves out an empty ids list
// (omitempty), which would turn "ids: []" into no ids at all, so an empty list is written out.
func apiKeySpecJSON(t testing.TB, spec ApiKeyRevocationSpec) []byte {
	t.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if spec.IDs == nil || len(spec.IDs) > 0 {
		return raw
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	fields["ids"] = []any{}
	if raw, err = json.Marshal(fields); err != nil {
		t.Fatal(err)
	}
	return raw
}

// apiKeyAsSent is spec as the API server and the webhook decode it from apiKeySpecJSON (invalid
// UTF-8 becomes U+FFFD, and "ids: []" an empty, non-nil list).
func apiKeyAsSent(t testing.TB, raw []byte) ApiKeyRevocationSpec {
	t.Helper()
	var sent ApiKeyRevocationSpec
	if err := json.Unmarshal(raw, &sent); err != nil {
		t.Fatal(err)
	}
	return sent
}

// unstructuredApiKey is a new ApiKeyRevocation in namespace "default" with the spec raw, sent as is.
func unstructuredApiKey(t testing.TB, raw []byte) *unstructured.Unstructured {
	t.Helper()
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	obj := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	obj.SetGroupVersionKind(GroupVersion.WithKind("ApiKeyRevocation"))
	obj.SetGenerateName("akrev-")
	obj.SetNamespace("default")
	return obj
}
