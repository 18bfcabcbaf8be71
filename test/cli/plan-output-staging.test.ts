import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { MANIFEST_LIMIT, PLAN_MANIFEST, PlanOutput, STAGING_PREFIX, stageFiles } from "../../cli/plan-output";
import { folderEntries, refusalOf, stagingLeft, tempFolder as tempFolderWith, writeFiles } from "../support/plan-output";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const tempFolder = () => tempFolderWith("plan-output-staging-");
const tree = (folder: string) => folderEntries(folder, { folders: true });

/** A process ID no process has: one that has just ended. */
function endedPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
}

describe("the --out staging folder: signals, runs killed earlier, the manifest's size", () => {
    for (const [signal, code] of [
        ["SIGINT", 130],
        ["SIGTERM", 143],
        ["SIGHUP", 129],
    ] as const) {
        it(`${signal} while a run writes: the staging folder goes at once, the previous output stays, exit ${code}`, async () => {
            const out = path.join(tempFolder(), "out");
            await writeFiles(out, { "fleet.json": "one\n", "acme/plan.json": "acme one\n" });
            const before = tree(out);
            const source = new EventEmitter();
            const exits: number[] = [];
            let staged = "";
            const run = PlanOutput.check(out).write(
                async (staging) => {
                    staged = staging;
                    stageFiles(staging, new Map([["plan.json", "acme two\n"]]), "acme");
                    assert.deepEqual(
                        SIGNALS.map((name) => source.listenerCount(name)),
                        [1, 1, 1],
                    );
                    source.emit(signal);
                    // What the process would no longer do: a lane writing after the signal cannot make the staging folder again.
                    assert.equal(fs.existsSync(staging), false);
                    assert.equal(
                        refusalOf(() => stageFiles(staging, new Map([["plan.json", "globex\n"]]), "globex")),
                        `--out: cannot write to ${out}: no such file or folder`,
                    );
                    await Promise.resolve();
                },
                { source, exit: (exitCode) => exits.push(exitCode) },
            );
            await assert.rejects(run, { message: `cancelled by ${signal}` });
            assert.deepEqual(exits, [code]);
            assert.equal(fs.existsSync(staged), false);
            assert.deepEqual(tree(out), before);
            assert.deepEqual(
                SIGNALS.map((name) => source.listenerCount(name)),
                [0, 0, 0],
            );
        });
    }

    it("a signal into a folder the run created removes it and the parents it created; the process's handlers are only there while it writes", async () => {
        const root = tempFolder();
        const out = path.join(root, "new", "deeper", "out");
        const source = new EventEmitter();
        const exits: number[] = [];
        const run = PlanOutput.check(out).write(
            (staging) => {
                stageFiles(staging, new Map([["plan.json", "acme\n"]]), "acme");
                source.emit("SIGINT");
                // Gone before the process would end, not when the run settles.
                assert.deepEqual(fs.readdirSync(root), []);
            },
            { source, exit: (code) => exits.push(code) },
        );
        await assert.rejects(run, { message: "cancelled by SIGINT" });
        assert.deepEqual(exits, [130]);
        assert.deepEqual(fs.readdirSync(root), []);

        const listening = () => SIGNALS.map((name) => process.listenerCount(name));
        const idle = listening();
        await PlanOutput.check(out).write((staging) => {
            assert.deepEqual(
                listening(),
                idle.map((count) => count + 1),
            );
            stageFiles(staging, new Map([["plan.json", "acme\n"]]));
        });
        assert.deepEqual(listening(), idle);
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "plan.json"]);
    });

    it("a successful run removes the staging folders of runs killed earlier, and nothing else; a failed run removes nothing", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await writeFiles(out, { "fleet.json": "one\n" });
        const elsewhere = path.join(root, "elsewhere");
        fs.mkdirSync(elsewhere);
        fs.writeFileSync(path.join(elsewhere, "plan.json"), "precious\n");
        const stale = [`${STAGING_PREFIX}AbC123`, `${STAGING_PREFIX}${endedPid()}-xYz789`, `${STAGING_PREFIX}${process.pid}-QwErTy`];
        for (const name of stale) {
            fs.mkdirSync(path.join(out, name, "acme"), { recursive: true });
            fs.writeFileSync(path.join(out, name, "acme", "plan.json"), "partial\n");
        }
        // A live process's run (still writing), a link, a file, and names mkdtemp never makes.
        const kept = {
            [`${STAGING_PREFIX}${process.ppid}-LiVe12/`]: "/",
            [`${STAGING_PREFIX}LiNk12`]: `-> ${elsewhere}`,
            [`${STAGING_PREFIX}FiLe12`]: "a user's file\n",
            [`${STAGING_PREFIX}toolong1/`]: "/",
            [`${STAGING_PREFIX}12-short/`]: "/",
            ".dualstack-istio-stagingAbC123/": "/",
        };
        for (const [name, content] of Object.entries(kept)) {
            if (content === "/") {
                fs.mkdirSync(path.join(out, name));
            } else if (content.startsWith("-> ")) {
                fs.symlinkSync(elsewhere, path.join(out, name));
            } else {
                fs.writeFileSync(path.join(out, name), content);
            }
        }
        const before = tree(out);
        await assert.rejects(
            PlanOutput.check(out).write(() => Promise.reject(new Error("boom"))),
            { message: "boom" },
        );
        assert.deepEqual(tree(out), before);

        await writeFiles(out, { "fleet.json": "two\n" });
        const keptNames = Object.keys(kept).map((name) => name.replace(/\/$/, ""));
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, ...keptNames, "fleet.json"].sort());
        assert.deepEqual(tree(elsewhere), { "plan.json": "precious\n" });
    });

    it("a successful run keeps the staging folder of another run of this process still writing into the same folder", async () => {
        const out = path.join(tempFolder(), "out");
        let release = () => {};
        let other = "";
        const first = PlanOutput.check(out).write(async (staging) => {
            other = staging;
            stageFiles(staging, new Map([["a.json", "a\n"]]));
            await new Promise<void>((resolve) => (release = resolve));
            assert.ok(fs.existsSync(path.join(staging, "a.json")));
        });
        await new Promise((resolve) => setImmediate(resolve));
        await writeFiles(out, { "b.json": "b\n" });
        assert.deepEqual(stagingLeft(out), [path.basename(other)]);
        release();
        await first;
        assert.deepEqual(stagingLeft(out), []);
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a.json", "b.json"]);
    });

    it("reads the manifest within 16 MiB: a larger one (a sparse 400 MB file) is one line on --out naming it, before any is parsed", async () => {
        const out = path.join(tempFolder(), "out");
        await writeFiles(out, { "a/plan.json": "a\n", "b/plan.json": "b\n" });
        const manifest = path.join(out, PLAN_MANIFEST);
        const listing = JSON.stringify({ files: ["a/plan.json", "b/plan.json"] });
        assert.equal(MANIFEST_LIMIT.bytes, 16 * 1024 * 1024);
        // At the limit: read and used (padded with JSON's white space).
        fs.writeFileSync(manifest, listing.padEnd(MANIFEST_LIMIT.bytes, " "));
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            "(accepted)",
        );
        await writeFiles(out, { "a/plan.json": "a\n" });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a"]);

        const tooLarge = `--out: ${manifest} is larger than 16 MiB, the limit for a plan manifest`;
        fs.writeFileSync(manifest, listing.padEnd(MANIFEST_LIMIT.bytes + 1, " "));
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            tooLarge,
        );
        fs.truncateSync(manifest, 400 * 1000 * 1000);
        const rss = process.memoryUsage().rss;
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            tooLarge,
        );
        assert.ok(process.memoryUsage().rss - rss < 100 * 1024 * 1024, "read no further than the limit");
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a"]);
    });

    it("refuses a manifest that is not a regular file, in one line on --out naming it, without blocking on a FIFO", () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        const manifest = path.join(out, PLAN_MANIFEST);
        fs.mkdirSync(manifest, { recursive: true });
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            `--out: ${manifest} is a folder, not a file; give a regular file`,
        );
        fs.rmdirSync(manifest);
        execFileSync("mkfifo", [manifest]);
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            `--out: ${manifest} is a FIFO, not a file; give a regular file`,
        );
        fs.unlinkSync(manifest);
        fs.writeFileSync(path.join(root, "list.json"), '{"files": []}\n');
        fs.symlinkSync(path.join(root, "list.json"), manifest);
        assert.equal(
            refusalOf(() => PlanOutput.check(out)),
            `--out: ${manifest} is a symbolic link; remove it and run again (a plan's list of its files is never read through a link)`,
        );
    });
});
