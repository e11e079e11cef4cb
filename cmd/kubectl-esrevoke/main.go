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

// Command kubectl-esrevoke is a kubectl plugin for incident responders: `kubectl esrevoke` revokes a
// leaked Elasticsearch token, refresh token or API key, or every token or API key of a user or
// realm, in one command, the safe way (the secret read from standard input or a file, kept in a
// Secret owned by the revocation), and leaves a TokenRevocation or an ApiKeyRevocation behind as
// the record. Put it on PATH and run
// `kubectl esrevoke --help`.
package main

import (
	"os"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func main() {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	os.Exit(run(os.Args[1:], streams))
}
