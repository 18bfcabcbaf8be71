import { packageVersion } from "./package-info";
import { Command, CommanderError, Option } from "commander";
import { ExitCode, InputError } from "../components/errors";
import { failureReport } from "./failure";
import { coloured, colourOn, Progress, progressOn } from "./terminal";
import { DEFAULT_ISTIO_VERSION } from "../components/istio/versions";
import type { FleetExportFlags } from "./fleet-export-command";
import type { FleetPlanFlags } from "./fleet-plan-command";
import type { FleetRunFlags } from "./fleet-run-command";
import type { PlanFlags } from "./plan-command";
import { checkStackName } from "./flags";
import { cancelOnSignals } from "./signals";
import { printable, printableLine } from "../components/terminal-text";
import { DEFAULT_VALUES_KUBERNETES_VERSION, VALUES_CHARTS, VALUES_FORMATS, valuesCommand, type ValuesFlags } from "./values-command";

function collect(value: string, previous: string[] = []): string[] {
    return [...previous, value];
}

/** What a command decided its exit code to be, when it is not simply success. */
interface CommandOutcome {
    exitCode: number;
}

function buildProgram(outcome: CommandOutcome): Command {
    const program = new Command("dualstack-istio")
        .description("Dual-stack Kubernetes clusters with Istio configured for dual-stack, with Pulumi.")
        .version(packageVersion(), "-V, --version", "print this package's version")
        .exitOverride()
        .configureOutput({ writeErr: () => undefined, outputError: () => undefined });

    program
        .command("values")
        .description("Print one Istio chart's Helm values (or an IstioOperator) for a dual-stack cluster.")
        .option("--flavor <flavor>", "upstream or experimental-dual-stack", "upstream")
        .option("--istio-version <version>", `upstream Istio release X.Y.Z or X.Y.Z-rc.N (default ${DEFAULT_ISTIO_VERSION} for upstream)`)
        .option("--kubernetes-version <version>", "the cluster's Kubernetes version", DEFAULT_VALUES_KUBERNETES_VERSION)
        .option("--ip-families <families>", "the cluster's IP families, primary first", "IPv4,IPv6")
        .option("--platform <platform>", "generic, gke or eks", "generic")
        .option("--hub <hub>", "image registry path, e.g. docker.io/istio (required for the branch)")
        .option("--tag <tag>", "image tag (required for the branch; needs --hub)")
        .option("--revision <revision>", "istiod revision, a DNS-1123 label other than 'default'")
        .option("--image-pull-policy <policy>", "Always, IfNotPresent or Never (default: Always with --hub)")
        .option("--image-pull-secret <name>", "a pull Secret's name; repeat for more", collect)
        .option("--gateway-service-type <type>", "LoadBalancer, NodePort or ClusterIP", "LoadBalancer")
        .option("--cni", "plan with Istio CNI (implied by --chart cni and --mode ambient)")
        .option("--mode <mode>", "the data plane: sidecar or ambient (Istio 1.24+)", "sidecar")
        .addOption(new Option("--chart <chart>", `which chart: ${VALUES_CHARTS.join(", ")}`).default("istiod"))
        .addOption(new Option("--format <format>", `${VALUES_FORMATS.join(" or ")}`).default("helm"))
        .option("--json", "print one JSON document: chart, format, values and warnings")
        .action((flags: ValuesFlags) => {
            const output = valuesCommand(flags);
            for (const warning of output.warnings) {
                warn(warning);
            }
            writeOut(output.document);
        });
    program
        .command("plan")
        .description("Show what `pulumi up` of the root program would create, offline: tree, dual-stack summary, files.")
        .option("--config <file>", "the stack config (YAML), or a Pulumi.<stack>.yaml of the root project (default: a GKE example)")
        .option("--set <key.path=value>", "override one config key, e.g. istio.gateway.enabled=true; repeat for more", collect)
        .option("--out <dir>", "write plan.json, plan.md, <release>-values.yaml and istio-operator.yaml into this folder")
        .option("--stack <name>", "the stack name in URNs", "dev")
        .option("--json", "print the plan as one JSON document (stack, summary, warnings, resources) instead of the tree")
        .option("-q, --quiet", "no progress line on a terminal")
        .addHelpText(
            "after",
            [
                "",
                "Your build of Istio's experimental-dual-stack branch (make docker HUB=… TAG=…), from its checkout's charts:",
                "  dualstack-istio plan --config examples/existing-cluster/stack-config.yaml --set istio.flavor=experimental-dual-stack \\",
                "    --set istio.hub=registry.example.com/istio --set istio.tag=ds-1 --set istio.chartsDir=~/istio/manifests/charts \\",
                "    --set kubernetesVersion=1.29 --out plan",
                "then pulumi up with those keys, or helm install -f plan/<release>-values.yaml, or istioctl install -f plan/istio-operator.yaml",
                "(README: Recipe: your build of Istio's experimental-dual-stack branch).",
            ].join("\n"),
        )
        .action(async (flags: PlanFlags) => {
            checkStackName(flags.stack ?? "dev", "--stack");
            // Loaded only for this command: it brings in the Pulumi SDK and the components.
            const { planCommand } = await import("./plan-command");
            const result = await planCommand(flags, progressFor(flags.quiet));
            writeOut(result.report);
            if (flags.out !== undefined) {
                // With --json, stdout is the one document.
                wrote(`Wrote ${[...result.files.keys()].join(", ")} to ${flags.out}`, flags.json);
            }
        });
    addFleetCommands(program, outcome);
    return program;
}

function addFleetCommands(program: Command, outcome: CommandOutcome): void {
    const fleet = program
        .command("fleet")
        .description("Many tenants, one cluster and one Pulumi stack each, from one tenants file (see examples/fleet).")
        .argument("[subcommand...]")
        .action(([subcommand]: string[]) => {
            const available = "plan, preview, up, destroy, export-operator";
            throw new InputError(
                "fleet",
                subcommand === undefined ? `missing a subcommand; available: ${available}` : `unknown subcommand '${subcommand}'; available: ${available}`,
            );
        });
    fleet
        .command("plan <file>")
        .description("Check the tenants file and plan every tenant offline: a summary table, and with --out each tenant's plan files.")
        .option("--out <dir>", "write <dir>/<tenant>/plan.json (and the rest of plan --out) and <dir>/fleet.json")
        .option("--concurrency <n>", "at most this many tenants planned at once (default: one per core)")
        .option("--json", "print the summary as one JSON document (what fleet.json holds)")
        .option("-q, --quiet", "no progress line on a terminal")
        .action(async (file: string, flags: FleetPlanFlags) => {
            const { fleetPlanCommand } = await import("./fleet-plan-command");
            const result = await fleetPlanCommand(file, flags, undefined, progressFor(flags.quiet));
            writeOut(result.report);
            if (flags.out !== undefined) {
                wrote(`Wrote ${result.rows.length} tenants' plans and fleet.json to ${flags.out}`, flags.json);
            }
        });
    for (const operation of ["preview", "up", "destroy"] as const) {
        fleet
            .command(`${operation} <file>`)
            .description(`Run pulumi ${operation} on each tenant's stack of the root program (Automation API), in parallel.`)
            .option("--concurrency <n>", "at most this many tenants at once", "4")
            .option("--tenant <name>", "only this tenant; repeat for more (default: all)", collect)
            .option("--work-dir <dir>", "tenants' workspaces and logs (default: .dualstack-istio-fleet next to the file)")
            .option("--secrets-provider <url>", "secrets provider of new stacks: passphrase, awskms://…, gcpkms://…")
            .option("--parallel <n>", "resource operations in parallel within one tenant")
            .action(async (file: string, flags: FleetRunFlags) => {
                const { fleetRunCommand } = await import("./fleet-run-command");
                const { FleetOperation } = await import("../fleet/orchestrator");
                const cancellation = cancelOnSignals();
                try {
                    const result = await fleetRunCommand(FleetOperation[operation === "preview" ? "Preview" : operation === "up" ? "Up" : "Destroy"], file, flags, {
                        ...cancellation,
                        write: (text) => writeOut(text),
                    });
                    outcome.exitCode = result.exitCode;
                } finally {
                    cancellation.dispose();
                }
            });
    }
    fleet
        .command("export-operator <file>")
        .description("Print a Pulumi Kubernetes Operator Stack for every tenant, for fleets that outgrow one machine.")
        .requiredOption("--repo <url>", "the git repository holding this package's root project")
        .option("--branch <branch>", "the branch the operator tracks (default main)")
        .option("--commit <sha>", "a commit to pin instead of a branch")
        .option("--repo-dir <dir>", "the folder of Pulumi.yaml in the repository (default its root)")
        .option("--namespace <ns>", "the namespace of the Stacks", "pulumi-operator")
        .option("--service-account <name>", "the ServiceAccount of the operator's workspaces", "pulumi")
        .option("--backend <url>", "the state backend (default Pulumi Cloud)")
        .option("--credentials-secret <name>", "the Secret with PULUMI_ACCESS_TOKEN (or PULUMI_CONFIG_PASSPHRASE)", "pulumi-credentials")
        .option("--stack-prefix <prefix>", "put before each stack name, e.g. my-org/")
        .action(async (file: string, flags: FleetExportFlags) => {
            const { fleetExportCommand } = await import("./fleet-export-command");
            const result = fleetExportCommand(file, flags);
            writeOut(result.manifests);
            for (const secret of result.secretsToCreate) {
                writeErr(`note: create Secret ${printableLine(secret)}\n`);
            }
        });
}

/** Turns commander's own errors into `<flag>: <problem>` with the flag first. */
function commanderProblem(error: CommanderError): string {
    const message = error.message.replace(/^error: /, "");
    const flag = /'(--?[\w-]+)/.exec(message)?.[1];
    switch (error.code) {
        case "commander.unknownOption":
            return `${flag ?? "option"}: unknown option; run with --help for the flags`;
        case "commander.optionMissingArgument":
            return `${flag ?? "option"}: needs a value`;
        case "commander.missingMandatoryOptionValue":
            return `${flag ?? "option"}: required; run with --help for what it takes`;
        case "commander.missingArgument":
            return `${/'(\w+)'/.exec(message)?.[1] ?? "argument"}: required; run with --help for the arguments`;
        case "commander.unknownCommand":
        case "commander.excessArguments":
            return `command: ${message}; run dualstack-istio --help`;
        case "commander.help":
            // No command given: commander would print the whole help as an error.
            return "command: missing; available: plan, values, fleet (run dualstack-istio --help)";
        default:
            return flag ? `${flag}: ${message}` : message;
    }
}

/**
 * Runs the CLI and returns its exit code, the one contract of every command: 0 success; 1 an
 * operation (a tenant, the offline program) failed; 2 bad input, refused before anything was
 * done; 130 cancelled. Every error is one `error:` line; `internal:` marks a bug of this package.
 */
export async function main(argv: readonly string[]): Promise<number> {
    try {
        const outcome: CommandOutcome = { exitCode: 0 };
        await buildProgram(outcome).parseAsync([...argv], { from: "user" });
        return outcome.exitCode;
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end by "throwing" with exit code 0.
            if (error.exitCode === 0) {
                return 0;
            }
            return fail(commanderProblem(error), ExitCode.BadInput);
        }
        const report = failureReport(error);
        report.lines.forEach((line) => writeErr(`${printableLine(line)}\n`));
        if (report.stack !== undefined) {
            writeErr(`${printable(report.stack)}\n`);
        }
        return report.code;
    }
}

function fail(message: string, code: number): number {
    writeErr(`error: ${printableLine(message)}\n`);
    return code;
}

/** Streams whose reader has gone (`… | head -1`): what is left to say is dropped, and the command goes on. */
const closedStreams = new Set<NodeJS.WriteStream>();

function write(stream: NodeJS.WriteStream, text: string): void {
    if (!closedStreams.has(stream)) {
        stream.write(text);
    }
}

/** A closed pipe (EPIPE) ends the output, not the command: a fleet run goes on to its end and its exit code. */
function dropOutputWhenClosed(stream: NodeJS.WriteStream): void {
    stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") {
            throw error;
        }
        closedStreams.add(stream);
    });
}

function writeOut(text: string): void {
    write(process.stdout, printable(text));
}

function writeErr(text: string): void {
    // Made printable first: the colour's own escape codes are the only ones that reach the terminal.
    const shown = printable(text);
    write(
        process.stderr,
        colourOn({ stream: process.stderr, env: process.env })
            ? shown
                  .split("\n")
                  .map((line) => coloured(line, true))
                  .join("\n")
            : shown,
    );
}

/** The line naming what --out wrote: after the report, or on stderr with --json, so stdout stays one document. */
function wrote(line: string, json: boolean | undefined): void {
    if (json === true) {
        writeErr(`${line}\n`);
    } else {
        writeOut(`\n${line}\n`);
    }
}

function warn(warning: string): void {
    writeErr(`warning: ${printableLine(warning)}\n`);
}

/** The progress line of a long command: on stderr, on a terminal, unless --quiet. */
function progressFor(quiet: boolean | undefined): Progress {
    return new Progress((text) => write(process.stderr, text), progressOn({ stream: process.stderr, env: process.env }, quiet));
}

/**
 * Runs the CLI as this process: its arguments, its exit code, and output that stops quietly when
 * its reader goes. The bin (cli/bin.ts) calls this.
 */
export function runAsProcess(): void {
    dropOutputWhenClosed(process.stdout);
    dropOutputWhenClosed(process.stderr);
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}

// dist/cli/main.js was the bin until the bin became cli/bin.ts; run by that path, it still runs
// the CLI (without the bin's start-up work).
if (require.main === module) {
    runAsProcess();
}
