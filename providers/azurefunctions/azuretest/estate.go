package azuretest

import (
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

// FromEstate seeds the conformance suite's provider-neutral estate: one Function
// App per function in e.Account (so the site list spans pages of e.PageSize), a
// public function as an anonymous HTTP trigger with nothing in front of it, a
// service-pinned function as a Storage queue trigger, a wildcard identity as a
// system-assigned identity holding Owner on the subscription, every other
// function as a function-key HTTP trigger, and e.DeniedAccount answering
// AuthorizationFailed.
func FromEstate(e providertest.Estate) *Cloud {
	fc := &Cloud{
		subs:          []string{e.Account},
		denied:        map[string]bool{},
		pageSize:      e.PageSize,
		throttleSites: e.ThrottleFirst,
		roleDefs:      BuiltinDefs(),
	}
	if e.DeniedAccount != "" {
		fc.subs = append(fc.subs, e.DeniedAccount)
		fc.denied[e.DeniedAccount] = true
	}
	for i, f := range e.Functions {
		app := &fakeApp{
			sub: e.Account, rg: "rg-conformance", name: "func-" + strings.ToLower(f.Name), location: e.Region,
			kind: "functionapp,linux", linuxFx: "Node|20", pna: to.Ptr("Enabled"),
			auth:     &armappservice.SiteAuthSettingsV2Properties{Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(false)}},
			settings: map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "node"},
		}
		fn := fakeFn{name: f.Name, bindings: HTTPTrigger("function")}
		switch {
		case f.Public:
			fn.bindings = HTTPTrigger("anonymous")
		case f.ServicePinned:
			fn.bindings = EventTrigger("queueTrigger", map[string]any{"queueName": "uploads", "connection": "AzureWebJobsStorage"})
		}
		if f.WildcardIdentity {
			app.systemPrincipal = fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
			fc.assignments = append(fc.assignments, fakeAssignment{
				name: fmt.Sprintf("owner-%d", i+1), principal: app.systemPrincipal,
				roleGUID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", scope: "/subscriptions/" + e.Account,
			})
		}
		app.functions = []fakeFn{fn}
		fc.apps = append(fc.apps, app)
	}
	return fc
}
