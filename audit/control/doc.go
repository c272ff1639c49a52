// Package control says who can change a function: the principals that can
// rewrite its code or configuration, change who may invoke it, or obtain its
// identity without touching it (assume its execution role, or pass the role to
// new compute).
//
// For AWS it derives the verdict from an account's authorization details
// (audit.AWSAccount, as iam:GetAccountAuthorizationDetails returns them), the
// execution role's trust policy and the function's resource policy:
//
//   - identity policies are evaluated per principal once: a user with its
//     groups' policies, a role, each through its permissions boundary, with
//     Deny, NotAction and NotResource; users who hold control only through one
//     group are folded into that group ("27 IAM users via group developers");
//   - conditions are taken as satisfiable and recorded, except the ones the
//     audit can decide from the function alone: lambda:FunctionArn against
//     the function's ARN and iam:PassedToService against lambda.amazonaws.com;
//   - each principal's statements are indexed by control action and by their
//     distinct resource patterns, so a function is matched against the few
//     patterns of the account, not against every principal;
//   - service control policies and resource control policies are not
//     readable from a member account: every path is an upper bound (the
//     report says so, see audit.SCPNotApplied).
//
// Controllers that a collector judged itself (GCP, Azure) are read from
// Inventory.Controllers and matched by their targets.
package control
