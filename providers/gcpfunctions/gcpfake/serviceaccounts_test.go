package gcpfake

import (
	"context"
	"errors"
	"testing"

	iamadmin "cloud.google.com/go/iam/admin/apiv1"
	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestServiceAccountsWithRealClient drives the fake's google.iam.admin.v1.IAM
// service-account methods with the real IAM admin client: listing pages, a
// policy by project and by "-", an undescribed account, and a denied one.
func TestServiceAccountsWithRealClient(t *testing.T) {
	e := Scenario()
	a, b, c := SA("a"), SA("b"), SA("c")
	for _, p := range e.Projects {
		if p.ID == ProdProject {
			p.ServiceAccounts = []string{a, b, c}
			p.ServiceAccountPolicies = map[string]*iampb.Policy{a: {Version: 3, Bindings: []*iampb.Binding{{Role: "roles/iam.serviceAccountUser", Members: []string{"serviceAccount:" + b}}}}}
			p.DeniedServiceAccounts = []string{c}
		}
	}
	srv, err := Start(e)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	client, err := iamadmin.NewIamClient(ctx, srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	it := client.ListServiceAccounts(ctx, &adminpb.ListServiceAccountsRequest{Name: "projects/" + ProdProject})
	var got []string
	for {
		sa, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sa.GetEmail())
	}
	if len(got) != 3 || srv.Calls("ListServiceAccounts") != 2 {
		t.Errorf("listed %v in %d calls, want 3 accounts in 2 pages", got, srv.Calls("ListServiceAccounts"))
	}
	if _, err := client.ListServiceAccounts(ctx, &adminpb.ListServiceAccountsRequest{Name: "projects/" + DeniedProject}).Next(); status.Code(err) != codes.PermissionDenied {
		t.Errorf("denied project listing: %v", err)
	}

	for _, res := range []string{"projects/" + ProdProject + "/serviceAccounts/" + a, "projects/-/serviceAccounts/" + a} {
		pol, err := client.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: res})
		if err != nil {
			t.Fatalf("%s: %v", res, err)
		}
		if bs := pol.InternalProto.GetBindings(); len(bs) != 1 || bs[0].GetMembers()[0] != "serviceAccount:"+b {
			t.Errorf("%s: bindings %v", res, bs)
		}
	}
	if pol, err := client.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: "projects/-/serviceAccounts/" + b}); err != nil || len(pol.InternalProto.GetBindings()) != 0 {
		t.Errorf("account without a policy: %v, %v", pol, err)
	}
	if _, err := client.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: "projects/-/serviceAccounts/" + c}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("denied account: %v", err)
	}
	if _, err := client.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: "projects/" + ProdProject}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("not a service account: %v", err)
	}
}
