// Package policy reads AWS IAM policy documents and judges them.
//
// Parse and ParseURLEncoded turn every legal policy shape (a Statement object or
// list, Principal "*" or a principal map, Action / NotAction, Resource /
// NotResource, and Condition blocks of every operator family with the
// ForAnyValue: / ForAllValues: prefixes and the IfExists suffix) into a
// Document whose statements keep their original JSON for evidence. A malformed
// document is an error that names the statement (index and Sid) and the field;
// the parser never panics.
//
// MatchPattern implements IAM's wildcard matching ("*" and "?"), and
// Statement.MatchesAction / MatchesResource apply it with NotAction and
// NotResource honoured.
//
// InvokeAccess decides who can invoke a Lambda function through its
// resource-based policy and function URL: the public (anyone, or any AWS
// account), principals outside the function's account or organization, and
// AWS service principals that are not pinned to a source (the confused
// deputy). Every decision carries the statement that made it and the reasons,
// so a finding can quote its evidence. Policy variables (${aws:...}, with
// defaults and the ${*} / ${?} / ${$} escapes) are resolved as AWS resolves
// them at request time in 2012-10-17 documents, and read as literal text in
// 2008-10-17 ones. A policy of any size is judged in time linear (up to a
// logarithm) in its length: Deny statements are indexed per caller class
// and action rather than rescanned for every grant.
//
// The package imports nothing from the rest of fnaudit.
package policy
