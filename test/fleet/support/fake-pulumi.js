#!/usr/bin/env node
// The fake `pulumi` of test/support/fake-pulumi.js, with what the fleet's hostile-input tests need
// on top (everything else is handed to it):
//
//   `config set --secret <key>` with no value reads the value from stdin and drops exactly one
//   final newline, as the real CLI does when stdin is not a terminal.
//   FAKE_PULUMI_SIGNALS   a file to which each SIGINT and SIGTERM received is appended, one a
//                         line; after its first SIGINT the process lingers FAKE_PULUMI_LINGER_MS
//                         (default 500) before it exits, as Pulumi finishes its step, so that a
//                         second signal sent too many would be recorded too.
//   FAKE_PULUMI_FAIL_SECRET  `config set --secret` fails, printing its whole command line with
//                         the value, as the Automation API's errors do
//   FAKE_PULUMI_VERSION   what `version` prints (default the base fake's)
//   FAKE_PULUMI_FAIL_INSTALL  `plugin install` fails as a download refused by the server does
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2).filter((arg) => arg !== "--non-interactive");
const state = process.env.FAKE_PULUMI_STATE;

function setSecret() {
    fs.appendFileSync(path.join(state, "calls.jsonl"), `${JSON.stringify({ args, cwd: process.cwd() })}\n`);
    const stackName = args[args.indexOf("--stack") + 1];
    const key = args[args.indexOf("--secret") + 1];
    const value = fs.readFileSync(0, "utf8").replace(/\n$/, "");
    if (process.env.FAKE_PULUMI_FAIL_SECRET) {
        process.stderr.write(`error: could not set ${key}: pulumi config set ${key} ${value}\n`);
        process.exit(255);
    }
    const file = path.join(state, `stack-${stackName}.json`);
    const stack = JSON.parse(fs.readFileSync(file, "utf8"));
    stack.config[key] = { value, secret: true };
    fs.writeFileSync(file, JSON.stringify(stack));
}

function recordSignals(file) {
    const exit = process.exit.bind(process);
    let lingering = false;
    process.on("SIGINT", () => {
        fs.appendFileSync(file, "SIGINT\n");
        if (!lingering) {
            lingering = true;
            // The fake's own handler (registered after this one) exits: later, and only once.
            process.exit = (code) => {
                process.exit = () => undefined;
                setTimeout(() => exit(code), Number(process.env.FAKE_PULUMI_LINGER_MS ?? 500));
            };
        }
    });
    process.on("SIGTERM", () => fs.appendFileSync(file, "SIGTERM\n"));
}

if (args[0] === "config" && args[1] === "set" && args.includes("--secret")) {
    setSecret();
} else if (args[0] === "version" && process.env.FAKE_PULUMI_VERSION) {
    process.stdout.write(`${process.env.FAKE_PULUMI_VERSION}\n`);
} else if (args[0] === "plugin" && args[1] === "install" && process.env.FAKE_PULUMI_FAIL_INSTALL) {
    const [, , kind, name, version] = args;
    process.stderr.write(
        `error: [${kind} plugin ${name}-${version.replace(/^v/, "")}] downloading from : 403 HTTP error fetching plugin from https://get.pulumi.com/releases/plugins/pulumi-${kind}-${name}-${version}-linux-amd64.tar.gz\n`,
    );
    process.exit(255);
} else {
    if (process.env.FAKE_PULUMI_SIGNALS) {
        recordSignals(process.env.FAKE_PULUMI_SIGNALS);
    }
    require("../../support/fake-pulumi.js");
}
