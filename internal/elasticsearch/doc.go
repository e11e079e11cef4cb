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
// clients for a Target, calls the invalidate token API or the invalidate API key API once per request,
// and classifies every outcome into a Kind the controller acts on.
//
// # Versions
//
// Elasticsearch 6.0 to 9.x are served; version.go cites the source of each difference:
//
//	6.0–6.1    DELETE /_xpack/security/oauth2/token, {"token"} only, answer {"created": bool}
//	6.2–6.6    also {"refresh_token"}; answers created: true even for an invalid token (#35115): Result.Caveat
//	6.7–6.8    also realm_name and username; the counters answer, with "created" beside it
//	7.0–7.13   DELETE /_security/oauth2/token (/_xpack deprecated, with a Warning); no X-Elastic-Product header
//	7.0–7.7    an unknown token: 401 "token malformed" (access) or 400 invalid_grant (refresh): TokenNotFound
//	7.14+      the X-Elastic-Product header, required from then on; 8.0 drops /_xpack
//
// InvalidateAPIKeys calls DELETE /_security/api_key on the same machinery (the same clients and version
// knowledge, timeouts, product-header checks, classification and redaction); apikeys.go cites the sources:
//
//	6.7–7.3    the API exists (only at /_security/api_key); body id, name, realm_name, username; manage_api_key
//	7.4–7.9    also owner (true: only the credential's own keys), with manage_own_api_key
//	7.10+      also ids, a list; 7.10–7.17 still take id (not with ids); 8.0 takes id only for compatible-with=7
//	all        answer {"invalidated_api_keys":[..],"previously_invalidated_api_keys":[..],"error_count":n[,"error_details"]};
//	           keys that match nothing valid (unknown ids, already invalidated keys): 200 with empty lists, never 404
//
// A request the known version cannot take fails as KindUnsupported before any call (owner before 7.4,
// more than one id before 7.10); a single id goes as "id" to a cluster known to be older than 7.10, else
// as "ids", and again as "id" once if the cluster's parser refuses "ids". Named ids missing from both
// lists are unknown or were already invalid, which Elasticsearch does not tell apart: APIKeyResult.Caveat
// says so. A disabled API key service is KindAPIKeyServiceDisabled. APIKeyIDOf reads a leaked key's id
// from the forms a responder finds it in.
//
// A Target's Version, when set, decides the path, how answers are read, and which requests fail as
// KindUnsupported before any call. Otherwise what is known is learned from the answers themselves, never
// from GET / (RestMainAction runs MainAction "cluster:monitor/main", granted by the monitor privilege;
// manage_token grants only cluster:admin/xpack/security/token/*, ClusterPrivilegeResolver): the
// exact version in a Warning header, the product header, the answer's shape, and a "no handler found"
// answer (Elasticsearch's router ran nothing) to the current path followed by the legacy one. Clients
// keeps what it learned with the target's client, so a known target costs one call per revocation.
// Result.Version reports it.
//
// Secrets never leave this package: Target and InvalidateRequest print without credentials or tokens,
// and every returned error and error detail passes through a redactor that replaces the request's
// token, refresh token, and the target's password and API key with "[REDACTED]" wherever one stands as
// a whole value, and any 12-byte run of one anywhere. Texts from Elasticsearch are redacted whole, then
// bounded; Target.Validate refuses passwords and API keys too short to be redacted safely.
package elasticsearch
