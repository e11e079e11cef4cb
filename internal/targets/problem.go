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

// Package targets resolves what a revocation calls: the Elasticsearch cluster its elasticsearchRef
// names (or the operator's default), with the credentials and CA to use, and the values it reads
// from Secrets. Every revocation kind resolves through one Resolver. What cannot be resolved yet
// but can be fixed by someone (a Secret not created yet, a missing key, a reference the operator
// may not follow) is a *Problem, which becomes the revocation's Pending condition.
package targets

import (
	"errors"
	"fmt"
)

// Problem is a reason a revocation cannot be sent yet that someone can fix. Its Reason is a
// condition reason of the API (such as SecretNotFound); its Message says what to fix and never
// holds a secret value.
type Problem struct {
	// Reason is the condition reason, one CamelCase word.
	Reason string
	// Message says what is wrong and where.
	Message string
}

func (p *Problem) Error() string { return p.Message }

// Problemf builds a *Problem with a formatted message.
func Problemf(reason, format string, args ...any) error {
	return &Problem{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// AsProblem returns the *Problem err is or wraps, if any.
func AsProblem(err error) (*Problem, bool) {
	var problem *Problem
	ok := errors.As(err, &problem)
	return problem, ok
}
