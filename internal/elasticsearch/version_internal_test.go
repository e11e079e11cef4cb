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

package elasticsearch

import (
	"testing"

	. "github.com/onsi/gomega"
)

func TestVersionRangesReadAndPrintAsDocumented(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	six, ok := parseVersion("6")
	g.Expect(ok).To(BeTrue())
	g.Expect(six.lo).To(Equal(release{6, 0}))
	g.Expect(six.hi).To(Equal(release{6, 8}))
	g.Expect(six.String()).To(Equal("6"))
	exact, ok := parseVersion("7.10.2")
	g.Expect(ok).To(BeTrue())
	g.Expect(exact.lo).To(Equal(release{7, 10}))
	g.Expect(exact.hi).To(Equal(release{7, 10}))

	g.Expect(anyVersion.String()).To(BeEmpty())
	g.Expect(anyVersion.narrow(v7_0, v7_14.before()).String()).To(Equal("7.0–7.13"))
	g.Expect(anyVersion.narrow(v6_7, v7_0.before()).String()).To(Equal("6.7–6.8"))
	g.Expect(anyVersion.narrow(v7_14, unbounded).String()).To(Equal("7.14+"))
	g.Expect(anyVersion.narrow(v7_0, v7_14.before()).narrow(v6_0, v7_8.before()).String()).To(Equal("7.0–7.7"))
	g.Expect(anyVersion.narrow(v7_14, unbounded).narrow(v6_0, v6_7.before()).String()).To(Equal("6.0–6.6"),
		"contradicting evidence replaces what was known: the cluster behind the URL changed")

	w, ok := versionFromWarning(`299 Elasticsearch-6.8.23-SNAPSHOT-abcdef1 "x" "Sat, 25 Aug 2018 10:20:30 GMT"`)
	g.Expect(ok).To(BeTrue())
	g.Expect(w.exact).To(Equal("6.8.23"))
	_, ok = versionFromWarning(`299 Some-Proxy "x"`)
	g.Expect(ok).To(BeFalse())
	_, ok = parseVersion("5.6.16")
	g.Expect(ok).To(BeFalse(), "before 6.0 is not served")
}
