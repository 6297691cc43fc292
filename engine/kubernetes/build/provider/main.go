// The Kubernetes resource provider, built here because its release binaries cannot be
// downloaded on these machines. Upstream's cmd/pulumi-resource-kubernetes embeds files that
// its generate.go writes and the module zip lacks; gen/ writes the same two files from the
// module's schema.json and terraform-mapping.json before engine/kubernetes/setup.sh builds this.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	// version.Version is stamped by -ldflags; the schema carries the same version (gen/).
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
