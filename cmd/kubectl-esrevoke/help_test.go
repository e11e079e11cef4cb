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
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/yaml"
)

func TestTheHelpNamesEveryKindOfRevocation(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, nil)
	g.Expect(h.run("", "--help")).To(Equal(exitOK))
	for _, command := range []string{"token", "refresh-token", "tokens", "refresh-tokens", "user", "realm", "api-key", "api-keys", "list", "retry"} {
		g.Expect(h.out.String()).To(MatchRegexp(`(?m)^  %s\s+\S`, command), "the command list")
	}
	g.Expect(h.out.String()).To(ContainSubstring("kubectl esrevoke tokens --from-file=tokens.txt"), "an example of a list")

	g.Expect(h.run("", "tokens", "--help")).To(Equal(exitOK))
	g.Expect(h.out.String()).To(ContainSubstring("Usage:\n  kubectl esrevoke tokens (--from-file=PATH | < PATH)"))
	g.Expect(h.out.String()).To(ContainSubstring("one token per line"))
	g.Expect(h.out.String()).To(ContainSubstring("At most 20000\ndistinct tokens"))
	g.Expect(h.run("", "refresh-tokens", "--help")).To(Equal(exitOK))
	g.Expect(h.out.String()).To(ContainSubstring("spec.refreshTokenListSecretRef"))
}

func TestHelpReadsLikeKubectls(t *testing.T) {
	for _, command := range []string{"", "token", "refresh-token", "tokens", "refresh-tokens", "user", "realm", "api-key", "api-keys", "list", "retry"} {
		t.Run("help of "+command, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t, nil)
			args := append(strings.Fields(command), "--help")
			g.Expect(h.run("", args...)).To(Equal(exitOK))
			help := h.out.String()
			g.Expect(help).To(ContainSubstring("Usage:\n  kubectl esrevoke " + command))
			g.Expect(help).To(ContainSubstring("Examples:\n  # "))
			g.Expect(help).To(ContainSubstring("--kubeconfig"))
			g.Expect(help).To(ContainSubstring("-n, --namespace"))
			g.Expect(help).NotTo(ContainSubstring("kubectl-esrevoke"), "the command is named as kubectl runs it")
			g.Expect(help).NotTo(MatchRegexp(`(?m)^\s+--(token|refresh-token|tokens|refresh-tokens|api-key)\b`), "no flag takes a token or a key")
			g.Expect(h.connects).To(BeZero())
		})
	}
}

// krewManifest is what the tests read of dist/krew/esrevoke.yaml.
type krewManifest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			SHA256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

func TestTheKrewManifestNamesAnArchiveOfEveryPlatformMakeBuilds(t *testing.T) {
	g := NewWithT(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "dist", "krew", "esrevoke.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var m krewManifest
	g.Expect(yaml.Unmarshal(raw, &m)).NotTo(HaveOccurred())
	g.Expect(m.APIVersion).To(Equal("krew.googlecontainertools.github.com/v1alpha2"))
	g.Expect(m.Kind).To(Equal("Plugin"))
	g.Expect(m.Metadata.Name).To(Equal("esrevoke"), "krew names the plugin after the file, and kubectl runs kubectl-esrevoke")
	g.Expect(m.Spec.Version).To(MatchRegexp(`^v\d+\.\d+\.\d+$`))
	for _, description := range []string{m.Spec.ShortDescription, m.Spec.Description} {
		g.Expect(description).To(ContainSubstring("API keys"), "every kind the plugin revokes")
		g.Expect(description).To(MatchRegexp(`(token lists|lists of tokens)`))
	}

	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	g.Expect(err).NotTo(HaveOccurred())
	var platforms []string
	for _, line := range strings.Split(string(makefile), "\n") {
		if value, ok := strings.CutPrefix(line, "PLUGIN_PLATFORMS ?= "); ok {
			platforms = strings.Fields(value)
		}
	}
	g.Expect(platforms).NotTo(BeEmpty())
	g.Expect(m.Spec.Platforms).To(HaveLen(len(platforms)))
	for i, p := range m.Spec.Platforms {
		goos, arch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		g.Expect(platforms[i]).To(Equal(goos + "/" + arch))
		g.Expect(p.URI).To(HaveSuffix("/" + m.Spec.Version + "/kubectl-esrevoke_" + goos + "_" + arch + ".tar.gz"))
		g.Expect(p.SHA256).To(MatchRegexp(`^[0-9a-f]{64}$`))
		bin := "kubectl-esrevoke"
		if goos == "windows" {
			bin += ".exe"
		}
		g.Expect(p.Bin).To(Equal(bin))
	}
}
