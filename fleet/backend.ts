/**
 * True for a self-managed state backend (`file://`, `s3://`, `gs://`, `azblob://`), whose stacks
 * encrypt secrets with a passphrase unless given another secrets provider; false for Pulumi Cloud.
 */
export function isSelfManagedBackend(url: string | undefined): boolean {
    return /^(file|s3|gs|azblob):\/\//.test(url ?? "");
}
