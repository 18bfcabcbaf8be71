import * as semver from "semver";
import { InputError } from "../errors";

// Checks of the Istio image and revision settings: where images come from, how they are tagged, how istiod is named.

/** The image hub used for upstream releases when none is given. */
export const DEFAULT_UPSTREAM_HUB = "docker.io/istio";

/**
 * Chart and image locations that Istio retires in December 2026. Anything pinned to them stops
 * installing then, so they are refused now rather than failing at an upgrade later.
 */
export const RETIRED_LOCATIONS = ["istio-release.storage.googleapis.com", "gcr.io/istio-release", "registry.istio.io/release"];

// go-containerregistry's repository grammar, lowercase only (istioctl validates hubs with it):
// an optional registry host[:port], then path components of [a-z0-9] joined by '.', '_', '__' or '-'.
const HUB_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY_HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::[0-9]{1,5})?$/;

/** Checks an image hub: no scheme, lowercase, no trailing slash, no tag or digest. */
export function validateHub(hub: string, field: string): void {
    if (hub === "") {
        throw new InputError(field, "must not be empty; give a registry path such as docker.io/istio");
    }
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
    for (const retired of RETIRED_LOCATIONS) {
        if (hub === retired || hub.startsWith(`${retired}/`)) {
            throw new InputError(field, `'${hub}' is retired by Istio in December 2026; use ${DEFAULT_UPSTREAM_HUB} or your own registry`);
        }
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

/** A tag that is itself an Istio release (`1.x.y`, maybe with a suffix) must be from the charts' minor. */
export function checkTagMatchesRelease(tag: string, version: string): void {
    const tagVersion = /^1\.\d+\.\d+(?:[-_.].*)?$/.test(tag) ? semver.coerce(tag) : null;
    if (!tagVersion) {
        return;
    }
    const release = semver.parse(version) as semver.SemVer;
    if (tagVersion.major !== release.major || tagVersion.minor !== release.minor) {
        throw new InputError("tag", `'${tag}' is from Istio ${tagVersion.major}.${tagVersion.minor} but version is ${version}; charts and images must come from the same minor`);
    }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
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
