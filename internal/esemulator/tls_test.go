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

package esemulator_test

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/internal/esemulator"
)

func TestTheEmulatorServesTLSToAClientTrustingItsCA(t *testing.T) {
	g := NewWithT(t)
	em := esemulator.New()
	em.AddUser(adminUser, adminPassword, "")
	srv := httptest.NewUnstartedServer(em)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusting client's handshake fails on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := elasticsearch.Config{Addresses: []string{srv.URL}, Username: adminUser, Password: adminPassword, CACert: ca, DisableRetry: true}
	trusting, err := elasticsearch.NewTypedClient(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	cfg.CACert = nil
	untrusting, err := elasticsearch.NewTypedClient(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	pair, err := em.MintPasswordToken(adminUser)
	g.Expect(err).NotTo(HaveOccurred())

	_, refused := untrusting.Security.InvalidateToken().Token(pair.AccessToken).Do(context.Background())
	res, err := trusting.Security.InvalidateToken().Token(pair.AccessToken).Do(context.Background())

	g.Expect(refused).To(MatchError(ContainSubstring("certificate")))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.InvalidatedTokens).To(Equal(int64(1)))
}
