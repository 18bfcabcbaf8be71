import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OfflineRunError, runOffline } from "../../engine/offline-engine";
import { runMesh } from "../support/mesh-program";

class Thing extends pulumi.CustomResource {
    declare readonly address: pulumi.Output<string>;
    constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, { ...args, address: undefined }, opts);
    }
}

class Group extends pulumi.ComponentResource {
    readonly child: Thing;
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Group", name, {}, opts);
        this.child = new Thing(`${name}-child`, {}, { parent: this });
        this.registerOutputs({ childUrn: this.child.urn });
    }
}

const synthesizers = {
    "test:index:Thing": ({ name }: { name: string }) => ({ id: `thing-${name}`, outputs: { address: "2001:db8::1" } }),
};

describe("offline engine", () => {
    it("records type, name, parent, secrets, synthesised outputs and real-engine URNs", async () => {
        const run = await runOffline(
            () => {
                const group = new Group("g");
                new Thing("t", { password: pulumi.secret("hunter2"), size: 3 }, { parent: group });
                return { exported: pulumi.secret("x"), plain: 1 };
            },
            { synthesizers },
        );
        const t = run.resources.find((resource) => resource.name === "t");
        assert.deepEqual(t, {
            urn: "urn:pulumi:stack::project::test:index:Group$test:index:Thing::t",
            type: "test:index:Thing",
            name: "t",
            custom: true,
            parent: "urn:pulumi:stack::project::test:index:Group::g",
            provider: null,
            dependsOn: [],
            inputs: { password: "[secret]", size: 3 },
            outputs: { address: "2001:db8::1", password: "[secret]", size: 3 },
        });
        const group = run.resources.find((resource) => resource.name === "g");
        assert.equal(group?.custom, false);
        assert.deepEqual(group?.outputs, { childUrn: "urn:pulumi:stack::project::test:index:Group$test:index:Thing::g-child" });
        assert.deepEqual(run.stackOutputs, { exported: "[secret]", plain: 1 });
    });

    it("records explicit dependsOn and dependencies implied by inputs", async () => {
        const run = await runOffline(
            () => {
                const a = new Thing("a", {});
                const b = new Thing("b", {});
                new Thing("c", { fromA: a.address }, { dependsOn: [b] });
            },
            { synthesizers },
        );
        const c = run.resources.find((resource) => resource.name === "c");
        assert.deepEqual(c?.dependsOn, ["urn:pulumi:stack::project::test:index:Thing::a", "urn:pulumi:stack::project::test:index:Thing::b"]);
        assert.equal(c?.inputs.fromA, "2001:db8::1");
    });

    it("lists every resource after its parent and everything it depends on", async () => {
        const run = await runMesh({ gateway: { enabled: true }, cni: { enabled: true } });
        const seen = new Set<string>();
        for (const resource of run.resources) {
            for (const before of [resource.parent, ...resource.dependsOn]) {
                if (before) {
                    assert.ok(seen.has(before), `${resource.urn} was recorded before ${before}`);
                }
            }
            seen.add(resource.urn);
        }
        assert.equal(seen.size, run.resources.length, "URNs are unique");
    });

    it("gives the same record on every run", async () => {
        const first = JSON.stringify(await runMesh({ gateway: { enabled: true }, cni: { enabled: true } }));
        const second = JSON.stringify(await runMesh({ gateway: { enabled: true }, cni: { enabled: true } }));
        assert.equal(first, second);
    });

    it("fails the run when the program throws, keeping what it had registered", async () => {
        const failure: unknown = await runOffline(() => {
            new Thing("before", {});
            throw new Error("boom");
        }).catch((error: unknown) => error);
        assert.ok(failure instanceof OfflineRunError);
        assert.equal(failure.message, "boom");
        assert.deepEqual(failure.resources.map((resource) => resource.name).sort(), ["before", "project-stack"]);
    });

    it("ends the run at an input that fails once known (an apply that throws), as the real engine does, instead of waiting on it", async () => {
        const failure: unknown = await runOffline(() => {
            new Thing("fine", {});
            const late = pulumi.output(new Promise<string>((resolve) => setTimeout(() => resolve("x"), 5)));
            new Thing("never", {
                value: late.apply((): string => {
                    throw new Error("value: refused once known");
                }),
            });
            return {};
        }).catch((error: unknown) => error);
        assert.ok(failure instanceof OfflineRunError);
        assert.match(failure.message, /value: refused once known/);
    });

    it("fails the run on an invoke it has no answer for, and answers the ones it has", async () => {
        await assert.rejects(
            runOffline(() => pulumi.runtime.invoke("test:index:lookup", {})),
            /the offline engine has no answer for invoke 'test:index:lookup'/,
        );
        const run = await runOffline(async () => ({ answer: (await pulumi.runtime.invoke("test:index:lookup", { q: 1 })) as unknown }), {
            invokes: { "test:index:lookup": (inputs) => ({ echoed: inputs.q }) },
        });
        assert.deepEqual(run.stackOutputs, { answer: { echoed: 1 } });
    });

    it("collects warnings the program logs and passes the stack config", async () => {
        const run = await runOffline(
            () => {
                void pulumi.log.warn("careful");
                return { region: new pulumi.Config("demo").require("region") };
            },
            { config: { "demo:region": "europe-west1" } },
        );
        assert.deepEqual(run.diagnostics, [{ severity: "warning", message: "careful" }]);
        assert.deepEqual(run.stackOutputs, { region: "europe-west1" });
    });

    it("fails the run when the program logs an error", async () => {
        await assert.rejects(
            runOffline(() => {
                void pulumi.log.error("broken");
            }),
            { name: "OfflineRunError", message: "broken" },
        );
    });
});
