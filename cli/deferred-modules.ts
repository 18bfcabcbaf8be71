import Module from "node:module";

/** A module that others require at start-up but only use later, if ever. */
export interface DeferredModule {
    /** The module's file, as `require.resolve` gives it. */
    readonly file: string;
    /**
     * Exports that modules read while they load (`exports.f = deferred.f`) but only call later:
     * each is a function that loads the module when called. Reading any other export loads it.
     * @default []
     */
    readonly functions?: readonly string[];
}

/**
 * Puts a stand-in for each module into Node's module cache (`require.cache`, which Node documents
 * as open to adding and replacing entries), so that requiring it costs nothing. The stand-in loads
 * the real module the first time it is used (an export read, a declared function called, a key
 * enumerated) and forwards to it from then on; later requires get the real module itself. A
 * module already loaded is left as it is. A stand-in cannot be frozen (its target stays open to
 * forward to; freezing it throws), and `util.inspect` shows it as `{}`.
 */
export function deferModules(modules: readonly DeferredModule[]): void {
    for (const deferred of modules) {
        if (require.cache[deferred.file] === undefined) {
            require.cache[deferred.file] = standIn(deferred);
        }
    }
}

/** Whether a module has been loaded for real (not deferred, or deferred and since used). */
export function isLoaded(file: string): boolean {
    const cached = require.cache[file];
    return cached !== undefined && !STAND_INS.has(cached);
}

const STAND_INS = new WeakSet<NodeJS.Module>();

function standIn({ file, functions = [] }: DeferredModule): NodeJS.Module {
    let real: Record<PropertyKey, unknown> | undefined;
    const load = (): Record<PropertyKey, unknown> => {
        if (real === undefined) {
            if (require.cache[file] === stub) {
                delete require.cache[file];
            }
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the deferred module by its resolved file.
            real = require(file) as Record<PropertyKey, unknown>;
        }
        return real;
    };
    const forwarders = new Map(
        functions.map((name) => {
            const forwarder = (...args: unknown[]) => (load()[name] as (...args: unknown[]) => unknown)(...args);
            return [name, Object.defineProperty(forwarder, "name", { value: name })];
        }),
    );
    const exports = new Proxy(
        {},
        {
            get: (_, key) => (real === undefined && typeof key === "string" && forwarders.has(key) ? forwarders.get(key) : load()[key]),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
                // A proxy may not report a property its target lacks as non-configurable.
                return descriptor && { ...descriptor, configurable: true };
            },
            set: (_, key, value) => Reflect.set(load(), key, value),
            defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
            deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
            getPrototypeOf: () => Reflect.getPrototypeOf(load()),
        },
    );
    const stub = new Module(file);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = exports;
    STAND_INS.add(stub);
    return stub;
}
