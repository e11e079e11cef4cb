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
	"io"
)

// Exit codes, as scripts and runbooks read them.
const (
	// exitOK: the revocation is Revoked (or was created or validated, without --wait).
	exitOK = 0
	// exitFailed: the revocation Failed, or the command could not do what was asked.
	exitFailed = 1
	// exitTimedOut: the revocation was created, but was neither Revoked nor Failed within --timeout.
	exitTimedOut = 2
)

// exitError ends the command with an exit code. Its err, if any, is printed as kubectl prints
// errors; without one the command has already said what happened.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCode prints err the way kubectl does ("error: ...") and returns the process's exit code.
func exitCode(err error, errOut io.Writer) int {
	if err == nil {
		return exitOK
	}
	var exit *exitError
	if errors.As(err, &exit) {
		if exit.err != nil {
			_, _ = fmt.Fprintf(errOut, "error: %v\n", exit.err)
		}
		return exit.code
	}
	_, _ = fmt.Fprintf(errOut, "error: %v\n", err)
	return exitFailed
}
