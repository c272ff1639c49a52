package catalog

import (
	"slices"
	"strings"
)

// GCPAdminRole describes why a GCP role, by name, confers full administrative
// power over the scope it is bound at.
type GCPAdminRole struct {
	Role   string
	Reason string
}

// gcpAdminRoles are the basic roles that administer a whole project, folder or
// organization. roles/editor cannot change IAM policy but can modify nearly every
// resource, including deploying code that runs as any service account it can act
// as, so it is treated as administrative.
var gcpAdminRoles = []GCPAdminRole{
	{Role: "roles/owner", Reason: "basic Owner role: every permission in the scope, including changing its IAM policy"},
	{Role: "roles/editor", Reason: "basic Editor role: create, change and delete nearly every resource in the scope"},
}

// GCPAdminRoleFor returns the admin role entry for role, if role is one.
func GCPAdminRoleFor(role string) (GCPAdminRole, bool) {
	for _, r := range gcpAdminRoles {
		if r.Role == role {
			return r, true
		}
	}
	return GCPAdminRole{}, false
}

// GCPIAMAdminPermissions are the permissions that let a principal rewrite the IAM
// policy of a whole project, folder or organization, and so grant itself any role.
func GCPIAMAdminPermissions() []string {
	return slices.Clone(gcpIAMAdminPermissions)
}

var gcpIAMAdminPermissions = []string{
	"resourcemanager.projects.setIamPolicy",
	"resourcemanager.folders.setIamPolicy",
	"resourcemanager.organizations.setIamPolicy",
}

// IsGCPCustomRole reports whether role names a custom role
// (projects/P/roles/R or organizations/O/roles/R) rather than a predefined one.
func IsGCPCustomRole(role string) bool {
	return strings.HasPrefix(role, "projects/") || strings.HasPrefix(role, "organizations/")
}

// gcpBroadRoles are predefined roles that grant a whole service (or everything)
// at the scope they are bound at, beyond the "*.admin" pattern that
// GCPBroadRole also matches.
var gcpBroadRoles = map[string]string{
	"roles/viewer":                       "basic Viewer role: read access to nearly every resource and its data",
	"roles/storage.objectAdmin":          "full control of every object in every bucket of the scope",
	"roles/datastore.owner":              "full control of Datastore / Firestore data and indexes",
	"roles/secretmanager.secretAccessor": "read every secret's value in the scope",
	"roles/cloudsql.client":              "connect to every Cloud SQL instance in the scope",
	"roles/bigquery.dataOwner":           "full control of every BigQuery dataset in the scope",
	"roles/pubsub.editor":                "create, change and delete every topic and subscription in the scope",
}

// GCPBroadRole reports whether a predefined role grants service-wide power when
// bound at project, folder or organization level: every "roles/<service>.admin"
// (and "...Admin") role and the roles in an explicit list. The basic Owner and
// Editor roles are admin roles (GCPAdminRoleFor), not broad ones.
func GCPBroadRole(role string) (reason string, ok bool) {
	if !strings.HasPrefix(role, "roles/") {
		return "", false
	}
	if _, admin := GCPAdminRoleFor(role); admin {
		return "", false
	}
	if r, ok := gcpBroadRoles[role]; ok {
		return r, true
	}
	name := strings.TrimPrefix(role, "roles/")
	if i := strings.LastIndex(name, "."); i >= 0 {
		last := name[i+1:]
		if last == "admin" || strings.HasSuffix(last, "Admin") {
			return "administrator of the " + name[:i] + " service: every permission of that service", true
		}
	}
	return "", false
}
