/**
 * `npm run generate`: derives the AWS tables from the installed @pulumi/aws (scripts/aws-tables/derive.ts)
 * and writes checker/generated/aws-resources.json. With `--check`, writes nothing and exits 1 when the
 * file differs from what the installed package gives.
 */
import * as fs from "fs";
import * as path from "path";
import { deriveTables, tablesJson } from "./aws-tables/derive";

const target = path.join(__dirname, "..", "checker", "generated", "aws-resources.json");

function main(args: string[]) {
    const json = tablesJson(deriveTables());
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (args.includes("--check")) {
        if (current === json) return 0;
        process.stderr.write(`${path.relative(process.cwd(), target)} is out of date with the installed @pulumi/aws: run \`npm run generate\`\n`);
        return 1;
    }
    if (current !== json) fs.writeFileSync(target, json);
    process.stdout.write(`${path.relative(process.cwd(), target)}: ${Object.keys(JSON.parse(json).resources).length} resource types\n`);
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 2;
}
