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
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

// started is a running command.
type started struct {
	url    string
	stderr *localenv.SyncBuffer
	stop   func() error
}

// start runs the command and waits for its "listening on" line.
func start(t *testing.T, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, in := io.Pipe()
	stderr := &localenv.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, in, stderr)
		_ = in.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no address line: %v (stderr: %s)", err, stderr.String())
	}
	m := regexp.MustCompile(`^es-emulator listening on (https?://127\.0\.0\.1:[0-9]+)\n$`).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("unexpected first line %q", line)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return started{url: m[1], stderr: stderr, stop: stop}
}

func request(t *testing.T, client *http.Client, method, url, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func basicAuth(user, password string) string {
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}

func TestTheCommandMintsAndInvalidatesLikeTheDocumentation(t *testing.T) {
	g := NewWithT(t)
	cmd := start(t, "--listen", "127.0.0.1:0", "--user", "elastic:changeme-secret",
		"--user", "test_admin:x-pack-test-password:default_file", "--unprivileged-user", "bob:bob-secret",
		"--api-key", "key-1:key-secret")
	auth := basicAuth("elastic", "changeme-secret")

	// Elastic's get-token documentation.
	status, minted := request(t, http.DefaultClient, http.MethodPost, cmd.url+"/_security/oauth2/token", auth,
		"{\n  \"grant_type\" : \"password\",\n  \"username\" : \"test_admin\",\n  \"password\" : \"x-pack-test-password\"\n}")
	g.Expect(status).To(Equal(http.StatusOK))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	g.Expect(json.Unmarshal([]byte(minted), &tok)).To(Succeed())

	// The invalidate-token request body of seed 000, with the minted token.
	seedBody := "{\n\"token\" : \"" + tok.AccessToken + "\"\n}"
	status, body := request(t, http.DefaultClient, http.MethodDelete, cmd.url+"/_security/oauth2/token", auth, seedBody)
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(body).To(Equal(`{"invalidated_tokens":1,"previously_invalidated_tokens":0,"error_count":0}`))

	// The seed's own token is not a real token.
	status, _ = request(t, http.DefaultClient, http.MethodDelete, cmd.url+"/_security/oauth2/token",
		"ApiKey a2V5LTE6a2V5LXNlY3JldA==", "{\n\"token\" : \"dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ==\"\n}")
	g.Expect(status).To(Equal(http.StatusNotFound))
	status, _ = request(t, http.DefaultClient, http.MethodDelete, cmd.url+"/_security/oauth2/token",
		basicAuth("bob", "bob-secret"), `{"username":"test_admin"}`)
	g.Expect(status).To(Equal(http.StatusForbidden))

	g.Expect(cmd.stop()).To(Succeed(), "a cancelled context shuts down gracefully")
	g.Expect(cmd.stderr.String()).To(ContainSubstring("TEST TOOL"))
	g.Expect(cmd.stderr.String()).To(ContainSubstring("test_admin (default_file)"))
	for _, secret := range []string{"changeme-secret", "x-pack-test-password", "bob-secret", "key-secret"} {
		g.Expect(cmd.stderr.String()).NotTo(ContainSubstring(secret))
	}
}

func TestTheCommandReplaysTheDocumentationWithImportedTokens(t *testing.T) {
	g := NewWithT(t)
	seedToken := "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ=="
	cmd := start(t, "--listen", "127.0.0.1:0", "--user", "elastic:changeme-secret", "--user", "myuser:myuser-secret:saml1",
		"--import-token", "myuser:"+seedToken+":", "--import-token", "myuser::vLBPvmAB6KvwvJZr27cS")
	auth := basicAuth("elastic", "changeme-secret")
	tokenURL := cmd.url + "/_security/oauth2/token"

	status, body := request(t, http.DefaultClient, http.MethodDelete, tokenURL, auth, `{"token":"`+seedToken+`"}`)
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(body).To(Equal(`{"invalidated_tokens":1,"previously_invalidated_tokens":0,"error_count":0}`))
	_, body = request(t, http.DefaultClient, http.MethodDelete, tokenURL, auth, `{"refresh_token":"vLBPvmAB6KvwvJZr27cS"}`)
	g.Expect(body).To(Equal(`{"invalidated_tokens":1,"previously_invalidated_tokens":0,"error_count":0}`))
	g.Expect(cmd.stderr.String()).NotTo(ContainSubstring(seedToken))
}

func TestTheCommandRejectsBadFlagsWithoutShowingSecrets(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a user without a password", []string{"--user", "hunter2-only"}, "--user wants NAME:PASSWORD[:REALM]"},
		{"a user with too many parts", []string{"--user", "a:hunter2:realm:extra"}, "--user wants NAME:PASSWORD[:REALM]"},
		{"an API key without its key", []string{"--api-key", "hunter2"}, "--api-key wants ID:KEY"},
		{"an unprivileged user with a realm", []string{"--unprivileged-user", "bob:hunter2:file"}, "--unprivileged-user wants NAME:PASSWORD"},
		{"an unsupported version", []string{"--version", "5.6.16"}, "only Elasticsearch 6.0.0 through 9.x"},
		{"a certificate without a key", []string{"--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
		{"a stray argument", []string{"serve"}, "unexpected arguments: serve"},
		{"an import without tokens", []string{"--import-token", "hunter2::"}, "--import-token wants USER:ACCESS:REFRESH"},
		{"an import for an unknown user", []string{"--import-token", "nobody:hunter2:"}, "--import-token for nobody: esemulator: unknown user"},
		{"an unknown flag", []string{"--password", "x"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			var stdout, stderr bytes.Buffer

			err := run(context.Background(), tt.args, &stdout, &stderr)

			g.Expect(err).To(MatchError(ContainSubstring(tt.want)))
			g.Expect(err.Error() + stderr.String()).NotTo(ContainSubstring("hunter2"))
			g.Expect(stdout.String()).To(BeEmpty())
		})
	}
}

func TestTheUsageSaysItIsATestTool(t *testing.T) {
	g := NewWithT(t)
	var stdout, stderr bytes.Buffer

	err := run(context.Background(), []string{"--help"}, &stdout, &stderr)

	g.Expect(errors.Is(err, flag.ErrHelp)).To(BeTrue())
	g.Expect(stderr.String()).To(HavePrefix("es-emulator is a TEST TOOL emulating Elasticsearch's token APIs"))
	g.Expect(stderr.String()).To(ContainSubstring("-unprivileged-user NAME:PASSWORD"))
	g.Expect(stderr.String()).To(ContainSubstring("MAJOR.MINOR.PATCH from 6.0.0 through 9.x"))
}

func TestTheCommandEmulatesAnOldGeneration(t *testing.T) {
	g := NewWithT(t)
	cmd := start(t, "--listen", "127.0.0.1:0", "--user", "elastic:changeme", "--version", "6.8.23")

	status, body := request(t, http.DefaultClient, http.MethodGet, cmd.url+"/", basicAuth("elastic", "changeme"), "")

	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(body).To(ContainSubstring(`"number":"6.8.23"`))
	g.Expect(body).To(ContainSubstring(`"minimum_wire_compatibility_version":"5.6.0"`))
}

func TestTheCommandServesHTTPSWithTheGivenKeyPair(t *testing.T) {
	g := NewWithT(t)
	certFile, keyFile, pool := writeKeyPair(t)
	cmd := start(t, "--listen", "127.0.0.1:0", "--user", "elastic:changeme", "--version", "9.1.0",
		"--tls-cert", certFile, "--tls-key", keyFile)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}

	status, body := request(t, client, http.MethodGet, cmd.url+"/", basicAuth("elastic", "changeme"), "")

	g.Expect(cmd.url).To(HavePrefix("https://"))
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(body).To(ContainSubstring(`"number":"9.1.0"`))
}

// writeKeyPair writes a self-signed certificate for 127.0.0.1 and returns its files and a pool trusting it.
func writeKeyPair(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "es-emulator test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, pool
}
