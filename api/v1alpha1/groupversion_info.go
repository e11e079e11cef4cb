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

// Package v1alpha1 contains the revocation API: TokenRevocation, which invalidates Elasticsearch
// access tokens, refresh tokens, or every token of a realm and/or user, and ApiKeyRevocation, which
// invalidates Elasticsearch API keys; each records what Elasticsearch answered.
// +kubebuilder:object:generate=true
// +groupName=security.esrevoke.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of the revocation API.
	GroupVersion = schema.GroupVersion{Group: "security.esrevoke.io", Version: "v1alpha1"}

	// SchemeBuilder registers the API's Go types with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the API's types to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers the API's types, and the meta types of its group version.
func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &TokenRevocation{}, &TokenRevocationList{}, &ApiKeyRevocation{}, &ApiKeyRevocationList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
