import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../components/errors";
import { folderEntries as contents, refusalOf, stagingLeft, tempFolder as tempFolderWith, writeFiles as write } from "../support/plan-output";
import { outError, PLAN_MANIFEST, PlanOutput, STAGING_PREFIX, stageFiles } from "../../cli/plan-output";

const tempFolder = () => tempFolderWith("plan-output-");

function manifest(...files: string[]): string {
    return `${JSON.stringify({ files }, null, 2)}\n`;
}

async function rejectionOf(action: () => Promise<unknown>): Promise<unknown> {
    return action().then(
        () => assert.fail("expected the run to fail"),
        (error: unknown) => error,
    );
}

describe("the --out folder of plan and fleet plan", () => {
    it("stages the whole run in a folder of its own, then moves each file into place and lists them in the manifest", async () => {
        const root = tempFolder();
        const out = path.join(root, "plans", "out");
        const result = await PlanOutput.check(out).write((staging) => {
            // Nothing is in place while the run writes: only its staging folder exists.
            assert.equal(path.dirname(staging), out);
            assert.ok(path.basename(staging).startsWith(STAGING_PREFIX));
            stageFiles(staging, new Map([["fleet.json", "{}\n"]]));
            stageFiles(staging, new Map([["plan.json", "acme\n"]]), "acme");
            assert.deepEqual(fs.readdirSync(out), [path.basename(staging)]);
            return 42;
        });
        assert.equal(result, 42);
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "acme", "fleet.json"]);
        assert.deepEqual(contents(out), { [PLAN_MANIFEST]: manifest("acme/plan.json", "fleet.json"), "acme/plan.json": "acme\n", "fleet.json": "{}\n" });
    });

    it("replaces a symbolic link where it writes a file with the file; what the link points to is left as it was", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(root, "victim.txt"), "precious\n");
        fs.symlinkSync(path.join(root, "victim.txt"), path.join(out, "plan.json"));
        await write(out, { "plan.json": "new\n" });
        assert.ok(fs.lstatSync(path.join(out, "plan.json")).isFile());
        assert.equal(fs.readFileSync(path.join(out, "plan.json"), "utf8"), "new\n");
        assert.equal(fs.readFileSync(path.join(root, "victim.txt"), "utf8"), "precious\n");
    });

    it("refuses a symbolic link where it writes a folder, or as the folder itself, and writes nothing through it", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        const elsewhere = path.join(root, "elsewhere");
        fs.mkdirSync(out);
        fs.mkdirSync(elsewhere);
        fs.symlinkSync(elsewhere, path.join(out, "acme"));
        const error = await rejectionOf(() => write(out, { "fleet.json": "{}\n", "acme/plan.json": "acme\n" }));
        assert.ok(error instanceof InputError);
        assert.equal(error.message, `--out: ${out}/acme is a symbolic link; the plan writes a folder there`);
        assert.deepEqual(contents(out), { acme: `-> ${elsewhere}` });
        assert.deepEqual(stagingLeft(out), []);
        assert.deepEqual(fs.readdirSync(elsewhere), []);

        const link = path.join(root, "link");
        fs.symlinkSync(elsewhere, link);
        assert.equal(
            refusalOf(() => PlanOutput.check(link)),
            `--out: ${link} is a symbolic link; give the folder it points to (a plan is never written through a link)`,
        );
    });

    it("leaves the previous output byte for byte when a run fails, and no staging folder", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await write(out, { "fleet.json": "one\n", "acme/plan.json": "acme one\n" });
        const before = contents(out);
        const failure = new Error("tenant 'globex': the program failed: boom");
        const error = await rejectionOf(() =>
            PlanOutput.check(out).write((staging) => {
                stageFiles(staging, new Map([["plan.json", "acme two\n"]]), "acme");
                throw failure;
            }),
        );
        assert.equal(error, failure);
        assert.deepEqual(contents(out), before);
        assert.deepEqual(stagingLeft(out), []);

        // A folder the failed run had to create is removed again, with the parents it created.
        const fresh = path.join(root, "new", "deeper", "out");
        await rejectionOf(() => PlanOutput.check(fresh).write(() => Promise.reject(failure)));
        assert.deepEqual(fs.readdirSync(root), ["out"]);
    });

    it("refuses, before moving anything, a folder where it writes a file and a file where it writes a folder", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await write(out, { "fleet.json": "one\n", "acme/plan.json": "acme one\n" });
        fs.mkdirSync(path.join(out, "globex", "plan.json"), { recursive: true });
        fs.writeFileSync(path.join(out, "initech"), "a user's file\n");
        const before = contents(out);
        const second = { "fleet.json": "two\n", "acme/plan.json": "acme two\n", "globex/plan.json": "globex\n" };
        const folderInTheWay = await rejectionOf(() => write(out, second));
        assert.ok(folderInTheWay instanceof InputError);
        assert.equal(folderInTheWay.message, `--out: ${out}/globex/plan.json is a folder; the plan writes a file there`);
        const fileInTheWay = await rejectionOf(() => write(out, { "initech/plan.json": "initech\n" }));
        assert.ok(fileInTheWay instanceof InputError);
        assert.equal(fileInTheWay.message, `--out: ${out}/initech is a file; the plan writes a folder there`);
        assert.deepEqual(contents(out), before);
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "acme", "fleet.json", "globex", "initech"]);
        assert.deepEqual(fs.readdirSync(path.join(out, "globex")), ["plan.json"]);
    });

    it("removes the files of an earlier run it no longer writes, and the folders they leave empty; nothing of the user's", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await write(out, { "fleet.json": "3\n", "a/plan.json": "a\n", "b/plan.json": "b\n", "b/x-values.yaml": "x\n", "c/plan.json": "c\n" });
        fs.writeFileSync(path.join(out, "notes.txt"), "mine\n");
        fs.writeFileSync(path.join(out, "c", "notes.txt"), "mine too\n");
        await write(out, { "fleet.json": "1\n", "a/plan.json": "a\n" });
        assert.deepEqual(contents(out), {
            [PLAN_MANIFEST]: manifest("a/plan.json", "fleet.json"),
            "a/plan.json": "a\n",
            "c/notes.txt": "mine too\n",
            "fleet.json": "1\n",
            "notes.txt": "mine\n",
        });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a", "c", "fleet.json", "notes.txt"]);
    });

    it("never removes through a link or outside the folder, whatever the manifest says", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        const elsewhere = path.join(root, "elsewhere");
        fs.mkdirSync(elsewhere);
        fs.writeFileSync(path.join(elsewhere, "plan.json"), "precious\n");
        await write(out, { "b/plan.json": "b\n" });
        // The owned folder b is swapped for a link to a folder holding a file of the same name.
        fs.rmSync(path.join(out, "b"), { recursive: true });
        fs.symlinkSync(elsewhere, path.join(out, "b"));
        await write(out, { "a/plan.json": "a\n" });
        assert.equal(fs.readFileSync(path.join(elsewhere, "plan.json"), "utf8"), "precious\n");
        assert.deepEqual(contents(out), { [PLAN_MANIFEST]: manifest("a/plan.json"), "a/plan.json": "a\n", b: `-> ${elsewhere}` });

        for (const bad of ['{"files": ["../victim.txt"]}', '{"files": ["/etc/passwd"]}', "not json", "[]"]) {
            fs.writeFileSync(path.join(out, PLAN_MANIFEST), bad);
            assert.equal(
                refusalOf(() => PlanOutput.check(out)),
                `--out: ${out}/${PLAN_MANIFEST} is not a plan's list of its files; remove it and run again`,
            );
        }
    });

    it("refuses an empty --out, a file, or a folder under a file, before anything is done and leaving nothing", () => {
        const root = tempFolder();
        const file = path.join(root, "file.txt");
        fs.writeFileSync(file, "x\n");
        assert.equal(
            refusalOf(() => PlanOutput.check("")),
            "--out: is empty; give the folder to write the plan into",
        );
        assert.equal(
            refusalOf(() => PlanOutput.check(file)),
            `--out: ${file} is a file; give a folder`,
        );
        assert.equal(
            refusalOf(() => PlanOutput.check(path.join(file, "sub", "out"))),
            `--out: cannot create ${file}/sub/out: ${file} is a file`,
        );
        assert.equal(
            refusalOf(() => PlanOutput.check(path.join(root, "a", "b", "out"))),
            "(accepted)",
        );
        assert.deepEqual(fs.readdirSync(root), ["file.txt"]);
    });

    it("refuses a folder it cannot write to, naming it", () => {
        // Permissions do not stop root; sysfs refuses new entries to everyone, root included.
        const asRoot = process.getuid?.() === 0;
        const out = asRoot ? "/sys" : tempFolder();
        if (!asRoot) {
            fs.chmodSync(out, 0o500);
        }
        try {
            assert.equal(
                refusalOf(() => PlanOutput.check(out)),
                `--out: cannot write to ${out}: permission denied`,
            );
            assert.equal(
                refusalOf(() => PlanOutput.check(path.join(out, "new"))),
                `--out: cannot write to ${out}: permission denied`,
            );
        } finally {
            if (!asRoot) {
                fs.chmodSync(out, 0o700);
            }
        }
    });

    it("turns a file system error met while writing into one line on --out, and leaves any other error as it is", () => {
        const failure = (code: string) => Object.assign(new Error(`${code}: raw, '/x/.dualstack-istio-staging-1/plan.json'`), { code });
        const lines = Object.fromEntries(
            ["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EEXIST", "EISDIR", "ENOTDIR", "EIO"].map((code) => [code, (outError(failure(code), "out") as Error).message]),
        );
        assert.deepEqual(lines, {
            EACCES: "--out: cannot write to out: permission denied",
            EPERM: "--out: cannot write to out: permission denied",
            EROFS: "--out: cannot write to out: read-only file system",
            ENOSPC: "--out: cannot write to out: no space left on the device",
            EDQUOT: "--out: cannot write to out: disk quota exceeded",
            EEXIST: "--out: cannot write to out: a file is in the way",
            EISDIR: "--out: cannot write to out: a folder is in the way of a file",
            ENOTDIR: "--out: cannot write to out: a file is in the way of a folder",
            EIO: "--out: cannot write to out: EIO",
        });
        assert.ok(outError(failure("EROFS"), "out") instanceof InputError);
        const other = new Error("the program failed");
        assert.equal(outError(other, "out"), other);
    });

    it("maps a write that fails in a lane to --out, naming the output folder, not the staging folder", async () => {
        const out = path.join(tempFolder(), "out");
        const error = await rejectionOf(() =>
            PlanOutput.check(out).write((staging) => {
                stageFiles(staging, new Map([["plan.json", "1\n"]]), "acme");
                stageFiles(staging, new Map([["plan.json", "2\n"]]), "acme");
            }),
        );
        assert.ok(error instanceof InputError);
        assert.equal(error.message, `--out: cannot write to ${out}: a file is in the way`);
        assert.equal(fs.existsSync(out), false);
    });
});
