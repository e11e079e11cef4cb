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
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Differential tests of ApiKeyRevocation's two layers of validation, as differential_test.go does
// for TokenRevocations: the webhook's validator and the CRD's rules must give every spec the same
// verdict.

// Which optional parts of an ApiKeyRevocationSpec are set, one bit each.
const (
	setAKEncodedKeySecretRef uint16 = 1 << iota
	setAKIDs
	setAKName
	setAKRealmName
	setAKUsername
	setAKOwner
	setAKReason
	setAKElasticsearchRef // even with none of its fields
	setAKESSecretName
	setAKESName
	setAKESNamespace
)

// maxExtraIDs bounds the generated ids added to an input's own, a little past the CRD's maxItems.
const maxExtraIDs = maxAPIKeyIDs + 2

// apiKeyInput is an ApiKeyRevocationSpec in the fuzzer's terms: which fields are set, and their
// values. ids holds the ids separated by newlines ("" is the empty list), and extraIDs more
// distinct generated ids are appended, to reach the bound on their number. The key Secret and the
// connection Secret both use refName.
type apiKeyInput struct {
	fields                               uint16
	owner                                bool
	ids                                  string
	extraIDs                             uint16
	name, realm, username, reason        string
	refName, refKey, esName, esNamespace string
}

func (in apiKeyInput) spec() ApiKeyRevocationSpec {
	var spec ApiKeyRevocationSpec
	set := func(bit uint16, value string) *string {
		if in.fields&bit == 0 {
			return nil
		}
		return &value
	}
	spec.Name = set(setAKName, in.name)
	spec.RealmName = set(setAKRealmName, in.realm)
	spec.Username = set(setAKUsername, in.username)
	spec.Reason = set(setAKReason, in.reason)
	if in.fields&setAKOwner != 0 {
		spec.Owner = &in.owner
	}
	if in.fields&setAKIDs != 0 {
		spec.IDs = []string{}
		if in.ids != "" {
			spec.IDs = strings.Split(in.ids, "\n")
		}
		spec.IDs = append(spec.IDs, distinctIDs(int(in.extraIDs)%(maxExtraIDs+1))...)
	}
	if in.fields&setAKEncodedKeySecretRef != 0 {
		spec.EncodedKeySecretRef = &SecretKeySelector{Name: in.refName, Key: in.refKey}
	}
	if in.fields&(setAKElasticsearchRef|setAKESSecretName|setAKESName|setAKESNamespace) != 0 {
		spec.ElasticsearchRef = &ElasticsearchRef{
			SecretName: set(setAKESSecretName, in.refName),
			Name:       set(setAKESName, in.esName),
			Namespace:  set(setAKESNamespace, in.esNamespace),
		}
	}
	return spec
}

// apiKeyAgreement checks that the webhook's validator and the API server's rules give spec the
// same verdict, and returns whether the webhook accepted it.
func apiKeyAgreement(t *testing.T, c client.Client, spec ApiKeyRevocationSpec) bool {
	t.Helper()
	raw := apiKeySpecJSON(t, spec)
	_, webhookErr := (&ApiKeyRevocationValidator{}).ValidateCreate(context.Background(), newApiKeyRevocation(apiKeyAsSent(t, raw)))
	// A dry run goes through the whole validation, CEL included, and stores nothing.
	apiErr := c.Create(context.Background(), unstructuredApiKey(t, raw), client.DryRunAll)
	compareVerdicts(t, describeAPIKeySpec(raw), webhookErr, apiErr)
	return webhookErr == nil
}

// describeAPIKeySpec is describeSpec with a long list of ids cut to its first ones and its length.
func describeAPIKeySpec(raw []byte) string {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return string(raw)
	}
	if ids, ok := fields["ids"].([]any); ok && len(ids) > 5 {
		fields["ids"] = append(ids[:3:3], "…("+strconv.Itoa(len(ids))+" ids)")
	}
	out, _ := json.Marshal(fields)
	return describeSpec(out)
}

// Interesting ids: valid ones, blanks, whitespace, control and bidirectional formatting characters,
// and lengths at and just past the bound, in characters, with multi-byte characters too.
var idValues = []string{seedAPIKeyID, "key-0001", "a", "é", "日本", "a:b", "dGhpcyBpcyBub3QgYW4=", "\u00a0", "\u200b",
	"", " ", "a b", "a\tb", "\x00", "a\u0085", "\x1b[2J", "a\u202eb", "\u2069", "\u3000", strings.Repeat("k", 256), strings.Repeat("k", 257),
	strings.Repeat("é", 256), strings.Repeat("é", 257), "\xff"}

// validAPIKeyShapes are the field sets Elasticsearch accepts (owner is drawn true for them).
var validAPIKeyShapes = []uint16{setAKEncodedKeySecretRef, setAKIDs, setAKName, setAKRealmName, setAKUsername,
	setAKRealmName | setAKUsername, setAKOwner, setAKOwner | setAKIDs, setAKOwner | setAKName}

// randomAPIKeyInput draws an input, mostly near a valid one: a valid shape with now and then an
// extra or a missing field, owner false, blank or out-of-bounds values, bad ids, or random text.
func randomAPIKeyInput(r *rand.Rand) apiKeyInput {
	oneOf := func(values []string) string { return values[r.IntN(len(values))] }
	text := func() string {
		switch r.IntN(14) {
		case 0, 1:
			return oneOf(blankValues)
		case 2, 3:
			return oneOf(boundValues)
		case 4:
			return randomText(r)
		default:
			return oneOf(textValues)
		}
	}
	name := func() string {
		if r.IntN(6) == 0 {
			return oneOf(invalidNames)
		}
		return oneOf(validNames)
	}
	key := func() string {
		if r.IntN(6) == 0 {
			return oneOf(invalidKeys)
		}
		return oneOf(validKeys)
	}
	in := apiKeyInput{
		owner: r.IntN(5) > 0, ids: randomIDs(r), name: text(), realm: text(), username: text(), reason: text(),
		refName: name(), refKey: key(), esName: name(), esNamespace: name(),
	}
	if r.IntN(5) > 0 {
		in.fields = validAPIKeyShapes[r.IntN(len(validAPIKeyShapes))]
	}
	if r.IntN(12) == 0 {
		// 999, 1000 or 1001 ids: at the bound on their number and just past it.
		in.fields |= setAKIDs
		in.ids, in.extraIDs = seedAPIKeyID, uint16(maxAPIKeyIDs-2+r.IntN(3))
	}
	for bit := uint16(1); bit <= setAKESNamespace; bit <<= 1 {
		if r.IntN(12) == 0 {
			in.fields ^= bit
		}
	}
	return in
}

// randomIDs draws ids as apiKeyInput holds them: mostly one valid id, sometimes none, several,
// duplicates or invalid ones.
func randomIDs(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0:
		return "" // the empty list
	case 1:
		return seedAPIKeyID + "\n" + seedAPIKeyID
	case 2, 3:
		ids := make([]string, 1+r.IntN(3))
		for i := range ids {
			ids[i] = idValues[r.IntN(len(idValues))]
		}
		return strings.Join(ids, "\n")
	case 4:
		return randomText(r)
	default:
		return idValues[r.IntN(3)]
	}
}

func TestWebhookAndCRDAgreeOnRandomApiKeySpecs(t *testing.T) {
	c := crdOnlyClient(t)
	r := rand.New(rand.NewPCG(20261130, 4242)) //nolint:gosec // a reproducible test sequence
	const specs = 400
	accepted := 0
	for range specs {
		if apiKeyAgreement(t, c, randomAPIKeyInput(r).spec()) {
			accepted++
		}
	}
	// The generator must exercise both verdicts, or agreement would prove little.
	if accepted < specs/10 || accepted > specs*9/10 {
		t.Errorf("the generator produced %d valid specs out of %d: it should produce both verdicts", accepted, specs)
	}
}

func FuzzApiKeyValidationAgreesWithCEL(f *testing.F) {
	seeds := []apiKeyInput{
		{},
		{fields: setAKReason, reason: "INC-1"},
		{fields: setAKOwner, owner: false},
		{fields: setAKOwner, owner: true},
		{fields: setAKEncodedKeySecretRef, refName: "leaked", refKey: "encoded"},
		{fields: setAKEncodedKeySecretRef | setAKOwner, refName: "leaked", refKey: "encoded", owner: false},
		{fields: setAKEncodedKeySecretRef | setAKIDs, refName: "leaked", refKey: "encoded", ids: seedAPIKeyID},
		{fields: setAKEncodedKeySecretRef | setAKUsername, refName: "leaked", refKey: "encoded", username: "u"},
		{fields: setAKEncodedKeySecretRef, refName: "Leaked", refKey: "encoded"},
		{fields: setAKEncodedKeySecretRef, refName: "leaked", refKey: "a/b"},
		{fields: setAKIDs, ids: seedAPIKeyID},
		{fields: setAKIDs, ids: ""},
		{fields: setAKIDs | setAKOwner, ids: "", owner: true},
		{fields: setAKIDs, ids: "\n"},
		{fields: setAKIDs, ids: "a\na"},
		{fields: setAKIDs, ids: "a b"},
		{fields: setAKIDs, ids: "\u00a0"},
		{fields: setAKIDs, ids: "a\x00"},
		{fields: setAKIDs, ids: "a\u0085"},
		{fields: setAKIDs, ids: strings.Repeat("k", 256)},
		{fields: setAKIDs, ids: strings.Repeat("k", 257)},
		{fields: setAKIDs, ids: strings.Repeat("é", 257)},
		{fields: setAKIDs, ids: "x", extraIDs: maxAPIKeyIDs - 1},
		{fields: setAKIDs, ids: "x", extraIDs: maxAPIKeyIDs},
		{fields: setAKIDs, ids: "key-0000", extraIDs: 2},
		{fields: setAKIDs | setAKName, ids: seedAPIKeyID, name: "ci"},
		{fields: setAKIDs | setAKRealmName, ids: seedAPIKeyID, realm: "r"},
		{fields: setAKIDs | setAKOwner, ids: seedAPIKeyID, owner: true},
		{fields: setAKName, name: "ci-deploy-key"},
		{fields: setAKName, name: ""},
		{fields: setAKName, name: "\u3000"},
		{fields: setAKName, name: "\u0085"},
		{fields: setAKName, name: strings.Repeat("é", 1024)},
		{fields: setAKName, name: strings.Repeat("é", 1025)},
		{fields: setAKName, name: "ci\u202e"},
		{fields: setAKName | setAKUsername, name: "ci", username: "u"},
		{fields: setAKRealmName, realm: "saml1"},
		{fields: setAKRealmName, realm: "\u2066saml1\u2069"},
		{fields: setAKUsername, username: "myuser"},
		{fields: setAKUsername, username: "my\tuser"},
		{fields: setAKRealmName | setAKUsername, realm: "saml1", username: "myuser"},
		{fields: setAKRealmName | setAKUsername, realm: "saml1", username: " "},
		{fields: setAKOwner | setAKUsername, owner: true, username: "u"},
		{fields: setAKOwner | setAKUsername, owner: false, username: "u"},
		{fields: setAKOwner | setAKRealmName, owner: true, realm: "r"},
		{fields: setAKUsername | setAKReason, username: "u", reason: strings.Repeat("r", 1025)},
		{fields: setAKUsername | setAKReason, username: "u", reason: ""},
		{fields: setAKUsername | setAKReason, username: "u", reason: "INC-1\nPhase: Revoked"},
		{fields: setAKUsername | setAKElasticsearchRef, username: "u"},
		{fields: setAKUsername | setAKESSecretName, username: "u", refName: "prod-es"},
		{fields: setAKUsername | setAKESName | setAKESNamespace, username: "u", esName: "quickstart", esNamespace: "elastic"},
		{fields: setAKUsername | setAKESSecretName | setAKESNamespace, username: "u", refName: "es", esNamespace: "elastic"},
		{fields: setAKUsername | setAKESName | setAKESNamespace, username: "u", esName: "es", esNamespace: "Elastic.NS"},
	}
	for _, s := range seeds {
		f.Add(s.fields, s.owner, s.ids, s.extraIDs, s.name, s.realm, s.username, s.reason, s.refName, s.refKey, s.esName, s.esNamespace)
	}
	c := fuzzingClient(f)
	f.Fuzz(func(t *testing.T, fields uint16, owner bool, ids string, extraIDs uint16,
		name, realm, username, reason, refName, refKey, esName, esNamespace string) {
		apiKeyAgreement(t, c, apiKeyInput{fields: fields, owner: owner, ids: ids, extraIDs: extraIDs, name: name, realm: realm,
			username: username, reason: reason, refName: refName, refKey: refKey, esName: esName, esNamespace: esNamespace}.spec())
	})
}
