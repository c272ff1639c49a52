package policy

import (
	"net/netip"
	"strings"
)

// Condition keys that bind a caller or the source of a call to a concrete
// identity. Callers cannot forge them: AWS sets them from the request's
// authenticated principal or from the resource a service acts for.
var pinningKeys = map[string]bool{
	"aws:sourcearn":           true,
	"aws:sourceaccount":       true,
	"aws:sourceowner":         true,
	"aws:sourceorgid":         true,
	"aws:sourceorgpaths":      true,
	"aws:sourcevpce":          true,
	"aws:sourcevpc":           true,
	"aws:principalorgid":      true,
	"aws:principalorgpaths":   true,
	"aws:principalaccount":    true,
	"aws:principalarn":        true,
	"aws:userid":              true,
	"aws:username":            true,
	"lambda:eventsourcetoken": true,
}

// PinningKey reports whether key (any case) is a condition key that can pin
// the caller or source of a request to a concrete identity.
func PinningKey(key string) bool { return pinningKeys[strings.ToLower(key)] }

// ipKeys are the network-origin keys; an IpAddress condition on a narrow range
// limits callers to that network.
var ipKeys = map[string]bool{"aws:sourceip": true, "aws:vpcsourceip": true}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

func onlyWildcards(s string) bool {
	return strings.Trim(s, "*?") == ""
}

// ConcreteValue reports whether value, as a value of the pinning key, names a
// specific identity rather than a pattern anyone can satisfy: "*",
// "arn:aws:s3:::*", "arn:aws:execute-api:*", "arn:aws:*:*:*", an account of
// "*", "o-*" or "vpce-*" are not concrete. An ARN pins when its account is
// concrete, or, for ARNs without an account (S3 buckets), when its service
// and the first segment of its resource are.
func ConcreteValue(key, value string) bool {
	if value == "" || onlyWildcards(value) {
		return false
	}
	switch strings.ToLower(key) {
	case "aws:sourcearn", "aws:principalarn":
		if !strings.HasPrefix(strings.ToLower(value), "arn:") {
			return !hasWildcard(value)
		}
		parts := strings.SplitN(value, ":", 6)
		if len(parts) < 6 {
			return false
		}
		if hasWildcard(parts[1]) && parts[4] == "" {
			return false
		}
		if parts[4] != "" {
			return !hasWildcard(parts[4])
		}
		res := parts[5]
		if i := strings.IndexAny(res, "/:"); i >= 0 {
			res = res[:i]
		}
		return !hasWildcard(parts[2]) && res != "" && !hasWildcard(res)
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		org, _, _ := strings.Cut(value, "/")
		return org != "" && !hasWildcard(org)
	case "aws:userid":
		id, _, _ := strings.Cut(value, ":")
		return id != "" && !hasWildcard(id)
	}
	return !hasWildcard(value)
}

// narrowRange reports whether an IpAddress value limits callers to a network
// rather than most of the internet: an address, or a prefix of at least /8
// (IPv4) or /16 (IPv6). 0.0.0.0/0 and ::/0 are not narrow.
func narrowRange(v string) bool {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.IsValid()
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		return p.Bits() >= 8
	}
	return p.Bits() >= 16
}

// pinOwner says whose identity a concrete pinning value names: an account id,
// an organization id, or "" when the value does not reveal it (an S3 bucket
// ARN, a VPC endpoint, a user id).
func pinOwner(key, value string) (account, org string) {
	switch strings.ToLower(key) {
	case "aws:sourceaccount", "aws:principalaccount", "aws:sourceowner":
		return value, ""
	case "aws:principalorgid", "aws:sourceorgid":
		return "", value
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		org, _, _ := strings.Cut(value, "/")
		return "", org
	case "aws:sourcearn", "aws:principalarn":
		return ARNAccount(value), ""
	}
	return "", ""
}

// ARNAccount returns the account field of an ARN, or "" when it has none.
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || !strings.EqualFold(parts[0], "arn") {
		return ""
	}
	return parts[4]
}

// PrincipalAccount returns the account an AWS principal entry belongs to: the
// entry itself for a 12-digit account id, the account field of an IAM or STS
// ARN, or "" when it names none.
func PrincipalAccount(p string) string {
	if isAccountID(p) {
		return p
	}
	return ARNAccount(p)
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ipContains reports whether the address actual is in the policy's address
// or CIDR range.
func ipContains(policyValue, actual string) bool {
	a, err := netip.ParseAddr(actual)
	if err != nil {
		return false
	}
	if p, err := netip.ParsePrefix(policyValue); err == nil {
		return p.Contains(a)
	}
	b, err := netip.ParseAddr(policyValue)
	return err == nil && b == a
}

// S3BucketName returns the bucket an S3 ARN names (arn:aws:s3:::name or
// arn:aws:s3:::name/key), or "" when arn is not a concrete S3 bucket ARN.
func S3BucketName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || !strings.EqualFold(parts[0], "arn") || parts[2] != "s3" || parts[3] != "" || parts[4] != "" {
		return ""
	}
	name, _, _ := strings.Cut(parts[5], "/")
	if name == "" || hasWildcard(name) {
		return ""
	}
	return name
}
