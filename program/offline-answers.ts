import type { Cloud } from "../components/config/schema";
import type { OfflineRunOptions } from "../engine/offline-engine";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../engine/synthesis-aws";
import { GCP_SYNTHESIZERS } from "../engine/synthesis-gcp";

/** What the offline engine answers for a cloud's resources and data sources. */
export type OfflineCloudAnswers = Required<Pick<OfflineRunOptions, "synthesizers" | "invokes">>;

/** The offline engine's answers for the resources and data sources of each cloud's component. */
export function offlineAnswersFor(cloud: Cloud): OfflineCloudAnswers {
    switch (cloud) {
        case "gcp":
            return { synthesizers: GCP_SYNTHESIZERS, invokes: {} };
        case "aws":
            return { synthesizers: AWS_SYNTHESIZERS, invokes: AWS_INVOKES };
        case "existing":
            return { synthesizers: {}, invokes: {} };
    }
}
