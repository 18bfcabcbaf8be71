//go:build tools

// Package tools pins the etcd server the e2e cluster's kube-apiserver stores into
// (built by build.sh); it is never compiled into anything.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
