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

package esemulator

import "slices"

// The cluster privileges the emulator grants actions by (ClusterPrivilegeResolver): manage_token grants
// cluster:admin/xpack/security/token/*, manage_api_key cluster:admin/xpack/security/api_key/*,
// manage_own_api_key the same for the caller's own keys only (ManageOwnApiKeyClusterPrivilege, 7.4),
// manage_security cluster:admin/xpack/security/*, all everything.
const (
	privAll             = "all"
	privManageSecurity  = "manage_security"
	privManageToken     = "manage_token"
	privManageSAML      = "manage_saml"
	privManageAPIKey    = "manage_api_key"
	privManageOwnAPIKey = "manage_own_api_key"
)

// builtinRoles are the reserved roles the emulator knows (ReservedRolesStore): superuser holds all.
var builtinRoles = map[string][]string{"superuser": {privAll}}

// clusterPrivileges lists what p holds: its own (an API key's) and its roles'. A role that does not
// exist grants nothing, as in Elasticsearch. The caller holds e.mu.
func (e *Emulator) clusterPrivileges(p *principal) []string {
	privs := append([]string{}, p.cluster...)
	for _, r := range p.roles {
		if builtin, ok := builtinRoles[r]; ok {
			privs = append(privs, builtin...)
		} else {
			privs = append(privs, e.roles[r]...)
		}
	}
	return privs
}

// holdsAny reports whether p holds one of the privileges.
func (e *Emulator) holdsAny(p *principal, privileges ...string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	held := e.clusterPrivileges(p)
	for _, priv := range privileges {
		if slices.Contains(held, priv) {
			return true
		}
	}
	return false
}

// resolveRoles splits role names into those that exist (built in or defined) and those that do not,
// each sorted, as 8.5+'s denial message lists them.
func (e *Emulator) resolveRoles(names []string) (found, missing []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	found, missing = []string{}, []string{}
	for _, r := range names {
		_, builtin := builtinRoles[r]
		if _, defined := e.roles[r]; builtin || defined {
			found = append(found, r)
		} else {
			missing = append(missing, r)
		}
	}
	slices.Sort(found)
	slices.Sort(missing)
	return found, missing
}
