//go:build tools

// Keeps istio.io/istio required through `go mod tidy`: manifests (the package embedding the
// charts) imports only the standard library, so tidy leaves go.sum at the module's two lines.
package tools

import _ "istio.io/istio/manifests"
