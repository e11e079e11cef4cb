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
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// namespacedResources says, for each group/resource config/ grants anything on, whether it lives
// in a namespace (true) or is cluster-scoped (false). A resource not listed stops `make chart`:
// add it here, with its scope as `kubectl api-resources` shows it.
var namespacedResources = map[string]bool{
	"/secrets":                               true,
	"/services":                              true,
	"/configmaps":                            true,
	"/events":                                true,
	"/pods":                                  true,
	"/serviceaccounts":                       true,
	"/namespaces":                            false,
	"events.k8s.io/events":                   true,
	"coordination.k8s.io/leases":             true,
	"security.esrevoke.io/tokenrevocations":  true,
	"security.esrevoke.io/apikeyrevocations": true,
	"elasticsearch.k8s.elastic.co/elasticsearches":                 true,
	"authentication.k8s.io/tokenreviews":                           false,
	"authorization.k8s.io/subjectaccessreviews":                    false,
	"authorization.k8s.io/localsubjectaccessreviews":               true,
	"admissionregistration.k8s.io/validatingwebhookconfigurations": false,
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":   false,
	"apiextensions.k8s.io/customresourcedefinitions":               false,
}

// splitByScope splits rules into those on namespaced resources and the rest (cluster-scoped
// resources, non-resource URLs).
func splitByScope(rules []rbacv1.PolicyRule) (namespaced, cluster []rbacv1.PolicyRule, err error) {
	for _, rule := range rules {
		if len(rule.NonResourceURLs) > 0 {
			cluster = append(cluster, rule)
			continue
		}
		for _, group := range rule.APIGroups {
			var inNamespace, clusterWide []string
			for _, resource := range rule.Resources {
				base, _, _ := strings.Cut(resource, "/") // a subresource has its resource's scope
				scoped, known := namespacedResources[group+"/"+base]
				switch {
				case !known:
					return nil, nil, fmt.Errorf("the scope of %s/%s is unknown: add it to hack/chartgen's namespacedResources", group, base)
				case scoped:
					inNamespace = append(inNamespace, resource)
				default:
					clusterWide = append(clusterWide, resource)
				}
			}
			namespaced = appendRule(namespaced, rule, group, inNamespace)
			cluster = appendRule(cluster, rule, group, clusterWide)
		}
	}
	return namespaced, cluster, nil
}

func appendRule(rules []rbacv1.PolicyRule, rule rbacv1.PolicyRule, group string, resources []string) []rbacv1.PolicyRule {
	if len(resources) == 0 {
		return rules
	}
	return append(rules, rbacv1.PolicyRule{
		APIGroups: []string{group}, Resources: resources, ResourceNames: rule.ResourceNames, Verbs: rule.Verbs,
	})
}
