import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../../components/eks/offline-answers";
import { EksIpv6Cluster } from "../../components/eks/eks-ipv6-cluster";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";
import { GkeDualStackCluster } from "../../components/gke/gke-dual-stack-cluster";
import { OfflineRunError, runOffline } from "../../engine/offline-engine";

/** A value known only when the program runs, as a resource created in the same program gives one. */
const later = (value: string) => pulumi.output(new Promise<string>((resolve) => setTimeout(() => resolve(value), 5)));

const GKE_KEY = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k";
const EKS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function runGke(key: pulumi.Input<string>) {
    return runOffline(
        () => {
            new GkeDualStackCluster("demo", { project: "my-project", region: "europe-west4", authorizedNetworks: ["81.2.69.0/24"], secretsEncryptionKey: key });
            return {};
        },
        { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
    );
}

function runEks(key: pulumi.Input<string>) {
    return runOffline(
        () => {
            new EksIpv6Cluster("demo", { region: "eu-west-1", publicAccessCidrs: ["81.2.69.0/24"], secretsEncryptionKeyArn: key });
            return {};
        },
        { synthesizers: AWS_SYNTHESIZERS, invokes: AWS_INVOKES },
    );
}

describe("pass-through arguments: a key created in the same program", () => {
    it("GKE encrypts Secrets with a Cloud KMS key known only when the program runs", async () => {
        const run = await runGke(later(GKE_KEY));
        const cluster = run.resources.find((resource) => resource.type === "gcp:container/cluster:Cluster");
        assert.deepEqual(cluster?.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: GKE_KEY });
    });

    it("GKE checks that key once known: one in another region fails the update with the rule's line", async () => {
        await assert.rejects(runGke(later("projects/p/locations/us-east1/keyRings/r/cryptoKeys/k")), (error: unknown) => {
            assert.ok(error instanceof OfflineRunError);
            assert.match(error.message, /secretsEncryptionKey: the key is in us-east1; GKE needs it in the cluster's region, europe-west4/);
            return true;
        });
    });

    it("EKS encrypts Secrets with a KMS key known only when the program runs, and creates no key of its own", async () => {
        const run = await runEks(later(EKS_KEY));
        const cluster = run.resources.find((resource) => resource.type === "aws:eks/cluster:Cluster");
        assert.deepEqual(cluster?.inputs.encryptionConfig, { resources: ["secrets"], provider: { keyArn: EKS_KEY } });
        // The only key of its own is the control-plane log group's.
        assert.deepEqual(
            run.resources.filter((resource) => resource.type === "aws:kms/key:Key").map((resource) => resource.name),
            ["demo-control-plane-logs-key"],
        );
    });

    it("EKS checks that key once known: a malformed ARN fails the update with the rule's line", async () => {
        await assert.rejects(runEks(later("not-an-arn")), (error: unknown) => {
            assert.ok(error instanceof OfflineRunError);
            assert.match(error.message, /secretsEncryptionKeyArn: 'not-an-arn' is not a KMS key ARN; expected arn:aws:kms:REGION:ACCOUNT:key\/KEY-ID/);
            return true;
        });
    });
});
