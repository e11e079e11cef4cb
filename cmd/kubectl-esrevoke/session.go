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
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// pollInterval is how often --wait reads the revocation.
const pollInterval = 500 * time.Millisecond

// session is one command's connection to the API server.
type session struct {
	client client.Client
	// namespace is the namespace of -n, or the kubeconfig context's.
	namespace string
	// namespaceGiven says -n was given (list reads every namespace otherwise).
	namespaceGiven bool
	streams        genericiooptions.IOStreams
	now            func() time.Time
	pollInterval   time.Duration
	// progress is standard error when it is a terminal, where the wait for a list shows its
	// progress; nil otherwise.
	progress      io.Writer
	progressShown bool
}

// newScheme knows the core types and the revocation kinds.
func newScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := securityv1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	return scheme, nil
}

// session connects with kubectl's connection flags. The API server's warnings (the webhook's,
// for example) are printed on standard error the way kubectl prints them.
func (d *dependencies) session() (*session, error) {
	if d.connect != nil {
		return d.connect()
	}
	cfg, err := d.config.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NewWarningWriter(d.streams.ErrOut, rest.WarningWriterOptions{Deduplicate: true})
	namespace, _, err := d.config.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, err
	}
	scheme, err := newScheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("connecting to the API server: %w", err)
	}
	return &session{
		client:         c,
		namespace:      namespace,
		namespaceGiven: d.config.Namespace != nil && *d.config.Namespace != "",
		streams:        d.streams,
		now:            time.Now,
		pollInterval:   pollInterval,
		progress:       terminal(d.streams.ErrOut),
	}, nil
}

// terminal is w when it is a terminal, nil otherwise.
func terminal(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) { //nolint:gosec // a file descriptor fits an int
		return w
	}
	return nil
}

// warnf prints a warning the way kubectl does.
func (s *session) warnf(format string, args ...any) {
	_, _ = fmt.Fprintf(s.streams.ErrOut, "Warning: "+format+"\n", args...)
}
