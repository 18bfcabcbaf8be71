//go:build tools

// Package tools pins kwok (the fake-node controller) and kwokctl (which runs the e2e
// cluster's processes), built by build.sh; it is never compiled into anything.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
	_ "sigs.k8s.io/kwok/cmd/kwokctl"
)
