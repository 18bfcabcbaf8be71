// The pulumi-dualstack-istio policy pack, as `pulumi preview --policy-pack <this folder>` runs it.
// Plain JavaScript, so it runs without ts-node. The policies are the package's build
// (`dist/policy`, what the package exports as `pulumi-dualstack-istio/policy`), reached by a
// relative path: this folder sits beside `dist` both in a checkout (after `npm run build`) and in
// the installed package (node_modules/pulumi-dualstack-istio/policy-pack). The package's name
// would not do: this folder's nearest package.json is its own, so Node finds no self-reference,
// and the name resolves only by walking up into a node_modules that holds the package.
"use strict";
const { PolicyPack } = require("@pulumi/policy");
const { dualStackIstioPolicies } = require("../dist/policy");

new PolicyPack("dualstack-istio", { policies: dualStackIstioPolicies() });
