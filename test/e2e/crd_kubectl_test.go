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
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
)

// expectedMessage reads the "# expect: ..." first line of an invalid example.
func expectedMessage(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	line, _ := bufio.NewReader(f).ReadString('\n')
	want, ok := strings.CutPrefix(strings.TrimSpace(line), "# expect: ")
	if !ok {
		t.Fatalf("%s does not start with a '# expect: <message>' line", path)
	}
	return want
}

func TestKubectlApplyOfInvalidExamplesIsRejectedByTheCRD(t *testing.T) {
	c := startCluster(t)
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	NewWithT(t).Expect(files).NotTo(BeEmpty())
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			g := NewWithT(t)
			want := expectedMessage(t, file)
			_, stderr, err := c.kubectl(t, "apply", "-n", "default", "-f", file)
			g.Expect(err).To(HaveOccurred(), "kubectl apply of %s should fail", file)
			g.Expect(stderr).To(ContainSubstring("is invalid"))
			g.Expect(stderr).To(ContainSubstring(want))
		})
	}
}

func TestKubectlApplyOfEverySampleIsAcceptedAndItsSpecCannotBeEdited(t *testing.T) {
	g := NewWithT(t)
	c := startCluster(t)
	stdout, stderr, err := c.kubectl(t, "apply", "-n", "default", "-k", filepath.Join("..", "..", "config", "samples"))
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(strings.Count(stdout, "created")).To(Equal(5), stdout)

	stdout, stderr, err = c.kubectl(t, "get", "tokrev", "-n", "default", "-o", "name")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	g.Expect(strings.Fields(stdout)).To(HaveLen(5))

	_, stderr, err = c.kubectl(t, "patch", "tokenrevocation", "revoke-user-myuser", "-n", "default",
		"--type=merge", "-p", `{"spec":{"username":"someone-else"}}`)
	g.Expect(err).To(HaveOccurred())
	g.Expect(stderr).To(ContainSubstring("spec is immutable: create a new TokenRevocation"))

	_, stderr, err = c.kubectl(t, "label", "tokenrevocation", "revoke-user-myuser", "-n", "default", "incident=inc-1237")
	g.Expect(err).NotTo(HaveOccurred(), stderr)
}
