import { dirname, resolve } from "node:path";
import { parseStackConfig, type StackConfig } from "../components/config/parse";
import { applyOverrides, readConfigText, ROOT_PROJECT } from "../components/config/sources";
import { InputError, OperationError } from "../components/errors";
import { INPUT_LIMITS, readInputFile } from "../components/input-files";
import { anchorPathKeys } from "../components/config/paths";
import { OfflineRunError, runOffline, type OfflineRun } from "../engine/offline-engine";
import { cloudModule, isCloud } from "../components/config/clouds";
import { DEFAULT_PLAN_CONFIG } from "../program/default-config";
import { deployStack } from "../program/deploy-stack";
import { planStack, type StackPlan } from "../program/stack-plan";
import { PlanOutput, stageFiles } from "./plan-output";
import { Progress } from "./terminal";
import { planFiles, planJsonReport, renderSummary, renderTree, type PlanFiles } from "./plan-report";

/** The flags of `dualstack-istio plan`. */
export interface PlanFlags {
    /** A config file: the stack config itself, or a Pulumi stack file. @default the embedded GKE example */
    readonly config?: string;
    /** `key.path=value` overrides, applied in order. @default [] */
    readonly set?: readonly string[];
    /** A folder to write plan.json, plan.md, the values files and istio-operator.yaml into. */
    readonly out?: string;
    /** The stack name in URNs. @default "dev" */
    readonly stack?: string;
    /** Print the plan as one JSON document instead of the tree and summary. @default false */
    readonly json?: boolean;
    /** No progress line, even on a terminal. @default false */
    readonly quiet?: boolean;
}

/** What `plan` produced. */
export interface PlanResult {
    readonly plan: StackPlan;
    readonly run: OfflineRun;
    /** The tree and the summary, as printed; with `json`, the JSON document. */
    readonly report: string;
    /** The files written to `out`, by name; none without `out` (none are rendered then). */
    readonly files: PlanFiles;
}

export const DEFAULT_PLAN_STACK = "dev";

/**
 * Reads the config the flags describe: the file (or the embedded example), then `--set`. Paths
 * in the file are relative to the file's folder (as in a tenants file), paths given with `--set`
 * to the working directory; `~` is the home folder in both.
 */
export function loadPlanConfig(flags: PlanFlags): StackConfig {
    let document: Record<string, unknown>;
    if (flags.config !== undefined) {
        document = readConfigText(readInputFile(flags.config, "--config", INPUT_LIMITS.config), flags.config);
        anchorPathKeys(document, dirname(resolve(flags.config)));
    } else {
        document = structuredClone(DEFAULT_PLAN_CONFIG);
    }
    const configured = applyOverrides(document, flags.set ?? []);
    if (flags.config === undefined && configured.cloud !== DEFAULT_PLAN_CONFIG.cloud && isCloud(configured.cloud)) {
        // The embedded example's keys are GKE's; another cloud needs a config of its own.
        throw new InputError(
            "--set",
            `cloud=${configured.cloud} switches the embedded GKE example, whose ${DEFAULT_PLAN_CONFIG.cloud} keys do not apply; start from that cloud's example: --config ${cloudModule(configured.cloud).exampleConfig}`,
        );
    }
    anchorPathKeys(configured, process.cwd());
    return parseStackConfig(configured);
}

/**
 * Plans the root program for a config: checks `out` and the config (a bad one throws an
 * {@link InputError} before anything runs), runs the program under the offline engine, and
 * renders the report (the tree and summary, or with `json` the JSON document) and, with `out`, the
 * files. Writes nothing unless everything succeeded and `out` is given;
 * then replaces the folder's previous plan files at once (see {@link PlanOutput}).
 */
export async function planCommand(flags: PlanFlags, progress: Progress = new Progress(() => undefined, false)): Promise<PlanResult> {
    const output = flags.out === undefined ? undefined : PlanOutput.check(flags.out);
    const stack = flags.stack ?? DEFAULT_PLAN_STACK;
    let plan: StackPlan;
    let run: OfflineRun;
    try {
        progress.update("checking the config…");
        plan = planStack(loadPlanConfig(flags));
        progress.update(`planning ${plan.config.clusterName} (${plan.config.cloud}) offline…`);
        run = await planOffline(plan, stack);
    } finally {
        progress.done();
    }
    // Only what this command prints and writes is rendered, all of it before anything is written.
    const report = flags.json === true ? planJsonReport(plan, run.resources, stack) : `${renderTree(run.resources)}\n${renderSummary(plan, run.resources)}`;
    const files: PlanFiles = output === undefined ? new Map() : planFiles(plan, run.resources);
    await output?.write((staging) => stageFiles(staging, files));
    return { plan, run, report, files };
}

/** Runs the root program for a checked plan under the offline engine. */
export async function planOffline(plan: StackPlan, stack: string): Promise<OfflineRun> {
    try {
        return await runOffline(() => deployStack(plan), {
            project: ROOT_PROJECT,
            stack,
            ...cloudModule(plan.config.cloud).offlineAnswers(),
        });
    } catch (error) {
        if (error instanceof OfflineRunError) {
            throw new OperationError(`the program failed: ${error.message.split("\n")[0]}`, { cause: error });
        }
        throw error;
    }
}
