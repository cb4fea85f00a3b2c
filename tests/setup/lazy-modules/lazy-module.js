/**
 * A stand-in for a module that @pulumi/pulumi requires when it loads but uses only to serialize functions
 * (TypeScript to parse a closure, @npmcli/arborist to list a package's dependencies): the real module is loaded on
 * first use. Jest maps the module's name here (jest.config.js moduleNameMapper), because every suite loads
 * @pulumi/pulumi into a module registry of its own, and these two are about 0.4 CPU-s of its 0.7.
 * The stand-in answers `__esModule`, so that TypeScript's `__importStar` hands it on as it is instead of copying
 * every key (which would load the module at once).
 */
const path = require("path");

module.exports = function lazyModule(name) {
    const manifest = require(`${name}/package.json`);
    const entry = path.join(path.dirname(require.resolve(`${name}/package.json`)), manifest.main ?? "index.js");
    let real;
    const load = () => (real ??= jest.requireActual(entry));
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" ? true : load()[key]),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Object.getOwnPropertyDescriptor(load(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
};
