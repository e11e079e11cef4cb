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

// Package elasticsearch is the operator's Elasticsearch side: it builds and reuses go-elasticsearch
// clients for a Target, calls the invalidate token API once per request, and classifies every outcome
// into a Kind the controller acts on.
//
// Secrets never leave this package: Target and InvalidateRequest print without credentials or tokens,
// and every returned error and error detail passes through a redactor that replaces the request's
// token, refresh token, and the target's password and API key with "[REDACTED]" wherever one stands as
// a whole value, and any 12-byte run of one anywhere. Texts from Elasticsearch are redacted whole, then
// bounded; Target.Validate refuses passwords and API keys too short to be redacted safely.
package elasticsearch
