// Package azuretest serves an Azure estate from the Azure SDK's own fake servers
// (armappservice/v4/fake, armauthorization/v2/fake, armsubscriptions/fake) for
// tests of the azurefunctions collector and of the command line: real SDK clients
// talk to it through arm.ClientOptions.Transport with an azcore/fake credential.
package azuretest
