import assert from "node:assert/strict";
import fc from "fast-check";
import { INPUT_LIMITS } from "../../components/input-files";
import { kubeconfigCredentials, REDACTED, Redactor } from "../../fleet/redaction";
import { CREDENTIAL_KUBECONFIG, CREDENTIALS } from "./support/credentials";

/** Redaction as one pattern of every secret, longest first: right, but only for secrets of a few KB. */
function reference(secrets: readonly string[], text: string): string {
    const values = [...new Set(secrets)].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
    return values.length === 0 ? text : text.replace(new RegExp(values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g"), REDACTED);
}

/** `text` through a redactor's stream, cut at `cuts`. */
function streamed(redactor: Redactor, text: string, cuts: readonly number[]): { out: string; pieces: string[] } {
    const pieces: string[] = [];
    const sink = redactor.stream((piece) => pieces.push(piece));
    let from = 0;
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
        sink.write(text.slice(from, cut));
        from = cut;
    }
    sink.write(text.slice(from));
    sink.end();
    return { out: pieces.join(""), pieces };
}

describe("redaction of a tenant's secrets", () => {
    it("finds each credential of a kubeconfig's users, and nothing that is not one", () => {
        assert.deepEqual([...kubeconfigCredentials(CREDENTIAL_KUBECONFIG)].sort(), [...CREDENTIALS].sort());
        assert.deepEqual(kubeconfigCredentials("not: [a kubeconfig"), []);
        assert.deepEqual(kubeconfigCredentials("/home/me/.kube/config"), []);
    });

    it("redacts a tenant's secret section, its JSON-escaped kubeconfig and each credential; nothing of a tenant without secrets", () => {
        const section = { kubeconfig: CREDENTIAL_KUBECONFIG, ipFamilies: ["IPv4", "IPv6"] };
        const redactor = Redactor.forTenant({ cloud: "existing", existing: section });
        const escaped = JSON.stringify(CREDENTIAL_KUBECONFIG).slice(1, -1);
        const text = `pulumi config set-all --secret dualstack-istio:existing=${JSON.stringify(section)}\n${escaped}\n${CREDENTIAL_KUBECONFIG}\n${CREDENTIALS.join(" ")}\n${JSON.stringify(CREDENTIALS)}\nexec: gke-gcloud-auth-plugin failed for IPv4 on onprem`;
        const redacted = redactor.redact(text);
        for (const secret of [...CREDENTIALS, CREDENTIAL_KUBECONFIG, escaped, JSON.stringify(section)]) {
            assert.ok(!redacted.includes(secret), `${secret} is redacted`);
        }
        assert.match(redacted, /dualstack-istio:existing=\[secret\]\n\[secret\]\n\[secret\]\n/);
        assert.ok(redacted.endsWith("\nexec: gke-gcloud-auth-plugin failed for IPv4 on onprem"), "ordinary words are left alone");
        const path = Redactor.forTenant({ cloud: "existing", existing: { kubeconfig: "/home/me/.kube/config" } });
        assert.equal(path.redact(text), text);
    });

    it("redacts a stream, whatever pieces a secret arrives in", () => {
        const redactor = new Redactor(["s3cr3t-value", "abc"]);
        const text = "before s3cr3t-value middle s3cr3t-value after abc";
        for (let cut = 0; cut <= text.length; cut++) {
            for (const size of [1, 3, 7]) {
                const out: string[] = [];
                const sink = redactor.stream((piece) => out.push(piece));
                sink.write(text.slice(0, cut));
                for (let at = cut; at < text.length; at += size) {
                    sink.write(text.slice(at, at + size));
                }
                sink.end();
                assert.equal(out.join(""), `before ${REDACTED} middle ${REDACTED} after abc`, `cut at ${cut}, pieces of ${size}`);
            }
        }
        const passthrough: string[] = [];
        const sink = new Redactor([]).stream((piece) => passthrough.push(piece));
        sink.write("as it comes");
        assert.deepEqual(passthrough, ["as it comes"], "with no secret, nothing is held back");
    });

    it("replaces what one pattern of all secrets would, whole or streamed in any pieces (secrets that overlap, nest and repeat)", () => {
        // Two letters, so that secrets often begin alike, or one begins another.
        const secret = fc.string({ unit: fc.constantFrom("a", "b"), minLength: 3, maxLength: 9 });
        const word = fc.string({ unit: fc.constantFrom("a", "b", "\n"), minLength: 1, maxLength: 9 });
        fc.assert(
            fc.property(fc.array(secret, { maxLength: 6 }), fc.array(word, { maxLength: 12 }), fc.array(fc.nat(200), { maxLength: 8 }), (secrets, words, cuts) => {
                const text = words.join("");
                const redactor = new Redactor(secrets);
                const expected = reference(secrets, text);
                assert.equal(redactor.redact(text), expected);
                assert.equal(
                    streamed(
                        redactor,
                        text,
                        cuts.map((cut) => cut % (text.length + 1)),
                    ).out,
                    expected,
                );
            }),
            { numRuns: 2000 },
        );
    });

    it("holds back only what could begin a secret: the rest of a piece is written at once", () => {
        const redactor = new Redactor(["tok-abc123", CREDENTIAL_KUBECONFIG]);
        const pieces: string[] = [];
        const sink = redactor.stream((piece) => pieces.push(piece));
        sink.write("Updating (t0):\n");
        assert.deepEqual(pieces, ["Updating (t0):\n"], "no secret begins there: written at once, though a secret is thousands of characters");
        sink.write("token: tok-ab");
        sink.write("c123 at ap");
        assert.deepEqual(pieces, ["Updating (t0):\n", "token: ", `${REDACTED} at `]);
        sink.write("iVersion: v2");
        sink.end();
        assert.deepEqual(pieces.slice(3), ["apiVersion: v2"], "held while it could be the kubeconfig, then written as it was");
    });

    it("redacts a kubeconfig as large as the input cap, and the credentials inside it, streamed or whole", () => {
        const padding = "Q0FE".repeat(Math.floor((INPUT_LIMITS.kubeconfig.bytes - CREDENTIAL_KUBECONFIG.length) / 4) - 64);
        const kubeconfig = CREDENTIAL_KUBECONFIG.replace("Q0EtREFUQS1OT1QtU0VDUkVU", padding);
        assert.ok(kubeconfig.length > INPUT_LIMITS.kubeconfig.bytes - 512 && kubeconfig.length <= INPUT_LIMITS.kubeconfig.bytes);
        const redactor = Redactor.forTenant({ cloud: "existing", existing: { kubeconfig } });
        const text = `error: ${JSON.stringify(kubeconfig)} is not valid\n${kubeconfig}\ntoken tok-abc123-XYZ; ca ${padding.slice(0, 100)}\n`;
        const expected = `error: "${REDACTED}" is not valid\n${REDACTED}\ntoken ${REDACTED}; ca ${padding.slice(0, 100)}\n`;
        assert.equal(redactor.redact(text), expected);
        const cuts = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, index) => index * 65_536);
        assert.equal(streamed(redactor, text, cuts).out, expected);
    });
});
