/**
 * Writes each example's plan JSON (see README.md: there is no Terraform binary here, so the plans are laid out
 * by plan-builder.ts to Terraform's documented format instead of being printed by `terraform show -json`).
 *
 *     node -r ts-node/register/transpile-only examples/terraform/write-plans.ts
 */
import * as fs from "fs";
import * as path from "path";
import { antiPatternsPlan } from "./anti-patterns/plan-spec";
import { compliantPlan } from "./compliant/plan-spec";

const plans: [string, () => unknown][] = [
    ["anti-patterns/plan.json", () => antiPatternsPlan("create")],
    ["anti-patterns/plan-applied.json", () => antiPatternsPlan("applied")],
    ["compliant/plan.json", () => compliantPlan("create")],
    ["compliant/plan-applied.json", () => compliantPlan("applied")],
];

for (const [file, build] of plans) {
    fs.writeFileSync(path.join(__dirname, file), JSON.stringify(build(), null, 2) + "\n");
    process.stderr.write(`wrote examples/terraform/${file}\n`);
}
