import assert from "node:assert/strict";
import { kubeconfigCredentials, REDACTED, Redactor } from "../../fleet/redaction";
import { CREDENTIAL_KUBECONFIG, CREDENTIALS } from "./support/credentials";

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
});
