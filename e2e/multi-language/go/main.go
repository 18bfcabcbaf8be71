// A Pulumi Go program that uses the package's component through the Go SDK generated from its schema
// (e2e/support/go-sdk.ts generates it into ./sdk/dualstack-istio, where go.mod's replace points).
//
// Config: kubeconfig (required, may be secret), kubernetesVersion (required, `MAJOR.MINOR`),
// istioVersion (optional, `X.Y.Z`; the component's default without it), mode (optional, `sidecar`
// or `ambient`; default `sidecar`), gateway (optional bool; default false).
package main

import (
	dualstackistio "example.com/pulumi-dualstack-istio/sdk/go/dualstack-istio"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")

		mode := dualstackistio.IstioModeSidecar
		if cfg.Get("mode") == string(dualstackistio.IstioModeAmbient) {
			mode = dualstackistio.IstioModeAmbient
		}
		istio := &dualstackistio.IstioSettingsArgs{
			Mode:    &mode,
			Gateway: &dualstackistio.GatewaySettingsArgs{Enabled: pulumi.BoolRef(cfg.GetBool("gateway"))},
		}
		if v := cfg.Get("istioVersion"); v != "" {
			istio.Version = pulumi.StringRef(v)
		}

		mesh, err := dualstackistio.NewExistingClusterMesh(ctx, "mesh", &dualstackistio.ExistingClusterMeshArgs{
			Kubeconfig:        cfg.RequireSecret("kubeconfig"),
			KubernetesVersion: cfg.Require("kubernetesVersion"),
			Istio:             istio,
		})
		if err != nil {
			return err
		}
		ctx.Export("revision", mesh.Revision)
		ctx.Export("releaseStatuses", mesh.ReleaseStatuses)
		return nil
	})
}
