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
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	securityv1alpha1 "github.com/esrevoke/token-revocation-operator/api/v1alpha1"
)

// outcome is what a command saw of its revocation, which decides the summary and the exit code.
type outcome int

const (
	// outcomeDryRun: the API server accepted the revocation in a dry run; nothing exists.
	outcomeDryRun outcome = iota
	// outcomeCreated: created, not waited for (--wait=false).
	outcomeCreated
	// outcomeFinished: Revoked or Failed.
	outcomeFinished
	// outcomeTimedOut: neither Revoked nor Failed within --timeout.
	outcomeTimedOut
)

// errTimedOut ends the wait when --timeout has passed.
var errTimedOut = errors.New("timed out")

// waitForOutcome reads rev until it is Revoked or Failed, or timeout passes; rev holds the latest
// state read. It reads with GETs, so `get` on the kind is all it needs. The GETs run under ctx,
// not under the timeout: a read cut short by the deadline would look like an error.
func (s *session) waitForOutcome(ctx context.Context, rev revocation, timeout time.Duration) (outcome, error) {
	key := client.ObjectKeyFromObject(rev)
	deadline := time.Now().Add(timeout)
	err := wait.PollUntilContextCancel(ctx, s.pollInterval, true, func(ctx context.Context) (bool, error) {
		if err := s.client.Get(ctx, key, rev); err != nil {
			if apierrors.IsNotFound(err) {
				return false, fmt.Errorf("%s %s was deleted while waiting for it", kindOf(rev).resource, key)
			}
			return false, err
		}
		if rev.GetProgress().Phase.IsTerminal() {
			return true, nil
		}
		s.showProgress(rev)
		if !time.Now().Before(deadline) {
			return false, errTimedOut
		}
		return false, nil
	})
	s.clearProgress()
	switch {
	case errors.Is(err, errTimedOut):
		return outcomeTimedOut, nil
	case err != nil:
		return outcomeFinished, err
	}
	return outcomeFinished, nil
}

// follow finishes every command that creates a revocation: it waits if asked, prints the summary
// (or the object, with -o), and turns the outcome into the exit code.
func (s *session) follow(ctx context.Context, rev revocation, opts *runOptions) error {
	result := outcomeCreated
	switch {
	case opts.serverDryRun():
		result = outcomeDryRun
	case opts.wait:
		var err error
		if result, err = s.waitForOutcome(ctx, rev, opts.timeout); err != nil {
			return err
		}
	}
	if err := s.print(rev, result, opts); err != nil {
		return err
	}
	resource := kindOf(rev).resource
	switch {
	case result == outcomeTimedOut:
		_, _ = fmt.Fprintf(s.streams.ErrOut, "Follow it with: kubectl get %s %s -n %s --watch\n", resource, rev.GetName(), rev.GetNamespace())
		return &exitError{code: exitTimedOut}
	case result == outcomeFinished && rev.GetProgress().Phase == securityv1alpha1.PhaseFailed:
		_, _ = fmt.Fprintf(s.streams.ErrOut, "See why with: kubectl describe %s %s -n %s\n", resource, rev.GetName(), rev.GetNamespace())
		return &exitError{code: exitFailed}
	}
	return nil
}

// print writes the one-line summary, or the object in the -o format.
func (s *session) print(rev revocation, result outcome, opts *runOptions) error {
	if opts.output != "" {
		return printObject(s.streams.Out, rev, opts.output)
	}
	_, err := fmt.Fprintln(s.streams.Out, summary(rev, result, opts.timeout))
	return err
}

// showProgress rewrites, on a terminal, the line saying how many of a list's tokens are processed,
// so that the summary that follows stays one line of its own.
func (s *session) showProgress(rev revocation) {
	list := listStatus(rev)
	if s.progress == nil || list == nil || list.TokenCount == nil {
		return
	}
	_, _ = fmt.Fprintf(s.progress, "\r\033[K%s: %d of %d listed tokens processed", phaseOrPending(rev),
		value(list.ProcessedTokens), *list.TokenCount)
	s.progressShown = true
}

// clearProgress erases the progress line, if one was shown.
func (s *session) clearProgress() {
	if s.progressShown {
		_, _ = fmt.Fprint(s.progress, "\r\033[K")
		s.progressShown = false
	}
}
