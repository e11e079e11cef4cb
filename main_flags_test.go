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
)

// parse runs the manager's flag parsing on args alone, as the command line would.
func parse(args ...string) (options, error) {
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return parseFlags(fs, args)
}

func TestTheDefaultFlagsAreValid(t *testing.T) {
	g := NewWithT(t)
	o, err := parse()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.retry.MaxPartialAttempts).To(BeEquivalentTo(5))
}

func TestFlagsThatWouldBreakTheManagerAreRefusedAtStartup(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"a zero base delay would stop retries":         {[]string{"--retry-base-delay=0"}, "--retry-base-delay must be positive"},
		"a negative base delay":                        {[]string{"--retry-base-delay=-1s"}, "--retry-base-delay must be positive"},
		"a zero maximum delay":                         {[]string{"--retry-max-delay=0"}, "--retry-max-delay must be positive"},
		"a base delay above the maximum":               {[]string{"--retry-base-delay=10m", "--retry-max-delay=1s"}, "--retry-base-delay (10m0s) must not exceed --retry-max-delay (1s)"},
		"a zero pending delay":                         {[]string{"--pending-max-delay=0"}, "--pending-max-delay must be positive"},
		"no concurrent reconciles":                     {[]string{"--max-concurrent-reconciles=0"}, "--max-concurrent-reconciles must be at least 1"},
		"no calls per target":                          {[]string{"--max-calls-per-target=0"}, "--max-calls-per-target must be at least 1"},
		"a negative calls per target":                  {[]string{"--max-calls-per-target=-3"}, "--max-calls-per-target must be at least 1"},
		"no partial attempts":                          {[]string{"--max-partial-attempts=0"}, "--max-partial-attempts must be at least 1"},
		"more partial attempts than status can record": {[]string{"--max-partial-attempts=3000000000"}, "--max-partial-attempts must be at most"},
		"a negative burst":                             {[]string{"--kube-api-burst=-5"}, "--kube-api-burst must be at least 1"},
		"a zero rate":                                  {[]string{"--kube-api-qps=0"}, "--kube-api-qps must be positive, or -1"},
		"a negative rate other than -1":                {[]string{"--kube-api-qps=-2"}, "--kube-api-qps must be positive, or -1"},
		"a burst below the rate":                       {[]string{"--kube-api-qps=50", "--kube-api-burst=10"}, "--kube-api-burst (10) must be at least --kube-api-qps (50)"},
		"a zero Elasticsearch timeout":                 {[]string{"--elasticsearch-timeout=0"}, "--elasticsearch-timeout must be positive"},
		"a webhook port out of range":                  {[]string{"--webhook-port=70000"}, "--webhook-port must be a TCP port"},
		"an installation key Secret without namespace": {[]string{"--installation-key-secret=key"}, "--installation-key-secret must be NAMESPACE/NAME"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			_, err := parse(tc.args...)
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}

func TestEveryInvalidFlagIsReportedAtOnce(t *testing.T) {
	g := NewWithT(t)
	_, err := parse("--retry-base-delay=0", "--max-concurrent-reconciles=0", "--kube-api-burst=0")
	g.Expect(err).To(MatchError(And(
		ContainSubstring("--retry-base-delay"), ContainSubstring("--max-concurrent-reconciles"), ContainSubstring("--kube-api-burst"))))
}

// The default Elasticsearch is checked at startup too, before the manager runs: main stops with
// "Failed to configure the default Elasticsearch" and these reasons.
func TestAnUnusableDefaultElasticsearchIsRefusedAtStartup(t *testing.T) {
	for _, env := range []string{"ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD", "ELASTIC_API_KEY",
		"ELASTICSEARCH_CA_CERT", "ELASTICSEARCH_VERSION"} {
		t.Setenv(env, "")
	}
	valid := []string{"--elasticsearch-url=https://es.example:9200", "--elasticsearch-username=elastic",
		"--elasticsearch-password=a-long-enough-password"}
	tests := map[string]struct {
		args []string
		want string
	}{
		"a URL without a scheme":         {[]string{"--elasticsearch-url=es.example:9200"}, "url: has no scheme"},
		"a password too short to redact": {[]string{"--elasticsearch-password=short"}, "password: is shorter than 8 characters"},
		"an API key beside a password":   {[]string{"--elastic-api-key=aWQ6YS1sb25nLWVub3VnaC1rZXk="}, "not both"},
		"a version that is none":         {[]string{"--elasticsearch-version=latest"}, "version: is not an Elasticsearch version"},
		"a CA file that cannot be read":  {[]string{"--elasticsearch-ca-cert=/nonexistent/ca.pem"}, "reading the Elasticsearch CA certificate"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			o, err := parse(append(append([]string{}, valid...), tc.args...)...)
			g.Expect(err).NotTo(HaveOccurred())
			_, err = o.elasticsearch.target()
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
	t.Run("a valid one is accepted", func(t *testing.T) {
		g := NewWithT(t)
		o, err := parse(valid...)
		g.Expect(err).NotTo(HaveOccurred())
		target, err := o.elasticsearch.target()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(target.URL).To(Equal("https://es.example:9200"))
	})
}

func TestValidRateLimitsAreAccepted(t *testing.T) {
	g := NewWithT(t)
	o, err := parse("--kube-api-qps=50", "--kube-api-burst=100", "--retry-base-delay=2s", "--retry-max-delay=2s")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.kubeAPIQPS).To(Equal(50.0))
}

func TestTheDefaultElasticsearchVersionComesFromTheFlagOrElseTheEnvironment(t *testing.T) {
	t.Setenv("ELASTICSEARCH_URL", "https://es.example:9200")
	t.Setenv("ELASTICSEARCH_USERNAME", "revoker")
	t.Setenv("ELASTICSEARCH_PASSWORD", "revoker-password-5d1e")
	tests := map[string]struct {
		env  string
		args []string
		want string
	}{
		"neither: the version is learned from the answers": {want: ""},
		"the environment alone":                            {env: "6.8.23", want: "6.8.23"},
		"the flag, which wins over the environment":        {env: "6.8.23", args: []string{"--elasticsearch-version=7.10.2"}, want: "7.10.2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			t.Setenv("ELASTICSEARCH_VERSION", tc.env)
			o, err := parse(tc.args...)
			g.Expect(err).NotTo(HaveOccurred())
			target, err := o.elasticsearch.target()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(target.Version).To(Equal(tc.want))
		})
	}
}

func TestADefaultElasticsearchVersionThatIsNoVersionIsRefusedAtStartup(t *testing.T) {
	g := NewWithT(t)
	t.Setenv("ELASTICSEARCH_URL", "https://es.example:9200")
	t.Setenv("ELASTICSEARCH_USERNAME", "revoker")
	t.Setenv("ELASTICSEARCH_PASSWORD", "revoker-password-5d1e")
	o, err := parse("--elasticsearch-version=5.6.16")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = o.elasticsearch.target()
	g.Expect(err).To(MatchError(ContainSubstring("version: is not an Elasticsearch version of 6.0 or later")))
}
