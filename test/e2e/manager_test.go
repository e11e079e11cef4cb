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

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/esrevoke/token-revocation-operator/test/localenv"
)

const (
	seedToken        = "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBpcyBvbmx5IHRlc3QgZGF0YS4gZG8gbm90IHRyeSB0byByZWFkIHRva2VuIQ=="
	seedRefreshToken = "vLBPvmAB6KvwvJZr27cS"
	operatorPassword = "e2e-operator-password-4b5c"
)

func TestTheManagerRevokesEverySampleAppliedWithKubectl(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("skipped: KUBEBUILDER_ASSETS is not set; `make test` builds the envtest binaries and sets it")
	}
	g := NewWithT(t)
	logs := &localenv.SyncBuffer{}
	env, err := localenv.Start(context.Background(), localenv.Options{
		Root:     filepath.Join("..", ".."),
		Username: "elastic", Password: operatorPassword,
		// myuser holds the two documentation tokens (each with its other half), as in the demo.
		EmulatorArgs: []string{"--user", "myuser:myuser-password:saml1",
			"--import-token", "myuser:" + seedToken + ":", "--import-token", "myuser::" + seedRefreshToken},
		ManagerArgs: []string{"--retry-base-delay=100ms"},
		Log:         logs,
	})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(env.Stop)

	out, err := env.Kubectl("apply", "-n", "default", "-k", filepath.Join("..", "..", "config", "samples"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(strings.Count(out, "created")).To(Equal(5))

	_, err = env.Kubectl("wait", "-n", "default", "--for=condition=Ready", "tokenrevocation", "--all", "--timeout=60s")
	g.Expect(err).NotTo(HaveOccurred(), "manager output:\n%s", logs)

	out, err = env.Kubectl("get", "tokrev", "-n", "default", "--no-headers")
	g.Expect(err).NotTo(HaveOccurred())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(lines).To(HaveLen(5))
	total := 0
	for _, line := range lines {
		// NAME PHASE INVALIDATED PREVIOUSLY ERRORS REASON AGE
		fields := strings.Fields(line)
		g.Expect(fields).To(HaveLen(7), line)
		g.Expect(fields[1]).To(Equal("Revoked"), line)
		g.Expect(fields[5]).To(Equal("Revoked"), line)
		g.Expect(fields[4]).To(Equal("0"), line)
		invalidated, err := strconv.Atoi(fields[2])
		g.Expect(err).NotTo(HaveOccurred(), line)
		total += invalidated
	}
	// The two documents have four halves; whatever order the revocations ran in, each half was
	// invalidated exactly once.
	g.Expect(total).To(Equal(4))

	out, err = env.Kubectl("get", "tokrev", "revoke-user-myuser", "-n", "default", "-o", "wide")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("TARGET"))
	g.Expect(out).To(ContainSubstring(env.ElasticsearchURL))
	g.Expect(out).To(ContainSubstring("INC-1237: account myuser compromised"))

	g.Expect(logs.String()).NotTo(ContainSubstring(operatorPassword))
	g.Expect(logs.String()).NotTo(ContainSubstring(seedRefreshToken))
	g.Expect(logs.String()).NotTo(ContainSubstring(seedToken))
}
