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
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// Values of --dry-run and -o.
const (
	dryRunNone   = "none"
	dryRunServer = "server"
	outputName   = "name"
	outputYAML   = "yaml"
	outputJSON   = "json"
)

// runOptions are the flags of every command that creates a revocation and follows it: the
// revocation commands and retry.
type runOptions struct {
	wait    bool
	timeout time.Duration
	dryRun  string
	output  string
}

func (o *runOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.wait, "wait", true,
		"Wait until the revocation is Revoked or Failed (exit code 0 or 1), or --timeout passes (exit code 2).")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 2*time.Minute, "How long --wait waits.")
	cmd.Flags().StringVar(&o.dryRun, "dry-run", dryRunNone,
		`"server" sends the request through admission only (the webhook and the CRD's rules): it validates, and creates nothing.`)
	cmd.Flags().Lookup("dry-run").NoOptDefVal = dryRunServer
	cmd.Flags().StringVarP(&o.output, "output", "o", "",
		"Print the revocation as name, yaml or json instead of the one-line summary.")
}

func (o *runOptions) validate() error {
	switch o.dryRun {
	case dryRunNone, dryRunServer:
	case "client":
		return errors.New(`--dry-run=client is not supported: only the API server can validate a revocation ` +
			`(its webhook and the CRD's rules); use --dry-run=server`)
	default:
		return errors.New(`--dry-run must be "none" or "server"`)
	}
	switch o.output {
	case "", outputName, outputYAML, outputJSON:
	default:
		return errors.New(`--output must be one of name, yaml, json (or omitted, for the one-line summary)`)
	}
	if o.timeout <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}

func (o *runOptions) serverDryRun() bool { return o.dryRun == dryRunServer }

// revocationOptions are the flags of the commands that create a new revocation.
type revocationOptions struct {
	runOptions
	name          string
	reason        string
	elasticsearch []string
}

func (o *revocationOptions) addFlags(cmd *cobra.Command) {
	o.runOptions.addFlags(cmd)
	cmd.Flags().StringVar(&o.name, "name", "",
		"Name of the revocation (and of its Secret, for a token, a list of tokens or an API key). Default: generated from the command and the target.")
	cmd.Flags().StringVar(&o.reason, "reason", "",
		"Why, such as the incident number: kept in the revocation, its events and the operator's logs. Strongly encouraged.")
	cmd.Flags().StringArrayVar(&o.elasticsearch, "elasticsearch", nil,
		"The cluster to call: secret/NAME (a connection Secret in the namespace) or eck/NAME[.NAMESPACE] (an ECK Elasticsearch); "+
			"give both to use the Secret's credentials with the ECK cluster. Default: the operator's own Elasticsearch.")
}

func (o *revocationOptions) validate() error {
	if err := o.runOptions.validate(); err != nil {
		return err
	}
	if o.name != "" {
		if errs := validation.IsDNS1123Subdomain(o.name); len(errs) > 0 {
			return fmt.Errorf("--name %q is not a valid resource name: %s", o.name, strings.Join(errs, "; "))
		}
	}
	_, err := parseElasticsearchRef(o.elasticsearch)
	return err
}

// apply sets the spec's reason and elasticsearchRef from the flags.
func (o *revocationOptions) apply(rev revocation) error {
	ref, err := parseElasticsearchRef(o.elasticsearch)
	if err != nil {
		return err
	}
	var reason *string
	if o.reason != "" {
		reason = &o.reason
	}
	setTarget(rev, ref, reason)
	return nil
}

const elasticsearchFlagHelp = "--elasticsearch takes secret/NAME or eck/NAME[.NAMESPACE], at most one of each"

// parseElasticsearchRef reads the --elasticsearch values: nil means the operator's default cluster.
func parseElasticsearchRef(values []string) (*securityv1alpha1.ElasticsearchRef, error) {
	if len(values) == 0 {
		return nil, nil
	}
	ref := &securityv1alpha1.ElasticsearchRef{}
	for _, value := range values {
		kind, name, ok := strings.Cut(value, "/")
		switch {
		case !ok || name == "":
			return nil, errors.New(elasticsearchFlagHelp)
		case kind == "secret" && ref.SecretName == nil:
			if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
				return nil, fmt.Errorf("--elasticsearch secret/NAME: %s", strings.Join(errs, "; "))
			}
			ref.SecretName = &name
		case kind == "eck" && ref.Name == nil:
			if err := setECKRef(ref, name); err != nil {
				return nil, err
			}
		default:
			return nil, errors.New(elasticsearchFlagHelp)
		}
	}
	return ref, nil
}

// setECKRef sets NAME[.NAMESPACE]. An ECK Elasticsearch's name is a DNS label (ECK names its
// Services after it), so the first dot starts the namespace.
func setECKRef(ref *securityv1alpha1.ElasticsearchRef, value string) error {
	name, namespace, hasNamespace := strings.Cut(value, ".")
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("--elasticsearch eck/NAME: %s", strings.Join(errs, "; "))
	}
	ref.Name = &name
	if hasNamespace {
		if errs := validation.IsDNS1123Label(namespace); len(errs) > 0 {
			return fmt.Errorf("--elasticsearch eck/NAME.NAMESPACE: namespace: %s", strings.Join(errs, "; "))
		}
		ref.Namespace = &namespace
	}
	return nil
}
