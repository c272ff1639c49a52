package azurefunctions

import (
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// appRecord is the inventory record of a Function App whose function listing
// came back empty: no function is deployed yet, but the app already has a
// runtime (its site config and FUNCTIONS_WORKER_RUNTIME), app settings (where
// connection strings and keys live) and managed identities. One record stands
// for the app so the runtime, secret and identity rules judge it and their
// findings name the app: Function.ID and Source.Ref are the app's ARM id,
// Function.Name the app's name, and Azure.AppOnly marks it. It has no triggers
// and no access entries (nothing can invoke a function that does not exist).
func appRecord(app *appFacts, subscription string) audit.Function {
	az := app.azure // copy
	az.IPRestrictions = append([]audit.IPRestriction(nil), app.azure.IPRestrictions...)
	az.SCMIPRestrictions = append([]audit.IPRestriction(nil), app.azure.SCMIPRestrictions...)
	if app.azure.Auth != nil {
		a := *app.azure.Auth
		az.Auth = &a
	}
	az.AppOnly = true
	fn := audit.Function{
		Provider: audit.Azure,
		Account:  subscription,
		Region:   app.region,
		Name:     app.name,
		ID:       app.id,
		Runtime:  runtimeOf(app),
		Tags:     tagsOf(app.site.Tags),
		Source:   audit.Source{API: apiFunctions, Ref: app.id},
		Azure:    &az,
	}
	if strings.HasPrefix(strings.ToUpper(az.LinuxFxVersion), "DOCKER|") {
		fn.PackageType = "container"
	}
	if len(app.env) > 0 {
		fn.Environment = append([]audit.EnvVar(nil), app.env...)
	}
	for _, id := range app.idents {
		fn.Identities = append(fn.Identities, id.ID)
	}
	return fn
}
