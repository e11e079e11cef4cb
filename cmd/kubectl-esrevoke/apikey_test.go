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
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// The API key of these tests, as Elasticsearch answers a create API key request: its id, its
// secret part, and the encoded value clients send. Any copy of the last two in the output is a leak.
const (
	leakedKeyID      = "VuaCfGcBCdbkQm-e5aOx"
	leakedKeySecret  = "ui2lp2axTNmsyakw9tvNnw"
	leakedKeyEncoded = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
)

func TestAPIKeyStoresTheKeyAsFoundInASecretOwnedByTheApiKeyRevocation(t *testing.T) {
	forms := map[string]string{
		"the encoded value":            leakedKeyEncoded,
		"with its scheme":              "ApiKey " + leakedKeyEncoded,
		"a whole header line":          "Authorization: ApiKey " + leakedKeyEncoded,
		"id:api_key":                   leakedKeyID + ":" + leakedKeySecret,
		"with blanks around, and CRLF": " \t" + leakedKeyEncoded + "\r\n",
	}
	for name, found := range forms {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run(found, "api-key", "--wait=false", "--reason", "INC-1240")).To(Equal(exitOK))

			revs := h.apiKeyRevocations(t)
			g.Expect(revs).To(HaveLen(1))
			g.Expect(h.revocations(t)).To(BeEmpty(), "no TokenRevocation")
			rev := revs[0]
			g.Expect(rev.Name).To(HavePrefix("api-key-"))
			g.Expect(rev.Spec).To(Equal(securityv1alpha1.ApiKeyRevocationSpec{
				EncodedKeySecretRef: &securityv1alpha1.SecretKeySelector{Name: rev.Name, Key: "api-key"}, Reason: str("INC-1240")}))

			secret := &corev1.Secret{}
			g.Expect(h.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: rev.Name}, secret)).To(Succeed())
			g.Expect(secret.Data).To(Equal(map[string][]byte{"api-key": []byte(strings.TrimSpace(found))}),
				"stored as given, trimmed: the operator reads every form")
			g.Expect(secret.Labels).To(HaveKeyWithValue(managedByLabel, managedBy))
			g.Expect(secret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
				APIVersion: "security.esrevoke.io/v1alpha1", Kind: "ApiKeyRevocation", Name: rev.Name, UID: rev.UID,
				Controller: new(true), BlockOwnerDeletion: new(true),
			}))

			g.Expect(h.out.String()).To(Equal("Created, not waited for: API key (id not recorded yet) on the operator's default Elasticsearch " +
				"(apikeyrevocation/" + rev.Name + ` in namespace security, reason "INC-1240")` + "\n"))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeyEncoded))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeySecret))
		})
	}
}

func TestAPIKeyRefusesMoreThanOneLine(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run(leakedKeyEncoded+"\n"+leakedKeyEncoded+"\n", "api-key", "--reason", "INC-1")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("standard input holds more than one value: give exactly one API key (the values are not shown)"))
	g.Expect(h.output()).NotTo(ContainSubstring(leakedKeyEncoded))
	g.Expect(h.connects).To(BeZero())
	g.Expect(h.run("\n", "api-key")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("no API key on standard input"))
}

// A value the operator could not read a key's id from would leave its revocation Pending
// (InvalidEncodedKey) until --timeout, for a Secret nobody fixes: it is refused before anything is
// created, without being quoted.
func TestAPIKeyRefusesAValueTheOperatorCannotReadBeforeCreatingAnything(t *testing.T) {
	for name, value := range map[string]string{
		"garbled":         strings.ReplaceAll(leakedKeyEncoded, "=", "") + "!",
		"a bare id":       leakedKeyID,
		"the secret part": leakedKeySecret,
		"a Bearer header": "Authorization: Bearer " + leakedKeyEncoded,
		"no id":           ":" + leakedKeySecret,
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run(value+"\n", "api-key", "--reason", "INC-1240")).To(Equal(exitFailed))
			g.Expect(h.errOut.String()).To(ContainSubstring("error: standard input holds no API key the operator can read: " +
				`give the encoded value (base64 of "id:api_key")`))
			g.Expect(h.errOut.String()).To(ContainSubstring("(the value is not shown); nothing was created"))
			g.Expect(h.connects).To(BeZero(), "nothing is asked of the API server")
			g.Expect(h.output()).NotTo(ContainSubstring(value))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeySecret))
		})
	}
	g := NewWithT(t)
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "leaked.txt")
	g.Expect(os.WriteFile(path, []byte("not-a-key\n"), 0o600)).To(Succeed())
	g.Expect(h.run("", "api-key", "--from-file", path)).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring(path + " holds no API key the operator can read"))
	g.Expect(h.connects).To(BeZero())
}

func TestTheAPIKeyCommandsExitAndSummarizeAsTheirRevocationEnded(t *testing.T) {
	revoked := securityv1alpha1.ApiKeyRevocationStatus{
		RevocationProgress: securityv1alpha1.RevocationProgress{
			Phase: securityv1alpha1.PhaseRevoked, ErrorCount: int64Ptr(0), Target: "https://es.example:9200"},
		InvalidatedApiKeys: int64Ptr(1), PreviouslyInvalidatedApiKeys: int64Ptr(0),
		InvalidatedApiKeyIds: []string{leakedKeyID}, EncodedKeyId: leakedKeyID,
	}
	failed := securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{
		Phase: securityv1alpha1.PhaseFailed, Target: "https://es.example:9200",
		Conditions: []metav1.Condition{{Type: "Ready", Status: "False", Reason: "APIKeyServiceDisabled", Message: "API keys are\ndisabled"}},
	}, EncodedKeyId: leakedKeyID}
	invalid := securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{
		Phase:      securityv1alpha1.PhasePending,
		Conditions: []metav1.Condition{{Type: "Ready", Status: "False", Reason: "InvalidEncodedKey", Message: "does not hold an API key"}},
	}}
	tests := map[string]struct {
		status   securityv1alpha1.ApiKeyRevocationStatus
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		"Revoked: named by its id": {revoked, nil, exitOK,
			"Revoked: API key " + leakedKeyID + " on https://es.example:9200: 1 invalidated, 0 already invalid, 0 errors (apikeyrevocation/api-key-", ""},
		"Failed": {failed, nil, exitFailed,
			"Failed: API key " + leakedKeyID + " on https://es.example:9200: APIKeyServiceDisabled: API keys are disabled (apikeyrevocation/api-key-",
			"See why with: kubectl describe apikeyrevocation api-key-"},
		"not done in time": {invalid, []string{"--timeout=50ms", "--elasticsearch", "eck/quickstart"}, exitTimedOut,
			"Not done after 50ms, still Pending: API key (id not recorded yet) on eck/quickstart: InvalidEncodedKey: does not hold an API key (apikeyrevocation/api-key-",
			"Follow it with: kubectl get apikeyrevocation api-key-"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, withAPIKeyStatus(tt.status))
			args := append([]string{"api-key", "--reason", "INC-1240"}, tt.args...)
			g.Expect(h.run("Authorization: ApiKey "+leakedKeyEncoded, args...)).To(Equal(tt.wantCode))
			g.Expect(h.out.String()).To(HavePrefix(tt.wantOut))
			g.Expect(h.out.String()).To(HaveSuffix(` in namespace security, reason "INC-1240")` + "\n"))
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantErr))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeyEncoded))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeySecret))
		})
	}
}

func TestAPIKeysSelectsByUserRealmIdsOrName(t *testing.T) {
	tests := map[string]struct {
		args       []string
		want       securityv1alpha1.ApiKeyRevocationSpec
		wantPrefix string
		wantOut    string
	}{
		"a user in a realm": {[]string{"--user", "myuser", "--realm", "saml1"},
			securityv1alpha1.ApiKeyRevocationSpec{Username: str("myuser"), RealmName: str("saml1")}, "api-keys-user-myuser-",
			`every API key of user "myuser" in realm "saml1"`},
		"a user, confirmed": {[]string{"--user", "myuser", "--yes"},
			securityv1alpha1.ApiKeyRevocationSpec{Username: str("myuser")}, "api-keys-user-myuser-",
			`every API key of user "myuser" in every realm`},
		"a realm, confirmed": {[]string{"--realm", "saml1", "-y"},
			securityv1alpha1.ApiKeyRevocationSpec{RealmName: str("saml1")}, "api-keys-realm-saml1-",
			`every API key of every user of realm "saml1"`},
		"ids": {[]string{"--ids", leakedKeyID + ",dGhpcyBpcyBhbiBpZA"},
			securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{leakedKeyID, "dGhpcyBpcyBhbiBpZA"}}, "api-keys-ids-",
			"2 API keys (" + leakedKeyID + ", dGhpcyBpcyBhbiBpZA)"},
		"a name": {[]string{"--key-name", "CI pipeline"},
			securityv1alpha1.ApiKeyRevocationSpec{Name: str("CI pipeline")}, "api-keys-named-ci-pipeline-",
			`every API key named "CI pipeline"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			args := append([]string{"api-keys", "--wait=false", "--reason", "INC-1237"}, tt.args...)
			g.Expect(h.run("", args...)).To(Equal(exitOK), h.errOut.String())
			revs := h.apiKeyRevocations(t)
			g.Expect(revs).To(HaveLen(1))
			tt.want.Reason = str("INC-1237")
			g.Expect(revs[0].Spec).To(Equal(tt.want))
			g.Expect(revs[0].Name).To(HavePrefix(tt.wantPrefix))
			g.Expect(h.out.String()).To(HavePrefix("Created, not waited for: " + tt.wantOut + " on the operator's default Elasticsearch (apikeyrevocation/"))
			g.Expect(h.errOut.String()).NotTo(ContainSubstring("Continue?"))
			var secrets corev1.SecretList
			g.Expect(h.client.List(context.Background(), &secrets)).To(Succeed())
			g.Expect(secrets.Items).To(BeEmpty(), "nothing secret to keep")
		})
	}
}

func TestOnlyAWholeAPIKeyLooksLikeOne(t *testing.T) {
	g := NewWithT(t)
	for _, key := range []string{leakedKeyEncoded, strings.TrimRight(leakedKeyEncoded, "="), leakedKeyID + ":" + leakedKeySecret,
		"-" + leakedKeyEncoded} {
		g.Expect(looksLikeAPIKey(key)).To(BeTrue(), key)
	}
	// Ids as Elasticsearch makes them (20 URL-safe base64 characters of random bytes) and others.
	for _, id := range []string{leakedKeyID, "dGhpcyBpcyBhbiBpZA", "_Mj0pZUBYx-7uTTBbHb6", "AAAAAAAAAAAAAAAAAAAA", "my-key-1"} {
		g.Expect(looksLikeAPIKey(id)).To(BeFalse(), id)
	}
}

func TestAPIKeysAsksBeforeRevokingAUsersOrARealmsKeysEverywhere(t *testing.T) {
	tests := map[string]struct {
		args     []string
		stdin    string
		created  bool
		wantAsks string
	}{
		"a user, no answer": {[]string{"--user", "myuser"}, "", false,
			`This invalidates every API key of user "myuser" in every realm (--realm narrows it) on the operator's default Elasticsearch. Continue? [y/N]`},
		"a realm, no": {[]string{"--realm", "saml1"}, "n\n", false,
			`This invalidates the API keys of every user of realm "saml1" on the operator's default Elasticsearch. Continue? [y/N]`},
		"a user, yes":                    {[]string{"--user", "myuser"}, "yes\n", true, "Continue? [y/N]"},
		"a user in a realm: not asked":   {[]string{"--user", "myuser", "--realm", "saml1"}, "", true, ""},
		"a dry run: not asked":           {[]string{"--realm", "saml1", "--dry-run=server"}, "", false, ""},
		"ids: not asked":                 {[]string{"--ids", leakedKeyID}, "", true, ""},
		"a name on a cluster: not asked": {[]string{"--key-name", "ci", "--elasticsearch", "secret/prod-es"}, "", true, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			code := h.run(tt.stdin, append([]string{"api-keys", "--wait=false", "--reason", "INC-1237"}, tt.args...)...)
			g.Expect(h.apiKeyRevocations(t)).To(HaveLen(map[bool]int{true: 1, false: 0}[tt.created]))
			if tt.wantAsks == "" {
				g.Expect(code).To(Equal(exitOK))
				g.Expect(h.errOut.String()).NotTo(ContainSubstring("Continue?"))
				return
			}
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantAsks))
			g.Expect(code).To(Equal(map[bool]int{true: exitOK, false: exitFailed}[tt.created]))
		})
	}
}

func TestAPIKeysRefusesSelectorsElasticsearchRefusesBeforeAsking(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"no selector":             {nil, "say which API keys: --user USERNAME [--realm REALM], --realm REALM, --ids ID,... or --key-name NAME"},
		"ids and a user":          {[]string{"--ids", "a", "--user", "u"}, "--ids and --key-name each select API keys on their own"},
		"a name and a realm":      {[]string{"--key-name", "n", "--realm", "r"}, "--ids and --key-name each select API keys on their own"},
		"ids and a name":          {[]string{"--ids", "a", "--key-name", "n"}, "--ids and --key-name each select API keys on their own"},
		"an argument":             {[]string{leakedKeyEncoded}, "api-keys takes no argument (not repeated here, in case it is a secret)"},
		"a bad revocation name":   {[]string{"--user", "u", "--name", "Not_A_Name"}, "is not a valid resource name"},
		"an encoded key as an id": {[]string{"--ids", leakedKeyID + "," + leakedKeyEncoded}, "one of the values is a whole API key (not repeated here)"},
		"id:api_key as an id":     {[]string{"--ids", leakedKeyID + ":" + leakedKeySecret}, "one of the values is a whole API key"},
		"a key in place of --ids": {[]string{"--ids", "-" + leakedKeyEncoded}, "one of the values is a whole API key"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			g.Expect(h.run("y\n", append([]string{"api-keys"}, tt.args...)...)).To(Equal(exitFailed))
			g.Expect(h.errOut.String()).To(ContainSubstring(tt.want))
			g.Expect(h.errOut.String()).NotTo(ContainSubstring("Continue?"))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeyEncoded))
			g.Expect(h.output()).NotTo(ContainSubstring(leakedKeySecret))
			g.Expect(h.connects).To(BeZero())
		})
	}
}
