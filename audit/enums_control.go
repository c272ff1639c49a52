package audit

import "slices"

// The control enums follow the model's other enums: string types whose JSON
// decoding rejects values outside their documented set.

// ControlKind says what a controller can do to a function or its identity.
type ControlKind string

// Control kinds. Changing the code or the configuration of a function means
// running as its identity; changing who can invoke it opens it to others;
// assuming or passing its identity obtains its power without touching it.
const (
	// ControlChangeCode: replace the function's code (lambda:UpdateFunctionCode).
	ControlChangeCode ControlKind = "change-code"
	// ControlChangeConfig: change its configuration: environment, layers,
	// execution role, VPC (lambda:UpdateFunctionConfiguration).
	ControlChangeConfig ControlKind = "change-config"
	// ControlChangeInvokePolicy: change who can invoke it: the resource
	// policy, a function URL, aliases (lambda:AddPermission, ...).
	ControlChangeInvokePolicy ControlKind = "change-invoke-policy"
	// ControlAssumeIdentity: assume the execution identity directly (sts:AssumeRole
	// allowed by the role's trust policy).
	ControlAssumeIdentity ControlKind = "assume-identity"
	// ControlPassIdentity: hand the identity to new compute and run it
	// (iam:PassRole on the role plus a create action such as lambda:CreateFunction).
	ControlPassIdentity ControlKind = "pass-identity"
	// ControlUpdateFunction: update a GCP function (cloudfunctions.functions.update).
	ControlUpdateFunction ControlKind = "update-function"
	// ControlUpdateService: update the GCP function's Cloud Run service (run.services.update).
	ControlUpdateService ControlKind = "update-service"
	// ControlSetIAMPolicy: set the IAM policy of the GCP function or service.
	ControlSetIAMPolicy ControlKind = "set-iam-policy"
	// ControlActAs: act as the GCP function's service account (iam.serviceAccounts.actAs).
	ControlActAs ControlKind = "act-as"
	// ControlTokenCreator: mint tokens for the GCP service account
	// (iam.serviceAccounts.getAccessToken and friends).
	ControlTokenCreator ControlKind = "token-creator"
	// ControlWriteApp: write the Azure function app (Microsoft.Web/sites/write).
	ControlWriteApp ControlKind = "write-app"
	// ControlWriteSlot: write one of its deployment slots (Microsoft.Web/sites/slots/write).
	ControlWriteSlot ControlKind = "write-slot"
	// ControlWriteSettings: write its app settings (Microsoft.Web/sites/config/write).
	ControlWriteSettings ControlKind = "write-settings"
	// ControlPublishingCredentials: read its publishing credentials
	// (Microsoft.Web/sites/publishxml/action, config/list).
	ControlPublishingCredentials ControlKind = "publishing-credentials"
	// ControlAssignRoles: assign roles on its scope (Microsoft.Authorization/roleAssignments/write).
	ControlAssignRoles ControlKind = "assign-roles"
)

// ControlKinds lists every control kind.
func ControlKinds() []ControlKind {
	return slices.Clone(allControlKinds)
}

var allControlKinds = []ControlKind{ControlChangeCode, ControlChangeConfig, ControlChangeInvokePolicy,
	ControlAssumeIdentity, ControlPassIdentity, ControlUpdateFunction, ControlUpdateService,
	ControlSetIAMPolicy, ControlActAs, ControlTokenCreator, ControlWriteApp, ControlWriteSlot,
	ControlWriteSettings, ControlPublishingCredentials, ControlAssignRoles}

// String returns the kind's name.
func (k ControlKind) String() string { return string(k) }

// RunsAsIdentity reports whether the kind lets its holder run code as the
// function's identity (every kind but changing who can invoke it and
// setting its IAM policy).
func (k ControlKind) RunsAsIdentity() bool {
	switch k {
	case ControlChangeInvokePolicy, ControlSetIAMPolicy:
		return false
	}
	return true
}

// UnmarshalJSON accepts only known control kinds.
func (k *ControlKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "control kind", allControlKinds, k)
}

// ControllerKind classifies the principal that controls a function.
type ControllerKind string

// Controller kinds.
const (
	// ControllerUser: an IAM user (AWS), a Google account (user:), an Entra user.
	ControllerUser ControllerKind = "user"
	// ControllerGroupMember: the members of a group, through the group's
	// policies (Members / MemberCount say who and how many).
	ControllerGroupMember ControllerKind = "group-member"
	// ControllerRole: an IAM role (whoever can assume it).
	ControllerRole ControllerKind = "role"
	// ControllerServiceAccount: a GCP service account.
	ControllerServiceAccount ControllerKind = "service-account"
	// ControllerManagedIdentity: an Azure managed identity or service principal.
	ControllerManagedIdentity ControllerKind = "managed-identity"
	// ControllerAccount: a whole account, project or subscription, named in a
	// resource or trust policy (its administrators decide who inside it).
	ControllerAccount ControllerKind = "account"
	// ControllerOrganization: every principal of an organization or tenant.
	ControllerOrganization ControllerKind = "organization"
	// ControllerService: a cloud service principal (not the function service itself).
	ControllerService ControllerKind = "service"
	// ControllerFederated: an identity provider's users (SAML, OIDC, web identity).
	ControllerFederated ControllerKind = "federated"
	// ControllerAnyPrincipal: any principal of any account ("*").
	ControllerAnyPrincipal ControllerKind = "any-principal"
)

// ControllerKinds lists every controller kind.
func ControllerKinds() []ControllerKind {
	return slices.Clone(allControllerKinds)
}

var allControllerKinds = []ControllerKind{ControllerUser, ControllerGroupMember, ControllerRole,
	ControllerServiceAccount, ControllerManagedIdentity, ControllerAccount, ControllerOrganization,
	ControllerService, ControllerFederated, ControllerAnyPrincipal}

// String returns the kind's name.
func (k ControllerKind) String() string { return string(k) }

// UnmarshalJSON accepts only known controller kinds.
func (k *ControllerKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "controller kind", allControllerKinds, k)
}
