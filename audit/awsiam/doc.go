// Package awsiam computes what an AWS execution role can effectively do and
// judges it: full administrative access, privilege escalation, and wildcard
// grants.
//
// Analyze reads an audit.Identity (a role with its inline, customer-managed and
// AWS-managed policies and its permissions boundary), parses every document
// with audit/policy, and expands Action and NotAction through the embedded AWS
// action catalog (audit/catalog). Permissions are then decided the way IAM
// evaluates a role's own policies:
//
//   - an action is allowed when some Allow statement of an attached policy
//     covers it and, if the role has a permissions boundary, some Allow
//     statement of the boundary covers it too (the resources are intersected);
//   - an unconditional Deny (from any policy or the boundary) that covers the
//     action on every resource a grant names removes that grant; a conditional
//     Deny is recorded but not applied, since the audit cannot know whether its
//     condition holds;
//   - a grant with a Condition is kept but marked conditional: it is weaker
//     evidence, and the rules lower their severity for it.
//
// Service control policies, resource control policies, session policies and
// resource-based policies are outside the role's documents and are not
// modelled; the verdicts are therefore upper bounds of what the role can do.
//
// On top of that, Role.Admin decides whether the role can perform (nearly)
// every action on every resource, Role.Escalations matches the catalogue of
// known escalation methods (Methods, encoded as data), and Role.Wildcards
// classifies service-wide and "*"-resource grants by access level.
package awsiam
