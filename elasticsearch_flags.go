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
	"fmt"
	"os"
	"time"

	"github.com/esrevoke/token-revocation-operator/internal/elasticsearch"
)

// elasticsearchFlags configure the default Elasticsearch, used by TokenRevocations without
// spec.elasticsearchRef. Each flag falls back to the environment variable Elastic's own examples
// use. Secrets are better given in the environment (from a Secret): command-line flags can be
// seen by anyone who can list processes.
type elasticsearchFlags struct {
	url, username, password, apiKey, caCertFile, version string
	timeout                                              time.Duration
}

func (f *elasticsearchFlags) bind(fs *flag.FlagSet) {
	// Defaults are read from the environment after parsing, not here, so that --help never
	// prints a password or an API key.
	fs.StringVar(&f.url, "elasticsearch-url", "", "URL of the default Elasticsearch (env ELASTICSEARCH_URL).")
	fs.StringVar(&f.username, "elasticsearch-username", "", "User for the default Elasticsearch (env ELASTICSEARCH_USERNAME).")
	fs.StringVar(&f.password, "elasticsearch-password", "", "Password of that user (env ELASTICSEARCH_PASSWORD; prefer the environment).")
	fs.StringVar(&f.apiKey, "elastic-api-key", "", "Encoded API key for the default Elasticsearch (env ELASTIC_API_KEY; prefer the environment).")
	fs.StringVar(&f.caCertFile, "elasticsearch-ca-cert", "",
		"PEM file of the CA certificates to trust for the default Elasticsearch (env ELASTICSEARCH_CA_CERT).")
	fs.StringVar(&f.version, "elasticsearch-version", "",
		"Version of the default Elasticsearch, such as 7.10.2 (env ELASTICSEARCH_VERSION); without it the operator learns "+
			"the version from the cluster's first answer.")
	fs.DurationVar(&f.timeout, "elasticsearch-timeout", elasticsearch.DefaultTimeout, "The timeout of one invalidate call.")
}

// target returns the default Elasticsearch, or nil when no URL is configured.
func (f *elasticsearchFlags) target() (*elasticsearch.Target, error) {
	url := orEnv(f.url, "ELASTICSEARCH_URL")
	if url == "" {
		return nil, nil
	}
	target := &elasticsearch.Target{
		URL:      url,
		Username: orEnv(f.username, "ELASTICSEARCH_USERNAME"),
		Password: orEnv(f.password, "ELASTICSEARCH_PASSWORD"),
		APIKey:   orEnv(f.apiKey, "ELASTIC_API_KEY"),
		Version:  orEnv(f.version, "ELASTICSEARCH_VERSION"),
		Timeout:  f.timeout,
	}
	if caFile := orEnv(f.caCertFile, "ELASTICSEARCH_CA_CERT"); caFile != "" {
		pem, err := os.ReadFile(caFile) //nolint:gosec // the operator's own configuration names this file
		if err != nil {
			return nil, fmt.Errorf("reading the Elasticsearch CA certificate: %w", err)
		}
		target.CACert = pem
	}
	if err := target.Validate(); err != nil {
		return nil, err
	}
	return target, nil
}

func orEnv(value, name string) string {
	if value != "" {
		return value
	}
	return os.Getenv(name)
}
