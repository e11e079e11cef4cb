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
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// watchNamespaces is the namespace-scoped mode: --watch-namespaces=a,b (or WATCH_NAMESPACES).
// When set, the manager caches and reconciles TokenRevocations only in those namespaces, and the
// reconciler reads Secrets, Services and ECK objects only there, so Roles in those namespaces are
// all the RBAC it needs on them (config/namespaced). Empty means every namespace.
type watchNamespaces struct {
	list []string
	// err is a malformed WATCH_NAMESPACES, reported unless the flag overrides it.
	err error
}

func (w *watchNamespaces) bind(fs *flag.FlagSet) {
	if env := os.Getenv("WATCH_NAMESPACES"); env != "" {
		w.list, w.err = parseNamespaces(env)
		if w.err != nil {
			w.err = fmt.Errorf("WATCH_NAMESPACES: %w", w.err)
		}
	}
	fs.Func("watch-namespaces", "Comma-separated namespaces the operator alone watches and reads from (env WATCH_NAMESPACES); "+
		"empty means every namespace.", func(value string) error {
		list, err := parseNamespaces(value)
		if err != nil {
			return err
		}
		w.list, w.err = list, nil
		return nil
	})
}

// parseNamespaces splits a comma-separated list of namespace names, dropping blanks and
// duplicates, and refuses a name that cannot be a namespace's, so that a typo fails at start
// instead of leaving the operator watching nothing.
func parseNamespaces(value string) ([]string, error) {
	var list []string
	for _, name := range strings.Split(value, ",") {
		name = strings.TrimSpace(name)
		if name == "" || slices.Contains(list, name) {
			continue
		}
		if problems := validation.IsDNS1123Label(name); len(problems) > 0 {
			return nil, fmt.Errorf("%q is not a namespace name: %s", name, strings.Join(problems, "; "))
		}
		list = append(list, name)
	}
	return list, nil
}

// cacheOptions are the manager's cache options: the revocations (TokenRevocations and
// ApiKeyRevocations) are cached only in the watched namespaces, if any. The reconcilers read
// revocations from the cache and nothing else (Secrets, ECK objects are read uncached);
// managedFields are never read, so they are not kept.
func (w *watchNamespaces) cacheOptions() cache.Options {
	options := cache.Options{DefaultTransform: cache.TransformStripManagedFields()}
	if len(w.list) > 0 {
		options.DefaultNamespaces = make(map[string]cache.Config, len(w.list))
		for _, namespace := range w.list {
			options.DefaultNamespaces[namespace] = cache.Config{}
		}
	}
	return options
}
