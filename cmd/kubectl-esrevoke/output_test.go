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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/yaml"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

func str(s string) *string { return &s }

// tokrev is a revocation in the test namespace.
func tokrev(name string, spec securityv1alpha1.TokenRevocationSpec, status securityv1alpha1.TokenRevocationStatus) *securityv1alpha1.TokenRevocation {
	return &securityv1alpha1.TokenRevocation{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNamespace, CreationTimestamp: metav1.NewTime(testNow.Add(-time.Hour))},
		Spec:       spec, Status: status,
	}
}

func TestTheSummaryNamesWhatWhereTheCountsAndTheResource(t *testing.T) {
	fromSecret := &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "token"}
	revoked := securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoked, Target: "https://es.example:9200", ErrorCount: int64Ptr(0)}, TokenFingerprint: "sha256:1f2e3d4c5b6a7988", InvalidatedTokens: int64Ptr(1), PreviouslyInvalidatedTokens: int64Ptr(0)}
	tests := map[string]struct {
		rev    *securityv1alpha1.TokenRevocation
		result outcome
		want   string
	}{
		"a revoked token": {tokrev("leak", securityv1alpha1.TokenRevocationSpec{TokenSecretRef: fromSecret, Reason: str("INC-1")}, revoked), outcomeFinished,
			`Revoked: token sha256:1f2e3d4c5b6a7988 on https://es.example:9200: 1 invalidated, 0 already invalid, 0 errors (tokenrevocation/leak in namespace security, reason "INC-1")`},
		"a refresh token, dry run, on ECK": {tokrev("r", securityv1alpha1.TokenRevocationSpec{RefreshTokenSecretRef: fromSecret,
			ElasticsearchRef: &securityv1alpha1.ElasticsearchRef{Name: str("quickstart"), Namespace: str("elastic"), SecretName: str("creds")}},
			securityv1alpha1.TokenRevocationStatus{}), outcomeDryRun,
			`Dry run, accepted by the API server, nothing created: refresh token (fingerprint not recorded yet) on eck/quickstart.elastic with secret/creds (tokenrevocation/r in namespace security)`},
		"a realm, created": {tokrev("realm-x", securityv1alpha1.TokenRevocationSpec{RealmName: str("saml1")}, securityv1alpha1.TokenRevocationStatus{}), outcomeCreated,
			`Created, not waited for: every token of every user of realm "saml1" on the operator's default Elasticsearch (tokenrevocation/realm-x in namespace security)`},
		"a user, failed after partial failures": {tokrev("u", securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}, securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed, Target: "https://es:9200", ErrorCount: int64Ptr(2), Conditions: []metav1.Condition{{Type: "Ready", Reason: "PartialFailure", Message: "2 tokens\n  not invalidated"}}}, InvalidatedTokens: int64Ptr(3), PreviouslyInvalidatedTokens: int64Ptr(1)}), outcomeFinished,
			`Failed: every token of user "myuser" in every realm on https://es:9200: 3 invalidated, 1 already invalid, 2 errors; PartialFailure: 2 tokens not invalidated (tokenrevocation/u in namespace security)`},
		"not done, no status yet": {tokrev("t", securityv1alpha1.TokenRevocationSpec{TokenSecretRef: fromSecret}, securityv1alpha1.TokenRevocationStatus{}), outcomeTimedOut,
			`Not done after 2m0s, still Pending: token (fingerprint not recorded yet) on the operator's default Elasticsearch (tokenrevocation/t in namespace security)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got := summary(tt.rev, tt.result, 2*time.Minute)
			g.Expect(got).To(Equal(tt.want))
			g.Expect(got).NotTo(ContainSubstring("\n"))
		})
	}
}

func TestPrintObjectPrintsAsKubectlWould(t *testing.T) {
	g := NewWithT(t)
	rev := tokrev("leak", securityv1alpha1.TokenRevocationSpec{Username: str("myuser")}, securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Revoked"}})
	rev.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl-esrevoke"}}
	var out strings.Builder
	g.Expect(printObject(&out, rev, outputName)).To(Succeed())
	g.Expect(out.String()).To(Equal("tokenrevocation.security.esrevoke.io/leak\n"))
	for _, format := range []string{outputYAML, outputJSON} {
		out.Reset()
		g.Expect(printObject(&out, rev, format)).To(Succeed())
		var printed securityv1alpha1.TokenRevocation
		g.Expect(yaml.Unmarshal([]byte(out.String()), &printed)).To(Succeed())
		g.Expect(printed.APIVersion).To(Equal("security.esrevoke.io/v1alpha1"))
		g.Expect(printed.Kind).To(Equal("TokenRevocation"))
		g.Expect(printed.Spec).To(Equal(rev.Spec))
		g.Expect(printed.ManagedFields).To(BeEmpty(), "as kubectl, without managed fields")
	}
	g.Expect(rev.Kind).To(BeEmpty(), "the caller's object is left alone")
}

func TestListSummarizesEveryNamespaceOldestFirstWithTotals(t *testing.T) {
	g := NewWithT(t)
	old := tokrev("old", securityv1alpha1.TokenRevocationSpec{RealmName: str("saml1"), Reason: str("INC-1:\nrealm")},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Revoked", Target: "https://es:9200", ErrorCount: int64Ptr(0)}, InvalidatedTokens: int64Ptr(9), PreviouslyInvalidatedTokens: int64Ptr(15)})
	old.CreationTimestamp = metav1.NewTime(testNow.Add(-48 * time.Hour))
	other := tokrev("failed", securityv1alpha1.TokenRevocationSpec{TokenSecretRef: &securityv1alpha1.SecretKeySelector{Name: "s", Key: "token"}},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Failed", Target: "https://es:9200", ErrorCount: int64Ptr(0)}, TokenFingerprint: "sha256:00112233aabbccdd", InvalidatedTokens: int64Ptr(0), PreviouslyInvalidatedTokens: int64Ptr(0)})
	other.Namespace = "other"
	fresh := tokrev("fresh", securityv1alpha1.TokenRevocationSpec{Username: str("bob")}, securityv1alpha1.TokenRevocationStatus{})
	fresh.CreationTimestamp = metav1.NewTime(testNow.Add(-5 * time.Second))
	h := newHarness(t, nil, fresh, old, other)

	g.Expect(h.run("", "list")).To(Equal(exitOK))
	lines := strings.Split(strings.TrimSuffix(h.out.String(), "\n"), "\n")
	g.Expect(lines).To(HaveLen(5))
	g.Expect(strings.Fields(lines[0])).To(Equal([]string{"NAMESPACE", "NAME", "PHASE", "REVOKES", "TARGET", "INVALIDATED", "PREVIOUSLY", "ERRORS", "AGE", "REASON"}))
	g.Expect(lines[1]).To(MatchRegexp(`^security\s+tokenrevocation/old\s+Revoked\s+every token of every user of realm "saml1"\s+https://es:9200\s+9\s+15\s+0\s+2d\s+INC-1: realm$`))
	g.Expect(lines[2]).To(MatchRegexp(`^other\s+tokenrevocation/failed\s+Failed\s+token sha256:00112233aabbccdd\s+https://es:9200\s+0\s+0\s+0\s+60m\s*$`))
	g.Expect(lines[3]).To(MatchRegexp(`^security\s+tokenrevocation/fresh\s+Pending\s+every token of user "bob" in every realm\s+the operator's default Elasticsearch\s+-\s+-\s+-\s+5s\s*$`))
	g.Expect(lines[4]).To(Equal("3 revocations in 2 namespaces: 1 Revoked, 1 Failed, 1 Pending; 9 tokens invalidated"))
}

func TestListWithANamespaceListsOnlyIt(t *testing.T) {
	g := NewWithT(t)
	other := tokrev("elsewhere", securityv1alpha1.TokenRevocationSpec{Username: str("bob")}, securityv1alpha1.TokenRevocationStatus{})
	other.Namespace = "other"
	h := newHarness(t, nil, other)
	// The harness's session stands for -n security: the fake session says the namespace was given.
	h.namespaceGiven = true
	g.Expect(h.run("", "list")).To(Equal(exitOK))
	g.Expect(h.out.String()).To(Equal("No revocations found.\n"))
}

func TestRetryCreatesANewRevocationOfTheSameSpecLinkedToTheFirst(t *testing.T) {
	g := NewWithT(t)
	spec := securityv1alpha1.TokenRevocationSpec{TokenSecretRef: &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "token"}, Reason: str("INC-3")}
	first := tokrev("leak", spec, securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}})
	first.UID = "uid-first"
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: testNamespace, OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "TokenRevocation", Name: "leak", UID: "uid-first", Controller: new(true)}}}}
	h := newHarness(t, nil, first, secret)

	g.Expect(h.run("", "retry", "leak", "--wait=false")).To(Equal(exitOK))
	var retry *securityv1alpha1.TokenRevocation
	for _, rev := range h.revocations(t) {
		if rev.Name != "leak" {
			retry = &rev
		}
	}
	g.Expect(retry).NotTo(BeNil())
	g.Expect(retry.Name).To(HavePrefix("leak-retry-"))
	g.Expect(retry.Spec).To(Equal(spec))
	g.Expect(retry.Labels).To(Equal(map[string]string{retryOfLabel: "leak"}))
	g.Expect(retry.Annotations).To(Equal(map[string]string{retriedFromAnnotation: "leak"}))
	g.Expect(h.client.Get(context.Background(), client.ObjectKeyFromObject(secret), secret)).To(Succeed())
	g.Expect(secret.OwnerReferences).To(HaveLen(2))
	g.Expect(secret.OwnerReferences[1].Name).To(Equal(retry.Name))
	g.Expect(secret.OwnerReferences[1].Controller).To(BeNil(), "the first revocation stays the controller")

	// A retry of the retry still points at the first.
	second := retryOf(&securityv1alpha1.TokenRevocation{ObjectMeta: metav1.ObjectMeta{Name: retry.Name, Labels: retry.Labels}, Spec: spec})
	g.Expect(second.GetLabels()).To(Equal(map[string]string{retryOfLabel: "leak"}))
	g.Expect(second.GetAnnotations()).To(Equal(map[string]string{retriedFromAnnotation: retry.Name}))
	g.Expect(second.GetGenerateName()).To(Equal("leak-retry-"))
}

func TestRetryLeavesASecretNobodyOwnsAlone(t *testing.T) {
	g := NewWithT(t)
	spec := securityv1alpha1.TokenRevocationSpec{TokenSecretRef: &securityv1alpha1.SecretKeySelector{Name: "theirs", Key: "token"}}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "theirs", Namespace: testNamespace}}
	h := newHarness(t, nil, tokrev("gitops", spec, securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}}), secret)
	g.Expect(h.run("", "retry", "gitops", "--wait=false")).To(Equal(exitOK))
	g.Expect(h.client.Get(context.Background(), client.ObjectKeyFromObject(secret), secret)).To(Succeed())
	g.Expect(secret.OwnerReferences).To(BeEmpty())
}

func TestOnlyAFailedRevocationIsRetried(t *testing.T) {
	tests := map[securityv1alpha1.Phase]string{
		securityv1alpha1.PhaseRevoked:  "tokenrevocation x is Revoked: there is nothing to retry",
		securityv1alpha1.PhaseRevoking: "tokenrevocation x is Revoking, not Failed: the operator retries it itself",
		"":                             "tokenrevocation x is Pending, not Failed",
	}
	for phase, want := range tests {
		g := NewWithT(t)
		h := newHarness(t, nil, tokrev("x", securityv1alpha1.TokenRevocationSpec{Username: str("u")}, securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: phase}}))
		g.Expect(h.run("", "retry", "x")).To(Equal(exitFailed))
		g.Expect(h.errOut.String()).To(ContainSubstring(want))
		g.Expect(h.revocations(t)).To(HaveLen(1))
	}
}

func akrev(name string, spec securityv1alpha1.ApiKeyRevocationSpec, status securityv1alpha1.ApiKeyRevocationStatus) *securityv1alpha1.ApiKeyRevocation {
	return &securityv1alpha1.ApiKeyRevocation{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNamespace, CreationTimestamp: metav1.NewTime(testNow.Add(-time.Hour))},
		Spec:       spec, Status: status,
	}
}

func TestTheSummaryOfAnApiKeyRevocationNamesKeysByIdNeverByValue(t *testing.T) {
	fromSecret := &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "api-key"}
	revoked := securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{
		Phase: securityv1alpha1.PhaseRevoked, Target: "https://es:9200", ErrorCount: int64Ptr(0)},
		InvalidatedApiKeys: int64Ptr(2), PreviouslyInvalidatedApiKeys: int64Ptr(1)}
	withID := revoked
	withID.EncodedKeyId = leakedKeyID
	ids := []string{"a1", "b2", "c3", "d4"}
	tests := map[string]struct {
		spec   securityv1alpha1.ApiKeyRevocationSpec
		status securityv1alpha1.ApiKeyRevocationStatus
		want   string
	}{
		"a leaked key, by the id the operator read": {securityv1alpha1.ApiKeyRevocationSpec{EncodedKeySecretRef: fromSecret}, withID,
			"Revoked: API key " + leakedKeyID + " on https://es:9200: 2 invalidated, 1 already invalid, 0 errors (apikeyrevocation/k in namespace security)"},
		"one id":         {securityv1alpha1.ApiKeyRevocationSpec{IDs: ids[:1]}, revoked, "Revoked: API key a1 on"},
		"a few ids":      {securityv1alpha1.ApiKeyRevocationSpec{IDs: ids[:3]}, revoked, "Revoked: 3 API keys (a1, b2, c3) on"},
		"many ids":       {securityv1alpha1.ApiKeyRevocationSpec{IDs: ids}, revoked, "Revoked: 4 API keys (a1, b2, c3, ...) on"},
		"a name, owned":  {securityv1alpha1.ApiKeyRevocationSpec{Name: str("ci"), Owner: new(true)}, revoked, `Revoked: every API key named "ci" owned by the operator's credentials on`},
		"owned":          {securityv1alpha1.ApiKeyRevocationSpec{Owner: new(true)}, revoked, "Revoked: every API key owned by the operator's credentials on"},
		"a user":         {securityv1alpha1.ApiKeyRevocationSpec{Username: str("u")}, revoked, `Revoked: every API key of user "u" in every realm on`},
		"a user's realm": {securityv1alpha1.ApiKeyRevocationSpec{Username: str("u"), RealmName: str("r")}, revoked, `Revoked: every API key of user "u" in realm "r" on`},
		"a realm":        {securityv1alpha1.ApiKeyRevocationSpec{RealmName: str("r")}, revoked, `Revoked: every API key of every user of realm "r" on`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got := summary(akrev("k", tt.spec, tt.status), outcomeFinished, time.Minute)
			g.Expect(got).To(HavePrefix(tt.want))
			g.Expect(got).To(HaveSuffix("(apikeyrevocation/k in namespace security)"))
		})
	}
}

func TestPrintObjectPrintsAnApiKeyRevocationAsKubectlWould(t *testing.T) {
	g := NewWithT(t)
	rev := akrev("leak", securityv1alpha1.ApiKeyRevocationSpec{Username: str("myuser")}, securityv1alpha1.ApiKeyRevocationStatus{})
	var out strings.Builder
	g.Expect(printObject(&out, rev, outputName)).To(Succeed())
	g.Expect(out.String()).To(Equal("apikeyrevocation.security.esrevoke.io/leak\n"))
	out.Reset()
	g.Expect(printObject(&out, rev, outputYAML)).To(Succeed())
	g.Expect(out.String()).To(HavePrefix("apiVersion: security.esrevoke.io/v1alpha1\nkind: ApiKeyRevocation\n"))
}

func TestListShowsApiKeyRevocationsBesideTokenRevocations(t *testing.T) {
	g := NewWithT(t)
	users := tokrev("user-bob", securityv1alpha1.TokenRevocationSpec{Username: str("bob")},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Revoked", Target: "https://es:9200", ErrorCount: int64Ptr(0)},
			InvalidatedTokens: int64Ptr(4), PreviouslyInvalidatedTokens: int64Ptr(0)})
	users.CreationTimestamp = metav1.NewTime(testNow.Add(-2 * time.Hour))
	leak := akrev("api-key-x", securityv1alpha1.ApiKeyRevocationSpec{EncodedKeySecretRef: &securityv1alpha1.SecretKeySelector{Name: "api-key-x", Key: "api-key"}, Reason: str("INC-9")},
		securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Revoked", Target: "https://es:9200", ErrorCount: int64Ptr(0)},
			InvalidatedApiKeys: int64Ptr(1), PreviouslyInvalidatedApiKeys: int64Ptr(0), EncodedKeyId: leakedKeyID})
	bobs := akrev("api-keys-user-bob", securityv1alpha1.ApiKeyRevocationSpec{Username: str("bob")},
		securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: "Failed", ErrorCount: int64Ptr(1)},
			InvalidatedApiKeys: int64Ptr(2), PreviouslyInvalidatedApiKeys: int64Ptr(0)})
	bobs.CreationTimestamp = metav1.NewTime(testNow.Add(-time.Minute))
	h := newHarness(t, nil, users, leak, bobs)
	g.Expect(h.run("", "list")).To(Equal(exitOK))
	lines := strings.Split(strings.TrimSuffix(h.out.String(), "\n"), "\n")
	g.Expect(lines).To(HaveLen(5))
	g.Expect(lines[1]).To(MatchRegexp(`^security\s+tokenrevocation/user-bob\s+Revoked\s+every token of user "bob" in every realm\s+https://es:9200\s+4\s+0\s+0\s+120m\s*$`))
	g.Expect(lines[2]).To(MatchRegexp(`^security\s+apikeyrevocation/api-key-x\s+Revoked\s+API key ` + leakedKeyID + `\s+https://es:9200\s+1\s+0\s+0\s+60m\s+INC-9$`))
	g.Expect(lines[3]).To(MatchRegexp(`^security\s+apikeyrevocation/api-keys-user-bob\s+Failed\s+every API key of user "bob" in every realm\s+the operator's default Elasticsearch\s+2\s+0\s+1\s+60s\s*$`))
	g.Expect(lines[4]).To(Equal("3 revocations in 1 namespace: 2 Revoked, 1 Failed; 4 tokens and 3 API keys invalidated"))
}

func TestRetryRetriesAFailedApiKeyRevocationAndSharesItsSecret(t *testing.T) {
	g := NewWithT(t)
	spec := securityv1alpha1.ApiKeyRevocationSpec{EncodedKeySecretRef: &securityv1alpha1.SecretKeySelector{Name: "leak", Key: "api-key"}, Reason: str("INC-5")}
	first := akrev("leak", spec, securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}})
	first.UID = "uid-first"
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "leak", Namespace: testNamespace, OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "ApiKeyRevocation", Name: "leak", UID: "uid-first", Controller: new(true)}}}}
	h := newHarness(t, nil, first, secret)
	g.Expect(h.run("", "retry", "leak", "--wait=false")).To(Equal(exitOK), h.errOut.String())
	revs := h.apiKeyRevocations(t)
	g.Expect(revs).To(HaveLen(2))
	retry := revs[0]
	if retry.Name == "leak" {
		retry = revs[1]
	}
	g.Expect(retry.Name).To(HavePrefix("leak-retry-"))
	g.Expect(retry.Spec).To(Equal(spec))
	g.Expect(retry.Labels).To(Equal(map[string]string{retryOfLabel: "leak"}))
	g.Expect(h.revocations(t)).To(BeEmpty(), "a retry is of the same kind")
	g.Expect(h.out.String()).To(HavePrefix("Created, not waited for: API key (id not recorded yet) on the operator's default Elasticsearch (apikeyrevocation/leak-retry-"))
	g.Expect(h.client.Get(context.Background(), client.ObjectKeyFromObject(secret), secret)).To(Succeed())
	g.Expect(secret.OwnerReferences).To(HaveLen(2))
	g.Expect(secret.OwnerReferences[1]).To(Equal(metav1.OwnerReference{
		APIVersion: "security.esrevoke.io/v1alpha1", Kind: "ApiKeyRevocation", Name: retry.Name, UID: retry.UID}))
}

func TestRetryTellsTheKindsApartByKindSlashName(t *testing.T) {
	failed := securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}
	both := func() []client.Object {
		return []client.Object{
			tokrev("leak", securityv1alpha1.TokenRevocationSpec{Username: str("u")}, securityv1alpha1.TokenRevocationStatus{RevocationProgress: failed}),
			akrev("leak", securityv1alpha1.ApiKeyRevocationSpec{Username: str("u")}, securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: failed}),
		}
	}
	tests := map[string]struct {
		arg                string
		wantTokens, wantAK int
		wantErr            string
	}{
		"a name both kinds hold":   {"leak", 1, 1, "both a tokenrevocation and an apikeyrevocation are named leak in namespace security: say which to retry, as tokenrevocation/leak or apikeyrevocation/leak"},
		"akrev/NAME":               {"akrev/leak", 1, 2, ""},
		"apikeyrevocations/NAME":   {"apikeyrevocations/leak", 1, 2, ""},
		"as -o name prints it":     {"apikeyrevocation.security.esrevoke.io/leak", 1, 2, ""},
		"tokrev/NAME":              {"tokrev/leak", 2, 1, ""},
		"tokenrevocation/NAME":     {"TokenRevocation/leak", 2, 1, ""},
		"another kind":             {"secret/leak", 1, 1, `"secret" is not a kind of revocation: use tokenrevocation/NAME (tokrev/NAME) or apikeyrevocation/NAME (akrev/NAME)`},
		"a name neither holds":     {"other", 1, 1, "no tokenrevocation or apikeyrevocation named other in namespace security"},
		"a kind without that name": {"akrev/other", 1, 1, "no apikeyrevocation named other in namespace security"},
		"not a name":               {"akrev/", 1, 1, `"" is not a revocation's name`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil, both()...)
			code := h.run("", "retry", tt.arg, "--wait=false")
			g.Expect(h.revocations(t)).To(HaveLen(tt.wantTokens))
			g.Expect(h.apiKeyRevocations(t)).To(HaveLen(tt.wantAK))
			if tt.wantErr != "" {
				g.Expect(code).To(Equal(exitFailed))
				g.Expect(h.errOut.String()).To(ContainSubstring(tt.wantErr))
				return
			}
			g.Expect(code).To(Equal(exitOK), h.errOut.String())
		})
	}
}

func TestRetryFindsARevocationOfEitherKindByItsName(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil, akrev("only-key", securityv1alpha1.ApiKeyRevocationSpec{IDs: []string{"a1"}},
		securityv1alpha1.ApiKeyRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseRevoked}}))
	g.Expect(h.run("", "retry", "only-key")).To(Equal(exitFailed))
	g.Expect(h.errOut.String()).To(ContainSubstring("apikeyrevocation only-key is Revoked: there is nothing to retry"))
}

func TestListAndRetryGoOnWhenTheAPIServerDoesNotKnowApiKeyRevocations(t *testing.T) {
	g := NewWithT(t)
	noMatch := &apimeta.NoKindMatchError{GroupKind: securityv1alpha1.GroupVersion.WithKind("ApiKeyRevocation").GroupKind()}
	funcs := &interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*securityv1alpha1.ApiKeyRevocationList); ok {
				return noMatch
			}
			return c.List(ctx, list, opts...)
		},
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if _, ok := obj.(*securityv1alpha1.ApiKeyRevocation); ok {
				return noMatch
			}
			return c.Get(ctx, key, obj, opts...)
		},
	}
	failed := tokrev("leak", securityv1alpha1.TokenRevocationSpec{Username: str("u")},
		securityv1alpha1.TokenRevocationStatus{RevocationProgress: securityv1alpha1.RevocationProgress{Phase: securityv1alpha1.PhaseFailed}})
	h := newHarness(t, funcs, failed)
	g.Expect(h.run("", "list")).To(Equal(exitOK), h.errOut.String())
	g.Expect(h.out.String()).To(ContainSubstring("tokenrevocation/leak"))
	g.Expect(h.out.String()).To(HaveSuffix("1 revocation in 1 namespace: 1 Failed; 0 tokens invalidated\n"))
	g.Expect(h.run("", "retry", "leak", "--wait=false")).To(Equal(exitOK), h.errOut.String())
	g.Expect(h.revocations(t)).To(HaveLen(2))
}
