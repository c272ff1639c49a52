package azuretest

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
)

// Generated returns an estate of apps Function Apps with fnsPerApp functions each
// in subscription SubProd, every fourth app with a system-assigned identity
// holding Contributor on its resource group, for benchmarks.
func Generated(apps, fnsPerApp int) *Cloud {
	fc := &Cloud{subs: []string{SubProd}, denied: map[string]bool{}, pageSize: 100, roleDefs: BuiltinDefs()}
	for i := 0; i < apps; i++ {
		rg := fmt.Sprintf("rg-team-%02d", i%10)
		app := &fakeApp{
			sub: SubProd, rg: rg, name: fmt.Sprintf("func-svc-%03d", i), location: "West Europe", kind: "functionapp,linux",
			linuxFx: "Node|22", pna: to.Ptr("Enabled"),
			auth:     &armappservice.SiteAuthSettingsV2Properties{Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(false)}},
			settings: map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "node", "API_BASE_URL": "https://api.example.com"},
		}
		for j := 0; j < fnsPerApp; j++ {
			level := "function"
			if j == 0 && i%3 == 0 {
				level = "anonymous"
			}
			app.functions = append(app.functions, fakeFn{name: fmt.Sprintf("Handler%02d", j), bindings: HTTPTrigger(level)})
		}
		if i%4 == 0 {
			app.systemPrincipal = fmt.Sprintf("00000000-0000-4000-9000-%012d", i)
			fc.assignments = append(fc.assignments, fakeAssignment{name: fmt.Sprintf("gen-%d", i), principal: app.systemPrincipal,
				roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c", scope: "/subscriptions/" + SubProd + "/resourceGroups/" + rg})
		}
		fc.apps = append(fc.apps, app)
	}
	return fc
}
