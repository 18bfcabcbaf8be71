import assert from "node:assert/strict";
import fc from "fast-check";
import { planFleet } from "../../fleet/fleet-plan";
import { exportOperatorStacks, type OperatorExportOptions } from "../../fleet/operator-export";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";

const FLEET = planFleet(
    parseTenantsFile(
        "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: acme\n",
        "tenants.yaml",
        "/fleet",
    ),
    TODAY,
);
const REPO = "https://github.com/ecloud/platform.git";
const exported = (options: Partial<OperatorExportOptions>) => refusal(() => exportOperatorStacks(FLEET, { repo: REPO, ...options }));

const FLAGS: Record<Exclude<keyof OperatorExportOptions, "commit">, string> = {
    repo: "--repo",
    branch: "--branch",
    repoDir: "--repo-dir",
    namespace: "--namespace",
    serviceAccount: "--service-account",
    backend: "--backend",
    credentialsSecret: "--credentials-secret",
    stackPrefix: "--stack-prefix",
};

describe("fleet export-operator flags", () => {
    it("refuses an empty value or one with a line break or control character in any flag, in one line naming the flag (property)", () => {
        // C0 controls, DEL, C1 controls (NEL), the Unicode line and paragraph separators, bidi overrides.
        const control = fc
            .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.constantFrom(0x2028, 0x2029, 0x202e, 0x2066))
            .map((code) => String.fromCharCode(code));
        fc.assert(
            fc.property(
                fc.constantFrom(...(Object.keys(FLAGS) as (keyof typeof FLAGS)[])),
                fc.string({ maxLength: 8 }),
                control,
                fc.string({ maxLength: 8 }),
                (key, before, bad, after) => {
                    const message = exported({ [key]: `${before}${bad}${after}` });
                    fc.pre(`${before}${bad}${after}`.trim() !== "");
                    assert.equal(message, `${FLAGS[key]}: contains a line break or other control character; give a one-line value`);
                },
            ),
        );
        for (const [key, flag] of Object.entries(FLAGS)) {
            assert.equal(exported({ [key]: "" }), `${flag}: is empty; give a value, or leave the flag out for its default`);
            assert.equal(exported({ [key]: "  " }), `${flag}: is empty; give a value, or leave the flag out for its default`);
        }
    });

    it("takes Kubernetes names only where Kubernetes does (property)", () => {
        const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
        fc.assert(
            fc.property(name, name, name, (namespace, serviceAccount, credentialsSecret) => {
                assert.equal(exported({ namespace, serviceAccount, credentialsSecret }), "(accepted)");
            }),
        );
        assert.equal(
            exported({ namespace: "Fleet" }),
            "--namespace: 'Fleet' is not a namespace name; use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63",
        );
        assert.equal(
            exported({ namespace: "a.b" }),
            "--namespace: 'a.b' is not a namespace name; use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63",
        );
        assert.match(exported({ serviceAccount: "-pulumi" }), /^--service-account: '-pulumi' is not a ServiceAccount name; /);
        assert.match(exported({ credentialsSecret: "x".repeat(254) }), /^--credentials-secret: 'x+' is not a Secret name; .* at most 253$/);
    });

    const branches: [string, boolean][] = [
        ["main", true],
        ["release/1.30", true],
        ["refs/heads/main", true],
        ["feature_x-1.2", true],
        ["a..b", false],
        [".hidden", false],
        ["a/.b", false],
        ["x.lock", false],
        ["a.lock/b", false],
        ["a.", false],
        ["-x", false],
        ["/a", false],
        ["a/", false],
        ["a//b", false],
        ["a@{b", false],
        ["@", false],
        ["a b", false],
        ["a~b", false],
        ["a^b", false],
        ["a:b", false],
        ["a?b", false],
        ["a*b", false],
        ["a[b", false],
        ["a\\b", false],
    ];
    for (const [branch, ok] of branches) {
        it(`${ok ? "takes" : "refuses"} the branch '${branch}' as git check-ref-format --branch does`, () => {
            const message = exported({ branch });
            assert.ok(ok ? message === "(accepted)" : message.startsWith(`--branch: '${branch}' is not a git branch name; `), message);
        });
    }

    it("pins a commit by its full hash only, and takes a folder inside the repository only", () => {
        assert.equal(exported({ commit: "0123456789abcdef0123456789abcdef01234567" }), "(accepted)");
        for (const commit of ["abc123", "0123456789ABCDEF0123456789abcdef01234567", "main", "0123456789abcdef0123456789abcdef0123456"]) {
            assert.match(
                exported({ commit }),
                /^--commit: '.*' is not a full commit hash; give all its lowercase hex digits, 40 \(64 in a SHA-256 repository; git rev-parse HEAD\), which pin one commit$/,
            );
        }
        assert.equal(exported({ repoDir: "infra/pulumi" }), "(accepted)");
        for (const repoDir of ["../infra", "/infra", "infra/", "./infra", "infra/../x", "a//b", "infra\\pulumi"]) {
            assert.ok(exported({ repoDir }).startsWith(`--repo-dir: '${repoDir}' is not a folder inside the repository; `), repoDir);
        }
        assert.equal(exported({ stackPrefix: "acme-org/" }), "(accepted)");
        assert.equal(exported({ stackPrefix: "acme-org/platform/" }), "(accepted)");
        assert.match(exported({ stackPrefix: "acme org/" }), /^--stack-prefix: 'acme org\/' is not a stack name prefix; /);
    });

    it("refuses credentials in --repo and --backend, pointing to the Secrets, never echoing them (property)", () => {
        const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((text) => `ghp_${text}`);
        fc.assert(
            fc.property(secret, fc.boolean(), (token, withUser) => {
                const userinfo = withUser ? `x-access-token:${token}` : token;
                const repo = exported({ repo: `https://${userinfo}@github.com/ecloud/platform.git` });
                assert.ok(repo.startsWith("--repo: carries a credential") && repo.includes("spec.gitAuth") && !repo.includes(token), repo);
                const backend = exported({ backend: withUser ? `https://${userinfo}@api.example.com` : `azblob://state?sv=2024&sig=${token}` });
                assert.ok(backend.startsWith("--backend: carries a credential") && backend.includes("--credentials-secret") && !backend.includes(token), backend);
            }),
        );
        assert.equal(exported({ repo: "git@github.com:ecloud/platform.git" }), "(accepted)");
        assert.equal(exported({ repo: "ssh://git@github.com/ecloud/platform.git", backend: "s3://fleet-state?region=eu-west-1" }), "(accepted)");
    });
});
