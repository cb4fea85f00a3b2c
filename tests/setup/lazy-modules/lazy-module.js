/**
 * A stand-in for a module that @pulumi/pulumi requires when it loads but uses only to serialize functions
 * (TypeScript to parse a closure, @npmcli/arborist to list a package's dependencies): the real module is loaded on
 * first use. Jest maps the module's name here (jest.config.js moduleNameMapper), because every suite loads
 * @pulumi/pulumi into a module registry of its own, and these two are about 0.4 CPU-s of its 0.7. The checker does
 * the same in the processes it starts (checker/lazy-sdk-modules.ts, whose stand-in this is).
 */
const path = require("path");
const { standIn } = require("../../../checker/lazy-sdk-modules");

module.exports = function lazyModule(name) {
    const manifest = require(`${name}/package.json`);
    const entry = path.join(path.dirname(require.resolve(`${name}/package.json`)), manifest.main ?? "index.js");
    let real;
    return standIn(() => (real ??= jest.requireActual(entry)));
};
