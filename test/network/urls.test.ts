import assert from "node:assert/strict";
import fc from "fast-check";
import { retiredLocation } from "../../components/istio/image-checks";
import { hubLocation, isWithin, refuseCredentials, urlLocation } from "../../components/network/urls";
import { refusal } from "../support/fixtures";

const secret = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/).map((text) => `S3cr${text}`);
// Marked like the secrets, so that "not repeated" is never fooled by a name the message holds anyway ("epe" in "repeated").
const user = fc.stringMatching(/^[a-z0-9]{2,10}$/).map((text) => `u5r${text}`);
const host = fc.constantFrom("charts.example.com", "registry.example.com:5000", "github.com", "10.0.0.5");
const path = fc.array(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 3 }).map((parts) => parts.map((part) => `/${part}`).join(""));

const refuse = (text: string, gitLogin = false) => refusal(() => refuseCredentials(text, "field", "the safe way", gitLogin));

describe("locations: credentials", () => {
    it("refuses a user or password before the host in any scheme (or none), never repeating them (property)", () => {
        fc.assert(
            fc.property(fc.constantFrom("https://", "http://", "oci://", "git+https://", "s3://", ""), user, secret, host, path, (scheme, name, password, where, rest) => {
                for (const userinfo of [`${name}:${password}`, password]) {
                    const message = refuse(`${scheme}${userinfo}@${where}${rest}`);
                    assert.equal(message, "field: carries a credential (a user or password before the host, not repeated here); keep secrets out of URLs: the safe way");
                    assert.ok(!message.includes(password) && !message.includes(name));
                }
            }),
        );
    });

    it("refuses a token, password, key or signature in the query, naming the parameter only (property)", () => {
        const parameter = fc.constantFrom(
            "token",
            "access_token",
            "private-token",
            "password",
            "api_key",
            "apiKey",
            "X-Amz-Signature",
            "X-Amz-Credential",
            "X-Goog-Signature",
            "sig",
            "key",
            "client_secret",
        );
        fc.assert(
            fc.property(fc.constantFrom("https://", "oci://", "azblob://", "s3://"), host, path, parameter, secret, (scheme, where, rest, name, value) => {
                const message = refuse(`${scheme}${where}${rest}?region=x&${name}=${value}`);
                assert.equal(message, `field: carries a credential (its query parameter '${name.toLowerCase()}', value not repeated here); keep secrets out of URLs: the safe way`);
                assert.ok(!message.includes(value));
            }),
        );
    });

    it("lets through locations without secrets: a git location's SSH login user, a digest, harmless query parameters", () => {
        assert.equal(refuse("git@github.com:acme/platform.git", true), "(accepted)");
        assert.equal(refuse("ssh://git@github.com/acme/platform.git", true), "(accepted)");
        assert.match(refuse("git@github.com:acme/platform.git"), /carries a credential/, "only a git location has a login user");
        assert.match(refuse("https://git@github.com/acme/platform.git", true), /carries a credential/, "over https the user can be a token");
        for (const text of [
            "https://github.com/acme/platform.git",
            "oci://ghcr.io/istio/release/charts",
            "docker.io/istio@sha256:abc",
            "s3://state?region=eu-west-1&awssdk=v2&profile=ci",
            "https://api.pulumi.com",
        ]) {
            assert.equal(refuse(text), "(accepted)", text);
        }
        assert.match(refuse("user:S3cret@github.com:acme/platform.git", true), /carries a credential/);
    });
});

describe("locations: where they point", () => {
    /** A spelling of the retired chart bucket or image path that a substring match would miss. */
    const retiredSpelling = fc
        .tuple(
            fc.constantFrom("https", "http", "oci", "HTTPS"),
            fc.constantFrom(
                ["istio-release.storage.googleapis.com", ""],
                ["storage.googleapis.com", "/istio-release"],
                ["storage.cloud.google.com", "/istio-release"],
                ["gcr.io", "/istio-release"],
                ["eu.gcr.io", "/istio-release"],
                ["registry.istio.io", "/release"],
            ),
            fc.boolean(),
            fc.boolean(),
            fc.boolean(),
            path,
        )
        .map(([scheme, [name, base], upper, dot, port]) => {
            const hostText = `${upper ? name.toUpperCase() : name}${dot ? "." : ""}${port ? `:${scheme.toLowerCase() === "http" ? 80 : 443}` : ""}`;
            return `${scheme}://${hostText}${base}`;
        });

    it("finds a retired location however its host is spelt: case, trailing dot, default port, scheme, bucket path- or host-style (property)", () => {
        fc.assert(
            fc.property(retiredSpelling, path, (base, rest) => {
                assert.notEqual(retiredLocation(urlLocation(new URL(`${base}${rest}`))), undefined, `${base}${rest}`);
            }),
        );
        for (const hub of ["gcr.io/istio-release", "gcr.io:443/istio-release", "us.gcr.io/istio-release/proxyv2", "registry.istio.io/release"]) {
            assert.notEqual(retiredLocation(hubLocation(hub)), undefined, hub);
        }
    });

    it("matches whole path segments only, and leaves other hosts and ports alone", () => {
        for (const url of [
            "https://storage.googleapis.com/istio-release-mirror/charts",
            "https://blob.istio.io/istio-release/charts",
            "oci://ghcr.io/istio/release/charts",
            "https://istio-release.storage.googleapis.com.evil.example/charts",
            "https://gcr.io:8443/istio-release",
        ]) {
            assert.equal(retiredLocation(urlLocation(new URL(url))), undefined, url);
        }
        assert.equal(retiredLocation(hubLocation("docker.io/istio")), undefined);
        assert.equal(hubLocation("istio"), "docker.io/istio");
        assert.ok(isWithin("a.example/x/y", "a.example/x") && !isWithin("a.example/xy", "a.example/x"));
    });
});
