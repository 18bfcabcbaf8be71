//go:build tools

// Package tools pins the Go packages build.sh builds, so `go mod tidy` records them.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
