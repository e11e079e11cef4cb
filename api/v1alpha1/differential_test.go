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
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Differential tests of the two layers of validation: the webhook's validator and the CRD's own
// rules (CEL, patterns, bounds) as the API server enforces them. For any spec they must give the
// same verdict, or a cluster without the webhook accepts what the webhook refuses (or the other way
// round). Specs are sent as the API server receives them: through JSON.

// Which optional parts of a spec are set, one bit each.
const (
	setToken uint16 = 1 << iota
	setTokenSecretRef
	setRefreshToken
	setRefreshTokenSecretRef
	setRealmName
	setUsername
	setReason
	setElasticsearchRef // even with none of its fields
	setESSecretName
	setESName
	setESNamespace
	setTokenList
	setRefreshTokenList
)

// specInput is a spec in the fuzzer's terms: which fields are set, and their values. Both Secret
// references use refName and refKey.
type specInput struct {
	fields                                       uint16
	token, refreshToken, realm, username, reason string
	refName, refKey, esName, esNamespace         string
}

func (in specInput) spec() TokenRevocationSpec {
	var spec TokenRevocationSpec
	set := func(bit uint16, value string) *string {
		if in.fields&bit == 0 {
			return nil
		}
		return &value
	}
	spec.Token = set(setToken, in.token)
	spec.RefreshToken = set(setRefreshToken, in.refreshToken)
	spec.RealmName = set(setRealmName, in.realm)
	spec.Username = set(setUsername, in.username)
	spec.Reason = set(setReason, in.reason)
	if in.fields&setTokenSecretRef != 0 {
		spec.TokenSecretRef = &SecretKeySelector{Name: in.refName, Key: in.refKey}
	}
	if in.fields&setRefreshTokenSecretRef != 0 {
		spec.RefreshTokenSecretRef = &SecretKeySelector{Name: in.refName, Key: in.refKey}
	}
	if in.fields&setTokenList != 0 {
		spec.TokenListSecretRef = &SecretKeySelector{Name: in.refName, Key: in.refKey}
	}
	if in.fields&setRefreshTokenList != 0 {
		spec.RefreshTokenListSecretRef = &SecretKeySelector{Name: in.refName, Key: in.refKey}
	}
	if in.fields&(setElasticsearchRef|setESSecretName|setESName|setESNamespace) != 0 {
		spec.ElasticsearchRef = &ElasticsearchRef{
			SecretName: set(setESSecretName, in.refName),
			Name:       set(setESName, in.esName),
			Namespace:  set(setESNamespace, in.esNamespace),
		}
	}
	return spec
}

// fuzzKubeconfigEnv names the kubeconfig of the API server that a fuzzing coordinator shares with
// its workers.
const fuzzKubeconfigEnv = "TOKREV_FUZZ_KUBECONFIG"

// fuzzingClient is a client of an API server with the CRD and no webhook. With -fuzz, the workers
// are processes the fuzzing engine starts and stops by itself: an API server of their own would
// outlive them (and keep the engine's pipes open, hanging it), so the coordinator starts one and
// hands its kubeconfig to the workers, which start nothing. Without -fuzz (go test runs the seed
// corpus), this is crdOnlyClient.
func fuzzingClient(f *testing.F) client.Client {
	if isFlagSet("test.fuzzworker") && os.Getenv(fuzzKubeconfigEnv) != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv(fuzzKubeconfigEnv))
		if err != nil {
			f.Fatal(err)
		}
		cfg.QPS, cfg.Burst = 1000, 1000 // the client's default (5 per second) would throttle the fuzzer
		c, err := client.New(cfg, client.Options{Scheme: testScheme()})
		if err != nil {
			f.Fatal(err)
		}
		return c
	}
	c := crdOnlyClient(f)
	if fuzz := flag.Lookup("test.fuzz"); fuzz != nil && fuzz.Value.String() != "" {
		user, err := crdOnly.env.ControlPlane.AddUser(envtest.User{Name: "fuzzer", Groups: []string{"system:masters"}}, nil)
		if err != nil {
			f.Fatal(err)
		}
		kubeconfig, err := user.KubeConfig()
		if err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(f.TempDir(), "kubeconfig")
		if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
			f.Fatal(err)
		}
		f.Setenv(fuzzKubeconfigEnv, path) // the workers inherit the coordinator's environment
	}
	return c
}

func isFlagSet(name string) bool {
	fl := flag.Lookup(name)
	return fl != nil && fl.Value.String() == "true"
}

// agreement checks that the webhook's validator and the API server's rules give spec the same verdict.
func agreement(t *testing.T, c client.Client, spec TokenRevocationSpec) {
	t.Helper()
	// What the API server and the webhook see is the spec after JSON (invalid UTF-8 becomes U+FFFD).
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var sent TokenRevocationSpec
	if err := json.Unmarshal(raw, &sent); err != nil {
		t.Fatal(err)
	}
	_, webhookErr := (&TokenRevocationValidator{}).ValidateCreate(context.Background(), newRevocation(sent))
	// A dry run goes through the whole validation, CEL included, and stores nothing.
	apiErr := c.Create(context.Background(), generated(sent), client.DryRunAll)
	compareVerdicts(t, describeSpec(raw), webhookErr, apiErr)
}

// compareVerdicts fails the test when the webhook's verdict on a spec differs from the API
// server's (CEL and schema), or when the API server failed otherwise than refusing it.
func compareVerdicts(t *testing.T, described string, webhookErr, apiErr error) {
	t.Helper()
	if apiErr != nil && !apierrors.IsInvalid(apiErr) {
		t.Fatalf("the API server failed on spec %s: %v", described, apiErr)
	}
	if (webhookErr == nil) != (apiErr == nil) {
		t.Errorf("the webhook and the CRD disagree on spec %s:\n  webhook: %s\n  API server (CEL and schema): %s",
			described, verdict(webhookErr), verdict(apiErr))
	}
}

func verdict(err error) string {
	if err == nil {
		return "accepted"
	}
	return "rejected: " + truncateForReport(err.Error())
}

// describeSpec shortens long values so that a report stays readable; it keeps their length.
func describeSpec(raw []byte) string {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return string(raw)
	}
	shorten(fields)
	out, _ := json.Marshal(fields)
	return asciiOnly(string(out))
}

// asciiOnly escapes every non-ASCII character of a JSON text, so that spaces and look-alikes show.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func shorten(fields map[string]any) {
	for k, v := range fields {
		switch v := v.(type) {
		case string:
			if len([]rune(v)) > 40 {
				fields[k] = string([]rune(v)[:20]) + "…(" + strconv.Itoa(len([]rune(v))) + " characters)"
			}
		case map[string]any:
			shorten(v)
		}
	}
}

func truncateForReport(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// Interesting values: blanks (ASCII and Unicode spaces, and characters that look blank but are not
// spaces), lengths at and just past each bound (in characters, with multi-byte characters too),
// and valid and invalid names and keys.
var (
	blankValues = []string{"", " ", "\t", "\n", "\r\n", " \t\n\v\f\r ", "\u00a0", "\u2003", "\u3000", "\u0085",
		"\u2028", "\u1680", "\u202f", "\u205f", "\u200b", "\ufeff", "\u180e", "\u0000", " \u00a0x\u3000 "}
	textValues = []string{"a", "myuser", "saml1", "default_native", "INC-1234: leaked", seedToken, seedRefreshToken,
		"ünïcödé", "日本語のユーザー", "x y", "\u200bzero-width", "emoji🔑", "a\x00b", "\xff\xfe bad utf-8",
		"INC-1 \x1b[31mred\x1b[0m", "INC-1\nPhase: Revoked", "evil\u202etxt.exe", "\u2066isolated\u2069", "a\u061cb",
		"rtl\u200fmark", "tab\there", "c1\u009bcontrol", "\u00adsoft-hyphen", "\u202fnarrow-nbsp"}
	boundValues = []string{strings.Repeat("é", 1024), strings.Repeat("é", 1025), strings.Repeat("u", 1024),
		strings.Repeat("u", 1025), strings.Repeat("t", 8192), strings.Repeat("t", 8193), strings.Repeat("日", 8192),
		strings.Repeat("日", 8193), " " + strings.Repeat("u", 1023), strings.Repeat(" ", 1025)}
	validNames = []string{"leaked", "prod-es", "a", "a.b", "a-b.c-d", "0", "a1", "es.example.com", strings.Repeat("a", 253),
		strings.Repeat("a", 63), strings.Repeat("a.", 126) + "a"}
	invalidNames = []string{strings.Repeat("a", 254), strings.Repeat("a", 64), "", " ", "Leaked", "not_a_name", "-a", "a-",
		"a..b", ".a", "a.", "a b", "a\n", "é", "a/b", "a:b"}
	validKeys   = []string{"token", "refresh", "TOKEN", "a.b", "a_b", "-", ".", "..", "a-._Z9", strings.Repeat("k", 253)}
	invalidKeys = []string{strings.Repeat("k", 254), "", " ", "a/b", "a b", "a\n", "é", "a:b", "a=b"}
)

// validShapes are the field sets Elasticsearch accepts.
var validShapes = []uint16{setToken, setTokenSecretRef, setRefreshToken, setRefreshTokenSecretRef, setRealmName,
	setUsername, setRealmName | setUsername, setTokenList, setRefreshTokenList}

// randomInput draws a spec input, mostly near a valid one: a valid shape with now and then an
// extra field, blank or out-of-bounds values, invalid names, or random text.
func randomInput(r *rand.Rand) specInput {
	oneOf := func(values []string) string { return values[r.IntN(len(values))] }
	text := func() string {
		switch r.IntN(12) {
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
		switch r.IntN(6) {
		case 0:
			return oneOf(invalidNames)
		case 1:
			return randomText(r)
		default:
			return oneOf(validNames)
		}
	}
	key := func() string {
		switch r.IntN(6) {
		case 0:
			return oneOf(invalidKeys)
		case 1:
			return randomText(r)
		default:
			return oneOf(validKeys)
		}
	}
	in := specInput{
		token: text(), refreshToken: text(), realm: text(), username: text(), reason: text(),
		refName: name(), refKey: key(), esName: name(), esNamespace: name(),
	}
	if r.IntN(5) > 0 {
		in.fields = validShapes[r.IntN(len(validShapes))]
	}
	for bit := uint16(1); bit <= setRefreshTokenList; bit <<= 1 {
		if r.IntN(8) == 0 {
			in.fields ^= bit
		}
	}
	return in
}

func randomText(r *rand.Rand) string {
	alphabet := []rune("aZ9-._ /:é日🔑\u00a0\u3000\t\n\x00\x1b\u202e\u2067")
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestWebhookAndCRDAgreeOnRandomSpecs(t *testing.T) {
	c := crdOnlyClient(t)
	r := rand.New(rand.NewPCG(20260707, 1237)) //nolint:gosec // a reproducible test sequence
	accepted := 0
	for range 300 {
		spec := randomInput(r).spec()
		agreement(t, c, spec)
		if len(ValidateSpec(&spec, nil)) == 0 {
			accepted++
		}
	}
	// The generator must exercise both verdicts, or agreement would prove little.
	if accepted < 30 || accepted > 270 {
		t.Errorf("the generator produced %d valid specs out of 300: it should produce both verdicts", accepted)
	}
}

func FuzzValidationAgreesWithCEL(f *testing.F) {
	seeds := []specInput{
		{},
		{fields: setReason, reason: "INC-1"},
		{fields: setToken, token: seedToken},
		{fields: setToken, token: ""},
		{fields: setToken, token: " \t\n"},
		{fields: setToken, token: "\u00a0\u3000"},
		{fields: setToken, token: "\u0085"},
		{fields: setToken, token: "\u200b"},
		{fields: setToken, token: "\ufeff"},
		{fields: setToken, token: "\u180e"},
		{fields: setToken, token: strings.Repeat("t", 8192)},
		{fields: setToken, token: strings.Repeat("t", 8193)},
		{fields: setToken, token: strings.Repeat("日", 8192)},
		{fields: setToken, token: strings.Repeat("日", 8193)},
		{fields: setRefreshToken, refreshToken: seedRefreshToken},
		{fields: setRefreshToken, refreshToken: "\u2028"},
		{fields: setTokenSecretRef, refName: "leaked", refKey: "token"},
		{fields: setRefreshTokenSecretRef, refName: "leaked", refKey: "refresh"},
		{fields: setToken | setTokenSecretRef, token: "a", refName: "s", refKey: "k"},
		{fields: setRefreshToken | setRefreshTokenSecretRef, refreshToken: "b", refName: "s", refKey: "k"},
		{fields: setToken | setRefreshToken, token: "a", refreshToken: "b"},
		{fields: setTokenSecretRef | setRefreshTokenSecretRef, refName: "s", refKey: "k"},
		{fields: setToken | setRealmName, token: "a", realm: "r"},
		{fields: setTokenSecretRef | setUsername, refName: "s", refKey: "k", username: "u"},
		{fields: setRefreshToken | setUsername, refreshToken: "b", username: "u"},
		{fields: setRefreshTokenSecretRef | setRealmName, refName: "s", refKey: "k", realm: "r"},
		{fields: setRealmName, realm: "saml1"},
		{fields: setUsername, username: "myuser"},
		{fields: setRealmName | setUsername, realm: "saml1", username: "myuser"},
		{fields: setRealmName | setUsername, realm: "saml1", username: "\u3000"},
		{fields: setUsername, username: strings.Repeat("é", 1024)},
		{fields: setUsername, username: strings.Repeat("é", 1025)},
		{fields: setUsername | setReason, username: "u", reason: strings.Repeat("r", 1024)},
		{fields: setUsername | setReason, username: "u", reason: strings.Repeat("r", 1025)},
		{fields: setUsername | setReason, username: "u", reason: "  "},
		{fields: setUsername | setReason, username: "u", reason: "INC-1\nPhase: Revoked"},
		{fields: setUsername | setReason, username: "u", reason: "\x1b]8;;https://evil\x1b\\"},
		{fields: setRealmName, realm: "saml\u202e1"},
		{fields: setUsername, username: "my\u2068user"},
		{fields: setUsername, username: "my\u200duser"},
		{fields: setTokenSecretRef, refName: "", refKey: "token"},
		{fields: setTokenSecretRef, refName: "Not_A_Name", refKey: "token"},
		{fields: setTokenSecretRef, refName: strings.Repeat("a", 253), refKey: strings.Repeat("k", 253)},
		{fields: setTokenSecretRef, refName: strings.Repeat("a", 254), refKey: "token"},
		{fields: setTokenSecretRef, refName: "leaked", refKey: "a/b"},
		{fields: setTokenSecretRef, refName: "leaked", refKey: ".."},
		{fields: setTokenSecretRef, refName: "a\n", refKey: "token"},
		{fields: setUsername | setElasticsearchRef, username: "u"},
		{fields: setUsername | setESSecretName, username: "u", refName: "prod-es"},
		{fields: setUsername | setESName | setESNamespace, username: "u", esName: "quickstart", esNamespace: "elastic"},
		{fields: setUsername | setESSecretName | setESNamespace, username: "u", refName: "es", esNamespace: "elastic"},
		{fields: setUsername | setESName | setESNamespace, username: "u", esName: "es", esNamespace: "Elastic.NS"},
		{fields: setUsername | setESName | setESNamespace, username: "u", esName: "es", esNamespace: strings.Repeat("a", 64)},
		{fields: setUsername | setESName | setESSecretName, username: "u", esName: "es", refName: "creds"},
		{fields: setTokenList, refName: "leak-list", refKey: "tokens"},
		{fields: setRefreshTokenList, refName: "leak-list", refKey: "refresh"},
		{fields: setTokenList | setRefreshTokenList, refName: "leak-list", refKey: "tokens"},
		{fields: setTokenList | setToken, refName: "leak-list", refKey: "tokens", token: "a"},
		{fields: setRefreshTokenList | setRealmName | setUsername, refName: "l", refKey: "k", realm: "r", username: "u"},
		{fields: setTokenList | setReason, refName: "leak-list", refKey: "a/b", reason: "INC-9"},
	}
	for _, s := range seeds {
		f.Add(s.fields, s.token, s.refreshToken, s.realm, s.username, s.reason, s.refName, s.refKey, s.esName, s.esNamespace)
	}
	c := fuzzingClient(f)
	f.Fuzz(func(t *testing.T, fields uint16, token, refreshToken, realm, username, reason, refName, refKey, esName, esNamespace string) {
		agreement(t, c, specInput{fields: fields, token: token, refreshToken: refreshToken, realm: realm, username: username,
			reason: reason, refName: refName, refKey: refKey, esName: esName, esNamespace: esNamespace}.spec())
	})
}
