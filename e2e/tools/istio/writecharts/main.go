// writecharts writes the Helm charts compiled into istioctl (istio.io/istio/manifests, the
// embedded charts/ tree of the pinned istio.io/istio commit) into a folder laid out like a
// checkout's manifests/charts, which is what the package's `istio.chartsDir` expects:
//
//	writecharts VERSION OUT_DIR
//
// writes OUT_DIR/base, OUT_DIR/istio-control/istio-discovery (istiod), OUT_DIR/gateway,
// OUT_DIR/istio-cni and OUT_DIR/ztunnel, and sets `version:` and `appVersion:` in each
// Chart.yaml to VERSION (the sources say 1.0.0; Istio's release-builder does the same
// replacement when it publishes charts).
package main

import (
	"fmt"
	"io/fs"
	"log"
	"os"
	"path"
	"path/filepath"
	"regexp"

	"istio.io/istio/manifests"
)

// The charts a dual-stack install can use, at their paths under manifests/charts.
var charts = []string{"base", "istio-control/istio-discovery", "gateway", "istio-cni", "ztunnel"}

var (
	versionLine    = regexp.MustCompile(`(?m)^version:.*$`)
	appVersionLine = regexp.MustCompile(`(?m)^appVersion:.*$`)
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: writecharts VERSION OUT_DIR")
	}
	version, out := os.Args[1], os.Args[2]
	for _, chart := range charts {
		root := path.Join("charts", chart)
		err := fs.WalkDir(manifests.FS, root, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel := name[len("charts/"):]
			dest := filepath.Join(out, filepath.FromSlash(rel))
			if d.IsDir() {
				return os.MkdirAll(dest, 0o755)
			}
			data, err := fs.ReadFile(manifests.FS, name)
			if err != nil {
				return err
			}
			if name == path.Join(root, "Chart.yaml") {
				data, err = setVersion(data, version)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			return os.WriteFile(dest, data, 0o644)
		})
		if err != nil {
			log.Fatal(err)
		}
	}
}

func setVersion(chartYAML []byte, version string) ([]byte, error) {
	if !versionLine.Match(chartYAML) {
		return nil, fmt.Errorf("no top-level version: line")
	}
	chartYAML = versionLine.ReplaceAll(chartYAML, []byte("version: "+version))
	if appVersionLine.Match(chartYAML) {
		chartYAML = appVersionLine.ReplaceAll(chartYAML, []byte("appVersion: "+version))
	} else {
		chartYAML = append(chartYAML, []byte("appVersion: "+version+"\n")...)
	}
	return chartYAML, nil
}
