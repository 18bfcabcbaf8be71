import * as semver from "semver";
import { InputError } from "../errors";
import { hubLocation, isWithin, refuseCredentials } from "../network/urls";
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "../target/schema-parts";
import { type IstioRelease, OLDEST_UPSTREAM_MINOR } from "./versions";

// Checks of the Istio image and revision settings: where images come from, how they are tagged, how istiod is named.

/** The image hub used for upstream releases when none is given. */
export const DEFAULT_UPSTREAM_HUB = "docker.io/istio";

/**
 * Chart and image locations that Istio retires in December 2026, as `urlLocation` and
 * `hubLocation` write them (so `HTTPS://ISTIO-RELEASE.STORAGE.GOOGLEAPIS.COM:443/charts`, the
 * bucket path-style and `gcr.io./istio-release` are the same place). Anything pinned to them stops
 * installing then, so they are refused now rather than failing at an upgrade later. The bucket is
 * `istio-release.storage.googleapis.com`; GCR serves a project on gcr.io and its us., eu. and
 * asia. hosts (https://cloud.google.com/artifact-registry/docs/transition/gcr-repositories).
 */
export const RETIRED_LOCATIONS = [
    "storage.googleapis.com/istio-release",
    ...["gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io"].map((host) => `${host}/istio-release`),
    "registry.istio.io/release",
];

/** The retired location `location` (as `urlLocation` or `hubLocation` gives it) is in, if any. */
export function retiredLocation(location: string): string | undefined {
    return RETIRED_LOCATIONS.find((retired) => isWithin(location, retired));
}

// go-containerregistry's repository grammar, lowercase only (istioctl validates hubs with it):
// an optional registry host[:port], then path components of [a-z0-9] joined by '.', '_', '__' or '-'.
const HUB_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY_HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::[0-9]{1,5})?$/;

/** Checks an image hub: no scheme, lowercase, no trailing slash, no tag or digest. */
export function validateHub(hub: string, field: string): void {
    if (hub === "") {
        throw new InputError(field, "must not be empty; give a registry path such as docker.io/istio");
    }
    refuseCredentials(hub, field, "give the registry path alone and the pull credentials as a Secret named in imagePullSecrets");
    if (/\s/.test(hub)) {
        throw new InputError(field, `'${hub}' contains whitespace; give a registry path such as docker.io/istio`);
    }
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(hub)) {
        throw new InputError(field, `'${hub}' must not include a scheme; write it as ${hub.replace(/^[^:]+:\/\//, "")}`);
    }
    if (hub.endsWith("/")) {
        throw new InputError(field, `'${hub}' must not end with '/'; write it as ${hub.replace(/\/+$/, "")}`);
    }
    if (hub !== hub.toLowerCase()) {
        throw new InputError(field, `'${hub}' must be lowercase: image repositories are lowercase`);
    }
    if (hub.includes("@")) {
        throw new InputError(field, `'${hub}' must not include a digest; the hub is the registry path only`);
    }
    if (retiredLocation(hubLocation(hub)) !== undefined) {
        throw new InputError(field, `'${hub}' is retired by Istio in December 2026; use ${DEFAULT_UPSTREAM_HUB} or your own registry`);
    }
    const parts = hub.split("/");
    const last = parts[parts.length - 1];
    if (last.includes(":")) {
        throw new InputError(field, `'${hub}' must not include a tag; put '${last.split(":")[1]}' in tag`);
    }
    const hasRegistry = parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost");
    const pathParts = hasRegistry ? parts.slice(1) : parts;
    if ((hasRegistry && !REGISTRY_HOST.test(parts[0])) || !pathParts.every((part) => HUB_COMPONENT.test(part))) {
        throw new InputError(field, `'${hub}' is not an image repository; expected [registry[:port]/]path with lowercase letters, digits and . _ -, e.g. docker.io/istio`);
    }
}

/** Checks an image tag against the registry tag grammar `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function validateTag(tag: string, field: string): void {
    if (tag === "") {
        throw new InputError(field, "must not be empty; give the tag your images were pushed with");
    }
    if (/\s/.test(tag)) {
        throw new InputError(field, `'${tag}' contains whitespace; tags are letters, digits, '_', '.' and '-'`);
    }
    if (tag.includes("/")) {
        throw new InputError(field, `'${tag}' contains '/'; the registry path belongs in hub`);
    }
    if (tag.includes("@") || tag.includes(":")) {
        throw new InputError(field, `'${tag}' must be a plain tag, not a digest or image reference`);
    }
    if (tag.length > 128) {
        throw new InputError(field, `is ${tag.length} characters long; tags are at most 128`);
    }
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(tag)) {
        throw new InputError(field, `'${tag}' is not an image tag; use letters, digits, '_', '.' and '-', not starting with '.' or '-'`);
    }
}

/**
 * A tag that is itself an Istio release (`X.Y.Z`, maybe with a suffix) must be from the charts'
 * minor. A date-like tag (`20261125.1.0`) is a build tag, not a release.
 */
export function checkTagMatchesRelease(tag: string, release: IstioRelease): void {
    const tagVersion = /^[1-9]\.\d+\.\d+(?:[-_.].*)?$/.test(tag) ? semver.coerce(tag) : null;
    if (!tagVersion || release.version === undefined || (tagVersion.major === release.major && tagVersion.minor === release.minor)) {
        return;
    }
    // A release newer than the support table plans with a warning; say so, since that is likely why the tag lags.
    const newer =
        release.major !== 1 || release.minor !== release.support.minor
            ? ` (Istio ${release.version} is newer than the releases this package knows, 1.${OLDEST_UPSTREAM_MINOR} to 1.${release.support.minor}, and plans with a warning)`
            : "";
    throw new InputError(
        "tag",
        `'${tag}' is from Istio ${tagVersion.major}.${tagVersion.minor} but version is ${release.version}${newer}; charts and images must come from the same minor: give a ${release.major}.${release.minor} tag, or leave tag out for ${release.version}`,
    );
}

/**
 * Checks a whole image reference: `<repository>:<tag>` or `<repository>@sha256:<64 hex digits>`,
 * the repository written as a hub is ({@link validateHub}).
 */
export function validateImageReference(image: string, field: string): void {
    const digest = /@sha256:[0-9a-f]{64}$/.exec(image);
    const slash = image.lastIndexOf("/");
    const colon = image.lastIndexOf(":");
    if (digest === null && (image.includes("@") || colon <= slash)) {
        throw new InputError(field, `'${image}' is not a pinned image reference; give <repository>:<tag> or <repository>@sha256:<digest>, e.g. docker.io/curlimages/curl:8.11.1`);
    }
    const repository = digest !== null ? image.slice(0, digest.index) : image.slice(0, colon);
    try {
        validateHub(repository, field);
        if (digest === null) {
            validateTag(image.slice(colon + 1), field);
        }
    } catch (error) {
        // The hub and tag checks speak of "hub" and "tag"; here both are one reference.
        throw error instanceof InputError ? new InputError(field, `'${image}' is not an image reference: ${error.problem}`) : error;
    }
}

// Helm release names are at most 53 characters; the revision's istiod release is istiod-<revision>.
const MAX_REVISION_LENGTH = 53 - "istiod-".length;

/** Checks an istiod revision: a DNS-1123 label, not `default`, short enough for its release name. */
export function validateRevision(revision: string, field: string): void {
    if (revision === "default") {
        throw new InputError(field, "must not be 'default', which names the unrevisioned control plane; leave it unset for that");
    }
    if (!DNS1123_LABEL.test(revision)) {
        const hint = revision.includes(".") ? ` (e.g. ${revision.toLowerCase().replace(/\./g, "-")})` : "";
        throw new InputError(field, `'${revision}' is not a DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit${hint}`);
    }
    if (revision.length > MAX_REVISION_LENGTH) {
        throw new InputError(field, `is ${revision.length} characters long; at most ${MAX_REVISION_LENGTH}, so that the release istiod-<revision> fits Helm's 53`);
    }
}

export function validatePullSecrets(names: readonly string[], field: string): void {
    const seen = new Set<string>();
    names.forEach((name, index) => {
        if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
            throw new InputError(`${field}[${index}]`, `'${name}' is not a Secret name; use a DNS-1123 subdomain`);
        }
        if (seen.has(name)) {
            throw new InputError(`${field}[${index}]`, `'${name}' is listed twice`);
        }
        seen.add(name);
    });
}
