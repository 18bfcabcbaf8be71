#!/usr/bin/env node
// The `dualstack-istio` command. The compile cache and the deferred SDK modules come first, so that
// they are in place before anything else loads.
import "./enable-compile-cache";
import "./deferred-sdk-modules";
import { runAsProcess } from "./main";

runAsProcess();
