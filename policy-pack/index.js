// The pulumi-dualstack-istio policy pack, as `pulumi preview --policy-pack <this folder>` runs it.
// Plain JavaScript, so it runs from an installed package without a TypeScript build. The policies
// are the package's own (`pulumi-dualstack-istio/policy`), which Node resolves by the package's
// self-reference, inside this repository and inside node_modules alike.
"use strict";
const { PolicyPack } = require("@pulumi/policy");
const { dualStackIstioPolicies } = require("pulumi-dualstack-istio/policy");

new PolicyPack("dualstack-istio", { policies: dualStackIstioPolicies() });
