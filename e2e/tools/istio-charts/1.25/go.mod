// istio.io/istio at the 1.25.2 tag's commit (0d83506c28834f5f12553ee11d76a18e7ea75f20), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_25

go 1.23.0

require istio.io/istio v0.0.0-20250411142419-0d83506c2883
