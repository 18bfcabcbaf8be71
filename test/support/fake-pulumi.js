#!/usr/bin/env node
// A stand-in for the `pulumi` CLI, for testing the Automation API boundary offline. It answers
// the commands the Automation API sends, keeps each stack's config in FAKE_PULUMI_STATE, records
// every call (arguments and working folder) in FAKE_PULUMI_STATE/calls.jsonl, and writes engine
// events to the event log, as the real CLI would. It never runs the program: with no cloud
// there is nothing to deploy, and the program is tested under the offline engine instead.
//
//   FAKE_PULUMI_BACKEND   the URL `whoami` reports (default file:///fake-state)
//   FAKE_PULUMI_FAIL      a stack whose update fails with an engine error
//   FAKE_PULUMI_HANG      a stack whose update runs until interrupted (SIGINT), then cancels
//   FAKE_PULUMI_FLAKY     a stack whose first selection fails with a passing 503
//   FAKE_PULUMI_FORBIDDEN a stack whose selection always fails with a 403
//   FAKE_PULUMI_PLUGINS   what `plugin ls --json` lists (JSON; default [])
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2).filter((arg) => arg !== "--non-interactive");
const state = process.env.FAKE_PULUMI_STATE;
fs.appendFileSync(path.join(state, "calls.jsonl"), `${JSON.stringify({ args, cwd: process.cwd() })}\n`);

const flag = (name) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
};
const stackName = flag("--stack");
const stackFile = (name) => path.join(state, `stack-${name}.json`);
const readStack = (name) => JSON.parse(fs.readFileSync(stackFile(name), "utf8"));
const writeStack = (name, value) => fs.writeFileSync(stackFile(name), JSON.stringify(value));
const fail = (message) => {
    process.stderr.write(`error: ${message}\n`);
    process.exit(255);
};

function operation(kind) {
    const log = flag("--event-log");
    let sequence = 0;
    const emit = (body) => {
        if (log) {
            fs.appendFileSync(log, `${JSON.stringify({ sequence: sequence++, timestamp: 1, ...body })}\n`);
        }
    };
    const step = (op, type, name) => emit({ resOutputsEvent: { metadata: { op, urn: `urn:pulumi:${stackName}::dualstack-istio::${type}::${name}`, type, provider: "" } } });
    const finish = (failed) => {
        const changes = kind === "destroy" ? { delete: 2 } : { create: 2 };
        emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, policyPacks: {} } });
        emit({ cancelEvent: {} });
        const stack = readStack(stackName);
        stack.history = [
            {
                version: 1,
                kind: kind === "up" ? "update" : kind,
                startTime: "2026-11-25T00:00:00Z",
                endTime: "2026-11-25T00:01:00Z",
                message: "",
                environment: {},
                config: {},
                result: failed ? "failed" : "succeeded",
                resourceChanges: changes,
            },
        ];
        writeStack(stackName, stack);
    };
    process.stdout.write(`${kind === "preview" ? "Previewing" : "Updating"} (${stackName}):\n`);
    emit({ preludeEvent: { config: {} } });
    step(kind === "destroy" ? "delete" : "create", "pulumi:pulumi:Stack", `dualstack-istio-${stackName}`);
    if (stackName === process.env.FAKE_PULUMI_HANG) {
        process.on("SIGINT", () => {
            finish(true);
            fail("update canceled");
        });
        setInterval(() => undefined, 1000);
        return;
    }
    step(kind === "destroy" ? "delete" : "create", "gcp:compute/network:Network", "net");
    if (stackName === process.env.FAKE_PULUMI_FAIL && kind !== "preview") {
        emit({ diagnosticEvent: { severity: "error", message: "gcp:container:Cluster (cluster): googleapi: Error 403: quota exceeded\n", color: "never" } });
        finish(true);
        fail("update failed");
    }
    finish(false);
    process.stdout.write("Resources:\n    + 2 created\n");
}

const [command, sub] = args;
switch (command) {
    case "version":
        process.stdout.write("v3.200.0\n");
        break;
    case "whoami":
        process.stdout.write(JSON.stringify({ user: "fleet-tester", organizations: [], url: process.env.FAKE_PULUMI_BACKEND ?? "file:///fake-state" }));
        break;
    case "plugin":
        if (sub === "ls") {
            process.stdout.write(process.env.FAKE_PULUMI_PLUGINS ?? "[]");
        }
        break;
    case "stack":
        if (sub === "select") {
            const flakyMark = path.join(state, `flaked-${stackName}`);
            if (stackName === process.env.FAKE_PULUMI_FLAKY && !fs.existsSync(flakyMark)) {
                fs.writeFileSync(flakyMark, "");
                fail("[503] Service Unavailable: try again");
            }
            if (stackName === process.env.FAKE_PULUMI_FORBIDDEN) {
                fail("[403] Forbidden: you are not a member of this organization");
            }
            if (!fs.existsSync(stackFile(stackName))) {
                fail(`no stack named '${stackName}' found`);
            }
        } else if (sub === "init") {
            writeStack(args[2], { config: {}, history: [] });
        } else if (sub === "output") {
            process.stdout.write("{}");
        } else if (sub === "history") {
            process.stdout.write(JSON.stringify(readStack(stackName).history));
        }
        break;
    case "config": {
        const stack = readStack(stackName);
        if (sub === "set-all") {
            for (let index = 0; index < args.length; index++) {
                if (args[index] === "--plaintext" || args[index] === "--secret") {
                    const entry = args[index + 1];
                    const cut = entry.indexOf("=");
                    stack.config[entry.slice(0, cut)] = { value: entry.slice(cut + 1), secret: args[index] === "--secret" };
                }
            }
        } else if (sub === "rm-all") {
            for (const key of args.slice(args.indexOf(stackName) + 1)) {
                delete stack.config[key];
            }
        } else {
            process.stdout.write(JSON.stringify(stack.config));
        }
        writeStack(stackName, stack);
        break;
    }
    case "preview":
    case "up":
    case "destroy":
        operation(command);
        break;
    default:
        fail(`the fake pulumi does not know '${args.join(" ")}'`);
}
