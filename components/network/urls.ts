import { InputError } from "../errors";

// What every location a user gives (a chart repository, an image hub, a git repository, a state
// backend) is checked for: where it really points, and whether it carries a credential.

/** Ports a scheme implies, so that `host:443` and `host` compare equal (OCI registries speak HTTPS). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { "https:": "443", "http:": "80", "oci:": "443" };

/**
 * Cloud Storage serves a bucket path-style on these hosts and virtual-host style on
 * `BUCKET.storage.googleapis.com` (https://cloud.google.com/storage/docs/request-endpoints).
 */
// commondatastorage.googleapis.com is Cloud Storage's legacy endpoint name, path- and host-style alike.
const GCS_PATH_STYLE_HOSTS = new Set(["storage.googleapis.com", "storage.cloud.google.com", "commondatastorage.googleapis.com"]);
const GCS_VIRTUAL_HOST = /^([a-z0-9][a-z0-9._-]*)\.(?:storage|commondatastorage)\.googleapis\.com$/;

/**
 * Where a URL points, as `host/path/…`, with the spellings of one place made equal: scheme, user,
 * port the scheme implies, query and fragment dropped; the host lowercase without a trailing dot;
 * path segments decoded, lowercase, without empty ones; a Cloud Storage bucket written path-style.
 * For comparing against known locations, never for fetching.
 */
export function urlLocation(url: URL): string {
    const port = url.port && url.port !== DEFAULT_PORTS[url.protocol] ? `:${url.port}` : "";
    const segments = url.pathname
        .split("/")
        .filter((segment) => segment !== "")
        .map(decodeSegment);
    return location(url.hostname, port, segments);
}

/** Where an image hub (`registry[:port]/path`, or a Docker Hub path such as `istio`) points, as {@link urlLocation}. */
export function hubLocation(hub: string): string {
    const [first] = hub.split("/");
    const hasRegistry = hub.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    let url: URL;
    try {
        url = new URL(`https://${hasRegistry ? hub : `docker.io/${hub}`}`);
    } catch {
        return hub.toLowerCase();
    }
    return urlLocation(url);
}

/** True when `candidate` is `base` or inside it, by whole path segments (both as {@link urlLocation} gives them). */
export function isWithin(candidate: string, base: string): boolean {
    return candidate === base || candidate.startsWith(`${base}/`);
}

function location(hostname: string, port: string, segments: readonly string[]): string {
    const host = hostname.toLowerCase().replace(/\.$/, "");
    const bucket = GCS_VIRTUAL_HOST.exec(host)?.[1];
    if (bucket !== undefined) {
        return ["storage.googleapis.com", bucket, ...segments].join("/");
    }
    return [`${GCS_PATH_STYLE_HOSTS.has(host) ? "storage.googleapis.com" : host}${port}`, ...segments].join("/");
}

function decodeSegment(segment: string): string {
    try {
        return decodeURIComponent(segment).toLowerCase();
    } catch {
        return segment.toLowerCase();
    }
}

// Query parameters whose value is a secret: tokens, passwords, keys and signed-URL signatures
// (S3's X-Amz-Signature, Azure's SAS `sig`, GCS's X-Goog-Signature), compared without '-' and '_'.
const SECRET_PARAMETER = /token|passw|secret|apikey|credential|signature|^(?:key|sig|auth|authorization|pass|pwd)$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
// A git login (`ssh://git@host/…`, `git@host:org/repo`) names the account, not a secret.
const LOGIN_SCHEMES = new Set(["ssh", "git+ssh", "ssh+git"]);
const SCP_LIKE = /^[^/@:]+@[^/:]+:(?!\/\/)/;

/**
 * Refuses a location that carries a credential: a user or password before the host
 * (`https://user:token@host/…`, `oci://user:pass@host/…`, `user:pass@host/…`), or a token, password,
 * key or signature in its query. With `gitLogin`, the bare login user of an SSH git location
 * (`git@host:org/repo`) is allowed. The refusal names `field` and `instead` (where the secret
 * belongs) and never repeats the location, which holds it.
 */
export function refuseCredentials(text: string, field: string, instead: string, gitLogin = false): void {
    const scheme = SCHEME.exec(text)?.[1].toLowerCase();
    const rest = scheme === undefined ? text : text.slice(text.indexOf("://") + 3);
    const authority = /^[^/?#]*/.exec(rest)?.[0] ?? "";
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
        const userinfo = authority.slice(0, at);
        const login = gitLogin && (scheme === undefined ? SCP_LIKE.test(text) : LOGIN_SCHEMES.has(scheme));
        if (!login || userinfo.includes(":")) {
            throw new InputError(field, `carries a credential (a user or password before the host, not repeated here); keep secrets out of URLs: ${instead}`);
        }
    }
    const query = /\?([^#]*)/.exec(rest)?.[1] ?? "";
    for (const pair of query.split(/[&;]/)) {
        const name = decodeSegment(pair.split("=")[0] ?? "");
        if (SECRET_PARAMETER.test(name.replace(/[-_]/g, ""))) {
            throw new InputError(field, `carries a credential (its query parameter '${name}', value not repeated here); keep secrets out of URLs: ${instead}`);
        }
    }
}
