package azurefunctions

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Who can control a function app (issue 15): the role assignments at the app,
// its resource group, its subscription and the management groups above
// (listed at the app's scope with atScope(), which returns the assignments at
// and above it), each role definition expanded, and the app's basic-auth
// publishing policies for the SCM (Kudu, zip deploy) and FTP endpoints.

// API names of the control reads.
const (
	apiControlAssignments = "Microsoft.Authorization/roleAssignments/read"
	apiBasicPublishing    = "Microsoft.Web/sites/basicPublishingCredentialsPolicies/read"
)

// azureControlActions are the actions that let a principal control an app:
// rewrite it, its slots or its settings (code and configuration run as its
// identity), read its publishing credentials, or assign roles on its scope.
var azureControlActions = []string{
	"Microsoft.Web/sites/write",
	"Microsoft.Web/sites/slots/write",
	"Microsoft.Web/sites/config/write",
	"Microsoft.Web/sites/publishxml/action",
	"Microsoft.Web/sites/config/list/action",
	"Microsoft.Authorization/roleAssignments/write",
}

// azureControl is one role assignment that lets a principal control an app.
type azureControl struct {
	PrincipalID   string
	PrincipalType string // User, Group, ServicePrincipal, ForeignGroup, ... ("" when not stated)
	Role          string // the role definition's name
	RoleID        string
	Scope         string
	Assignment    string // the assignment's ARM id
	Condition     string
	// Actions are the control actions the role allows, in
	// azureControlActions order; Patterns the role's patterns allowing
	// them, in the same order.
	Actions  []string
	Patterns []string
}

// appControl is what the control reads found for one app.
type appControl struct {
	controls []azureControl
	// read is true when the assignment listing completed.
	read bool
}

// app identifies one Function App in the inventory.
type appRef struct{ sub, rg, name, id, region string }

// collectControls reads, for every app in the inventory, the role assignments
// that cover it and its basic-auth publishing policies, and records them on
// its functions. A failed read is a control gap on the app.
func (r *run) collectControls(ctx context.Context) map[string]*appControl {
	apps := map[string]appRef{}
	for i := range r.inv.Functions {
		f := &r.inv.Functions[i]
		if f.Azure == nil || f.Azure.App == "" {
			continue
		}
		key := strings.ToLower(f.Azure.App)
		if _, ok := apps[key]; !ok {
			apps[key] = appRef{sub: f.Account, rg: f.Azure.ResourceGroup, name: lastSegment(f.Azure.App), id: f.Azure.App, region: f.Region}
		}
	}
	out := map[string]*appControl{}
	if len(apps) == 0 {
		return out
	}
	defs, defsErr := r.c.newRoleDefinitions()
	keys := make([]string, 0, len(apps))
	for k := range apps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	publishing := map[string]*audit.AzureBasicPublishing{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, r.c.opts.Concurrency)
	for _, k := range keys {
		a := apps[k]
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ac := r.appControls(ctx, a, defs, defsErr)
			bp := r.basicPublishing(ctx, a)
			mu.Lock()
			out[k] = ac
			publishing[k] = bp
			mu.Unlock()
		}()
	}
	wg.Wait()
	for i := range r.inv.Functions {
		f := &r.inv.Functions[i]
		if f.Azure == nil || f.Azure.App == "" {
			continue
		}
		if bp := publishing[strings.ToLower(f.Azure.App)]; bp != nil {
			cp := *bp
			f.Azure.BasicPublishing = &cp
		}
	}
	return out
}

// appControls lists the role assignments at and above the app and keeps those
// whose role allows a control action.
func (r *run) appControls(ctx context.Context, a appRef, defs roleDefinitionsAPI, defsErr error) *appControl {
	gap := audit.Gap{Account: a.sub, Region: a.region, Resource: a.id, API: apiControlAssignments, Data: audit.DataControl}
	out := &appControl{}
	client, err := r.c.newRoleAssignments(a.sub)
	if r.failed(err, gap) {
		return out
	}
	filter := "atScope()"
	pager := client.NewListForScopePager(a.id, &armauthorization.RoleAssignmentsClientListForScopeOptions{Filter: &filter})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the role assignment listing", "value")
		}
		if err != nil {
			g := gap
			g.Message = "role assignments covering the app; who can change it is unknown: "
			g.Reason, g.Message = classify(err), g.Message+gapMessage(err)
			r.addGap(g)
			return out
		}
		for _, ra := range page.Value {
			if ra == nil || ra.Properties == nil {
				continue
			}
			p := ra.Properties
			scope := str(p.Scope)
			if scope != "" && !catalog.AzureScopeCovers(scope, a.id) {
				continue // an implementation that ignored atScope()
			}
			def, derr := r.controlRoleDefinition(ctx, defs, defsErr, str(p.RoleDefinitionID))
			if derr != nil {
				g := gap
				g.API = apiRoleDefinitions
				g.Reason = classify(derr)
				g.Message = "role definition " + str(p.RoleDefinitionID) + " assigned to " + str(p.PrincipalID) +
					" at " + scope + ": whether it can change the app is unknown: " + gapMessage(derr)
				r.addGap(g)
				continue
			}
			if c, ok := controlOf(ra, def); ok {
				out.controls = append(out.controls, c)
			}
		}
	}
	out.read = true
	sort.Slice(out.controls, func(i, j int) bool { return out.controls[i].Assignment < out.controls[j].Assignment })
	return out
}

// controlOf returns the control an assignment gives, if its role allows any
// control action at the app.
func controlOf(ra *armauthorization.RoleAssignment, def *roleDef) (azureControl, bool) {
	p := ra.Properties
	c := azureControl{
		PrincipalID: str(p.PrincipalID), PrincipalType: string(ptrOr(p.PrincipalType, "")),
		Role: def.name, RoleID: str(p.RoleDefinitionID), Scope: str(p.Scope),
		Assignment: str(ra.ID), Condition: str(p.Condition),
	}
	if c.Role == "" {
		c.Role = lastSegment(c.RoleID)
	}
	for _, action := range azureControlActions {
		for _, b := range def.perms {
			if pat, ok := catalog.AzurePermits(b.actions, b.notActions, action); ok {
				c.Actions = append(c.Actions, action)
				c.Patterns = append(c.Patterns, pat)
				break
			}
		}
	}
	return c, len(c.Actions) > 0
}

// controlRoleDefinition reads a role definition once per run (sharing the
// identities' cache), falling back to the catalog for a built-in role.
func (r *run) controlRoleDefinition(ctx context.Context, client roleDefinitionsAPI, clientErr error, id string) (*roleDef, error) {
	key := catalog.AzureRoleGUID(id)
	v, _ := r.roleDefs.LoadOrStore(key, &roleDefResult{})
	res := v.(*roleDefResult)
	res.once.Do(func() {
		if clientErr != nil {
			res.err = clientErr
			return
		}
		resp, err := client.GetByID(ctx, id, nil)
		if err == nil && resp.Properties == nil {
			err = missing("the role definition", "properties")
		}
		if err != nil {
			res.err = err
			return
		}
		res.def = roleDefFrom(&resp.RoleDefinition)
	})
	if res.err == nil {
		return res.def, nil
	}
	if b, ok := catalog.AzureBuiltinRole(id); ok {
		return &roleDef{name: b.Name, perms: []permBlock{{b.Actions, b.NotActions, b.DataActions, b.NotDataActions}}}, nil
	}
	return nil, res.err
}

// basicPublishing reads whether the app accepts basic-auth publishing on its
// SCM and FTP endpoints. A failed read leaves that endpoint unknown (nil) and
// is a control gap on the app; nil when neither could be read.
func (r *run) basicPublishing(ctx context.Context, a appRef) *audit.AzureBasicPublishing {
	gap := audit.Gap{Account: a.sub, Region: a.region, Resource: a.id, API: apiBasicPublishing, Data: audit.DataControl}
	client, err := r.c.newWebApps(a.sub)
	if r.failed(err, gap) {
		return nil
	}
	bp := &audit.AzureBasicPublishing{Source: audit.Source{API: apiBasicPublishing, Ref: a.id + "/basicPublishingCredentialsPolicies"}}
	scm, err := client.GetScmAllowed(ctx, a.rg, a.name, nil)
	if err == nil && (scm.Properties == nil || scm.Properties.Allow == nil) {
		err = missing("the app's SCM basic-auth publishing policy", "properties.allow")
	}
	g := gap
	g.Message = "basicPublishingCredentialsPolicies/scm"
	if !r.failedNoted(err, g) {
		v := *scm.Properties.Allow
		bp.SCM = &v
	}
	ftp, err := client.GetFtpAllowed(ctx, a.rg, a.name, nil)
	if err == nil && (ftp.Properties == nil || ftp.Properties.Allow == nil) {
		err = missing("the app's FTP basic-auth publishing policy", "properties.allow")
	}
	g.Message = "basicPublishingCredentialsPolicies/ftp"
	if !r.failedNoted(err, g) {
		v := *ftp.Properties.Allow
		bp.FTP = &v
	}
	if bp.SCM == nil && bp.FTP == nil {
		return nil
	}
	return bp
}

// failedNoted is failed with g.Message kept as a prefix of the error's.
func (r *run) failedNoted(err error, g audit.Gap) bool {
	if err == nil {
		return false
	}
	g.Reason = classify(err)
	g.Message = g.Message + ": " + gapMessage(err)
	r.addGap(g)
	return true
}

// azureControlKind names the model's control kind of a control action.
func azureControlKind(action string) audit.ControlKind {
	switch action {
	case "Microsoft.Web/sites/write":
		return audit.ControlWriteApp
	case "Microsoft.Web/sites/slots/write":
		return audit.ControlWriteSlot
	case "Microsoft.Web/sites/config/write":
		return audit.ControlWriteSettings
	case "Microsoft.Authorization/roleAssignments/write":
		return audit.ControlAssignRoles
	}
	return audit.ControlPublishingCredentials // publishxml/action, config/list/action
}

// azureControllerPrincipal classifies an assignment's principal. Groups are
// not expanded (their members are in Microsoft Entra ID, which the audit does
// not read); a ForeignGroup belongs to another tenant.
func azureControllerPrincipal(c azureControl, tenant string) audit.ControlPrincipal {
	p := audit.ControlPrincipal{ID: c.PrincipalID, Account: tenant}
	switch strings.ToLower(c.PrincipalType) {
	case "user":
		p.Kind = audit.ControllerUser
	case "group":
		p.Kind = audit.ControllerGroupMember
		p.Name = "group (members not expanded)"
	case "foreigngroup":
		p.Kind = audit.ControllerGroupMember
		p.Name = "foreign group of another tenant (members not expanded)"
		p.Account = ""
	default:
		p.Kind = audit.ControllerManagedIdentity
	}
	return p
}

// azureControllers folds the apps' control assignments into one Controller
// per principal, one power per kind and assignment; a power's targets are the
// assignment's scope (it covers every app under it).
func azureControllers(inv *audit.Inventory, controls map[string]*appControl) []audit.Controller {
	tenants := map[string]string{}
	for _, a := range inv.Accounts {
		tenants[a.ID] = a.OrgID
	}
	type powerKey struct {
		kind       audit.ControlKind
		assignment string
	}
	type acc struct {
		principal audit.ControlPrincipal
		powers    map[powerKey]*audit.ControlPower
	}
	byPrincipal := map[string]*acc{}
	appKeys := make([]string, 0, len(controls))
	for k := range controls {
		appKeys = append(appKeys, k)
	}
	sort.Strings(appKeys)
	for _, k := range appKeys {
		for _, c := range controls[k].controls {
			a, ok := byPrincipal[c.PrincipalID]
			if !ok {
				a = &acc{principal: azureControllerPrincipal(c, tenants[subscriptionOfID(c.Scope, k)]),
					powers: map[powerKey]*audit.ControlPower{}}
				byPrincipal[c.PrincipalID] = a
			}
			for i, action := range c.Actions {
				key := powerKey{azureControlKind(action), strings.ToLower(c.Assignment)}
				pw, ok := a.powers[key]
				if !ok {
					pw = &audit.ControlPower{Kind: key.kind, Targets: []string{c.Scope}}
					if c.Condition != "" {
						pw.Conditions = []string{c.Condition}
					}
					pw.Evidence = []audit.ControlEvidence{{Policy: c.Role, PolicyID: c.RoleID, Kind: audit.PolicyRoleAssignment,
						Via: "role assignment at " + c.Scope, Statement: c.Assignment,
						Source: audit.Source{API: apiControlAssignments, Ref: c.Assignment}}}
					a.powers[key] = pw
				}
				if !containsFold(pw.Actions, action) {
					pw.Actions = append(pw.Actions, action)
					// The evidence quotes the role's patterns that allow it.
					if !containsFold(pw.Evidence[0].Actions, c.Patterns[i]) {
						pw.Evidence[0].Actions = append(pw.Evidence[0].Actions, c.Patterns[i])
					}
				}
			}
		}
	}
	ids := make([]string, 0, len(byPrincipal))
	for id := range byPrincipal {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]audit.Controller, 0, len(ids))
	for _, id := range ids {
		a := byPrincipal[id]
		keys := make([]powerKey, 0, len(a.powers))
		for k := range a.powers {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].kind != keys[j].kind {
				return keys[i].kind < keys[j].kind
			}
			return keys[i].assignment < keys[j].assignment
		})
		c := audit.Controller{Provider: audit.Azure, Principal: a.principal}
		for _, k := range keys {
			c.Powers = append(c.Powers, *a.powers[k])
		}
		out = append(out, c)
	}
	return out
}

// subscriptionOfID returns the subscription id in an ARM id, else the one in
// def (an app id); a management-group scope names none.
func subscriptionOfID(id, def string) string {
	for _, s := range []string{id, def} {
		parts := strings.Split(strings.Trim(s, "/"), "/")
		for i := 0; i+1 < len(parts); i++ {
			if strings.EqualFold(parts[i], "subscriptions") {
				return parts[i+1]
			}
		}
	}
	return ""
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
