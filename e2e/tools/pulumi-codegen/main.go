// Command pulumi-codegen-go writes the Go SDK of a Pulumi package schema, as `pulumi package gen-sdk
// --language go` would, in-process:
//
//	pulumi-codegen-go SCHEMA.json OUT_DIR
//
// It prints the written files, one a line, relative to OUT_DIR, sorted.
//
// The code below is the body of the Go language host's GeneratePackage: github.com/pulumi/pulumi,
// sdk/go/pulumi-language-go/main.go, func (*goLanguageHost) GeneratePackage, lines 1498-1550 at
// commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8 (the host's own module,
// github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3, is not served by the Go module proxy, so
// the CLI cannot run it here). Same calls, same options, same file modes:
//
//	schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{AllowDanglingReferences: true})
//	codegen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
//
// with codegen = github.com/pulumi/pulumi/pkg/v3/codegen/go at this module's pinned version. Two
// inputs differ only in where they come from:
//   - loader: the host dials the engine's schema loader (req.LoaderTarget). Here there is no engine,
//     so the loader refuses every package; a schema that references another package fails to bind,
//     as it would if the engine could not load that package.
//   - req.LocalDependencies: `pulumi package gen-sdk` passes nil (pkg/v3 cmd/pulumi/packages,
//     GenSDK), and so does this command.
//
// The host also refuses overlays (req.ExtraFiles) for Go; this command takes none.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"

	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-codegen-go SCHEMA.json OUT_DIR")
		os.Exit(2)
	}
	files, err := generate(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-codegen-go:", err)
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println(f)
	}
}

func generate(schemaFile, outDir string) ([]string, error) {
	raw, err := os.ReadFile(schemaFile)
	if err != nil {
		return nil, err
	}

	// From here on, as goLanguageHost.GeneratePackage.
	var spec schema.PackageSpec
	err = json.Unmarshal(raw, &spec)
	if err != nil {
		return nil, err
	}

	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(noPackages{}), schema.ValidationOptions{
		AllowDanglingReferences: true,
	})
	if err != nil {
		return nil, err
	}
	// The host returns the diagnostics to the CLI, which prints them; errors fail the generation.
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, d.Error())
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("binding %s failed", schemaFile)
	}
	files, err := codegen.GeneratePackage("pulumi-language-go", pkg, nil)
	if err != nil {
		return nil, err
	}

	names := make([]string, 0, len(files))
	for filename, data := range files {
		outPath := filepath.Join(outDir, filename)
		err := os.MkdirAll(filepath.Dir(outPath), 0o700)
		if err != nil {
			return nil, fmt.Errorf("could not create output directory %s: %w", filepath.Dir(filename), err)
		}

		err = os.WriteFile(outPath, data, 0o600)
		if err != nil {
			return nil, fmt.Errorf("could not write output file %s: %w", filename, err)
		}
		names = append(names, filepath.ToSlash(filename))
	}
	sort.Strings(names)
	return names, nil
}

// noPackages stands where the host has the engine's schema loader: it loads no package.
type noPackages struct{}

var errNoPackages = errors.New("pulumi-codegen-go loads no other package: the schema must be self-contained")

func (noPackages) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoPackages
}

func (noPackages) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoPackages
}

func (noPackages) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoPackages
}

func (noPackages) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoPackages
}
