/**
 * Runs `action` with environment variables set (`undefined`: unset) in this process, and puts
 * back what they were after, whether it succeeds or throws.
 */
export async function withEnv<T>(values: Readonly<Record<string, string | undefined>>, action: () => T | Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
    const apply = (from: Readonly<Record<string, string | undefined>>) => {
        for (const [name, value] of Object.entries(from)) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
    };
    apply(values);
    try {
        return await action();
    } finally {
        apply(saved);
    }
}
