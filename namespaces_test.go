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
	"flag"
	"io"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

func parseWatch(t *testing.T, env string, args ...string) (*watchNamespaces, error) {
	t.Helper()
	t.Setenv("WATCH_NAMESPACES", env)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var w watchNamespaces
	w.bind(fs)
	return &w, fs.Parse(args)
}

func TestWatchNamespacesComeFromTheFlagOrTheEnvironment(t *testing.T) {
	g := NewWithT(t)

	w, err := parseWatch(t, "")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(w.list).To(BeEmpty())
	g.Expect(w.cacheOptions().DefaultNamespaces).To(BeNil(), "no list means every namespace")

	w, err = parseWatch(t, " team-a, team-b,,team-a ")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(w.err).NotTo(HaveOccurred())
	g.Expect(w.list).To(Equal([]string{"team-a", "team-b"}))
	g.Expect(w.cacheOptions().DefaultNamespaces).To(Equal(map[string]cache.Config{"team-a": {}, "team-b": {}}))
	g.Expect(w.cacheOptions().DefaultTransform).NotTo(BeNil(), "managedFields are still stripped")

	w, err = parseWatch(t, "team-a", "--watch-namespaces=team-c")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(w.list).To(Equal([]string{"team-c"}), "the flag wins over the environment")
}

func TestAMalformedNamespaceIsRefused(t *testing.T) {
	g := NewWithT(t)

	_, err := parseWatch(t, "", "--watch-namespaces=team-a,Team_B")
	g.Expect(err).To(MatchError(ContainSubstring(`"Team_B" is not a namespace name`)))

	w, err := parseWatch(t, "team a")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(w.err).To(MatchError(ContainSubstring(`WATCH_NAMESPACES: "team a" is not a namespace name`)))

	w, err = parseWatch(t, "team a", "--watch-namespaces=team-a")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(w.err).NotTo(HaveOccurred(), "a valid flag overrides a malformed environment")
}
