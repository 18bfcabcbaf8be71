// istio.io/istio at the 1.27.9 tag's commit (b9159ca3e5d56b05f69f3a58d687b8767d5639dd), for its Helm charts
// (manifests/charts); see ../README.md. Only that module's zip is needed: no package of it is
// built, so go.sum holds just its two lines.
module dualstack-istio-e2e/tools/istio-charts/v1_27

go 1.24.0

require istio.io/istio v0.0.0-20260403063052-b9159ca3e5d5
