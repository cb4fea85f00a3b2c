// The "program check" benchmark's floor: the same program run on plain `pulumi.runtime.setMocks` with a trivial
// mock, the way a unit test would run it (TypeScript through ts-node, transpile-only, in the program's folder).
// Usage: node bench/plain-mocks.js <program-dir> <units>; prints {"resources": n} on stdout when done.
"use strict";
const path = require("path");

const dir = path.resolve(process.argv[2]);
const units = process.argv[3];
process.chdir(dir);
const from = (id) => require(require.resolve(id, { paths: [dir] }));
const pulumi = from("@pulumi/pulumi");
const settings = from("@pulumi/pulumi/runtime/settings");

let resources = 0;
pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            resources++;
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
    },
    "bench-units",
    "dev",
    true,
);
pulumi.runtime.setAllConfig({ "bench-units:units": units, "aws:region": "us-east-1" }, []);
from("ts-node").register({ transpileOnly: true, skipProject: true, compilerOptions: { module: "commonjs", moduleResolution: "node10", target: "es2022" } });

pulumi.runtime
    .runInPulumiStack(async () => {
        require(path.join(dir, "index.ts"));
    })
    .then(() => settings.waitForRPCs())
    .then(
        () => {
            process.stdout.write(JSON.stringify({ resources: resources + 1 }) + "\n", () => process.exit(0));
        },
        (error) => {
            process.stderr.write(`plain mocks failed: ${error && error.stack}\n`);
            process.exit(2);
        },
    );
