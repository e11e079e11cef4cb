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
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	es "github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
	"github.com/esrevoke/token-revocation-operator/test/testcerts"
)

// Credentials of the emulated cluster. Tests never print them: see expectNoSecrets.
const (
	userName       = "revoker"
	userPassword   = "pw-Revoker-7f3a9c"
	viewerName     = "viewer"
	viewerPassword = "pw-Viewer-2b8e1d"
	apiKeyID       = "key-id-4411"
	apiKeySecret   = "key-secret-9d2c7e5a"
	wrongSecret    = "pw-Wrong-0c4d6b"
)

var encodedAPIKey = encodeAPIKey(apiKeyID, apiKeySecret)

func encodeAPIKey(id, key string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + key))
}

// auth is how a test target authenticates.
type auth string

const (
	apiKeyAuth auth = "API key"
	basicAuth  auth = "basic auth"
)

// cluster is an emulated Elasticsearch served over HTTP or HTTPS.
type cluster struct {
	em    *esemulator.Emulator
	url   string
	caPEM []byte
}

func newCluster(t *testing.T, scheme string) *cluster {
	t.Helper()
	em := esemulator.New()
	em.AddUser(userName, userPassword, "")
	em.AddUnprivilegedUser(viewerName, viewerPassword)
	em.AddAPIKey(apiKeyID, apiKeySecret)
	srv := startServer(t, scheme, em)
	c := &cluster{em: em, url: srv.URL}
	if scheme == "https" {
		c.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	return c
}

// startServer serves h over scheme, without logging the TLS handshake failures some tests provoke.
func startServer(t *testing.T, scheme string, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if scheme == "https" {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// target is a Target that can invalidate tokens on the cluster.
func (c *cluster) target(a auth) es.Target {
	t := es.Target{URL: c.url, CACert: c.caPEM, Timeout: 10 * time.Second}
	switch a {
	case apiKeyAuth:
		t.APIKey = encodedAPIKey
	case basicAuth:
		t.Username, t.Password = userName, userPassword
	}
	return t
}

// mint issues a password-grant token pair for the privileged user.
func (c *cluster) mint(g Gomega) esemulator.TokenPair {
	pair, err := c.em.MintPasswordToken(userName)
	g.Expect(err).NotTo(HaveOccurred())
	return pair
}

// secretsOf lists every secret a call involves, including the test's fixed credentials.
func secretsOf(target es.Target, req es.InvalidateRequest) []string {
	return []string{
		req.Token, req.RefreshToken, target.Password, target.APIKey,
		userPassword, viewerPassword, wrongSecret, apiKeySecret, encodedAPIKey,
		base64.StdEncoding.EncodeToString([]byte(target.Username + ":" + target.Password)),
	}
}

// expectNoSecrets fails if text contains a secret, and then prints text with the secret masked.
func expectNoSecrets(g Gomega, text string, secrets []string) {
	for i, s := range secrets {
		if s == "" {
			continue
		}
		g.Expect(strings.Contains(text, s)).To(BeFalse(),
			"secret #%d appears in: %s", i, strings.ReplaceAll(text, s, "<SECRET>"))
	}
}

// selfSignedCA returns a PEM certificate that signed nothing the test servers present.
func selfSignedCA(g Gomega) []byte {
	ca, err := testcerts.UnrelatedCA()
	g.Expect(err).NotTo(HaveOccurred())
	return ca
}
