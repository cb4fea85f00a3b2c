/**
 * Checking a Terraform plan against checking the same resources captured from a Pulumi program: the whole CLI as a
 * user runs it (`node bin/serverless-guardrails.js check ...`, the built package), on 1,000 resources:
 * - `check bench/terraform-program --mode preview`: the program (100 units of ten serverless resources) on mocks;
 * - `check --terraform-plan plan.json`: a first `terraform plan` of the same resources, written here by the example
 *   plan builder (examples/terraform/plan-builder.ts) with the same names, values and references.
 * Runs interleaved, medians. Goal: the plan takes no longer than the program (ratio <= 1).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { c, json, join, PlanBuilder, r } from "../examples/terraform/plan-builder";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "serverless-guardrails.js");
export const PROGRAM = path.join(ROOT, "bench", "terraform-program");
export const TERRAFORM_GOAL = 1;
export const UNITS = 100;

/** The plan of `units` units: the resources of bench/terraform-program/index.ts, as Terraform plans them. */
export function benchPlan(units: number): Record<string, unknown> {
    const plan = new PlanBuilder("create");
    const assumeRolePolicy = json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const queueDefaults = { delay_seconds: 0, max_message_size: 262144, receive_wait_time_seconds: 0, fifo_queue: false, content_based_deduplication: false };
    for (let i = 0; i < units; i++) {
        const n = `unit${i}`;
        const at = (type: string, name: string) => `${type}.${name}`;
        plan.configure({ type: "aws_sns_topic", name: `${n}-alarms`, expressions: { name: c(`${n}-alarms`) } });
        const topic = plan.add("aws_sns_topic", `${n}-alarms`, { name: `${n}-alarms`, fifo_topic: false });
        plan.configure({
            type: "aws_sns_topic_subscription",
            name: `${n}-page`,
            expressions: { topic_arn: r(`${at("aws_sns_topic", `${n}-alarms`)}.arn`), protocol: c("email"), endpoint: c("oncall@example.com") },
        });
        plan.add("aws_sns_topic_subscription", `${n}-page`, { topic_arn: topic.arn, protocol: "email", endpoint: "oncall@example.com", confirmation_timeout_in_minutes: 1 });
        plan.configure({ type: "aws_sqs_queue", name: `${n}-dlq`, expressions: { name: c(`${n}-dlq`), message_retention_seconds: c(1209600) } });
        const dlq = plan.add("aws_sqs_queue", `${n}-dlq`, { ...queueDefaults, name: `${n}-dlq`, message_retention_seconds: 1209600, visibility_timeout_seconds: 30 });
        plan.configure({
            type: "aws_sqs_queue",
            name: `${n}-queue`,
            expressions: { name: c(`${n}-queue`), visibility_timeout_seconds: c(180), redrive_policy: r(`${at("aws_sqs_queue", `${n}-dlq`)}.arn`) },
        });
        const queue = plan.add("aws_sqs_queue", `${n}-queue`, {
            ...queueDefaults,
            name: `${n}-queue`,
            message_retention_seconds: 345600,
            visibility_timeout_seconds: 180,
            redrive_policy: json({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        });
        const alarm = {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            statistic: "Maximum",
            period: 60,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
        };
        plan.configure({
            type: "aws_cloudwatch_metric_alarm",
            name: `${n}-dlq-alarm`,
            expressions: {
                alarm_name: c(`${n}-dlq-alarm`),
                ...Object.fromEntries(Object.entries(alarm).map(([k, v]) => [k, c(v)])),
                dimensions: r(`${at("aws_sqs_queue", `${n}-dlq`)}.name`),
                alarm_actions: r(`${at("aws_sns_topic", `${n}-alarms`)}.arn`),
            },
        });
        plan.add("aws_cloudwatch_metric_alarm", `${n}-dlq-alarm`, {
            alarm_name: `${n}-dlq-alarm`,
            ...alarm,
            dimensions: { QueueName: dlq.name },
            alarm_actions: [topic.arn],
            actions_enabled: true,
            treat_missing_data: "missing",
        });
        plan.configure({ type: "aws_cloudwatch_log_group", name: `${n}-logs`, expressions: { name: c(`${n}-logs`), retention_in_days: c(30) } });
        const logs = plan.add("aws_cloudwatch_log_group", `${n}-logs`, { name: `${n}-logs`, retention_in_days: 30, skip_destroy: false });
        plan.configure({ type: "aws_iam_role", name: `${n}-role`, expressions: { name: c(`${n}-role`), assume_role_policy: {} } });
        const role = plan.add("aws_iam_role", `${n}-role`, { name: `${n}-role`, path: "/", max_session_duration: 3600, assume_role_policy: assumeRolePolicy });
        plan.configure({
            type: "aws_iam_role_policy",
            name: `${n}-policy`,
            expressions: { name: c(`${n}-policy`), role: r(`${at("aws_iam_role", `${n}-role`)}.id`), policy: r(`${at("aws_cloudwatch_log_group", `${n}-logs`)}.arn`, `${at("aws_sqs_queue", `${n}-queue`)}.arn`) },
        });
        plan.add("aws_iam_role_policy", `${n}-policy`, {
            name: `${n}-policy`,
            role: role.id,
            policy: json({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: join(logs.arn, ":*") },
                    { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queue.arn },
                ],
            }),
        });
        plan.configure({
            type: "aws_lambda_function",
            name: n,
            expressions: {
                function_name: c(n),
                runtime: c("nodejs24.x"),
                handler: c("index.handler"),
                filename: c("handler.zip"),
                role: r(`${at("aws_iam_role", `${n}-role`)}.arn`),
                memory_size: c(512),
                timeout: c(30),
                reserved_concurrent_executions: c(2),
                tracing_config: [{ mode: c("Active") }],
                logging_config: [{ log_format: c("JSON"), log_group: r(`${at("aws_cloudwatch_log_group", `${n}-logs`)}.name`) }],
            },
        });
        const fn = plan.add("aws_lambda_function", n, {
            function_name: n,
            runtime: "nodejs24.x",
            handler: "index.handler",
            filename: "handler.zip",
            role: role.arn,
            memory_size: 512,
            timeout: 30,
            reserved_concurrent_executions: 2,
            package_type: "Zip",
            publish: false,
            tracing_config: [{ mode: "Active" }],
            logging_config: [{ log_format: "JSON", log_group: logs.name }],
        });
        plan.configure({
            type: "aws_lambda_event_source_mapping",
            name: `${n}-mapping`,
            expressions: {
                event_source_arn: r(`${at("aws_sqs_queue", `${n}-queue`)}.arn`),
                function_name: r(`${at("aws_lambda_function", n)}.arn`),
                function_response_types: c(["ReportBatchItemFailures"]),
                scaling_config: [{ maximum_concurrency: c(2) }],
            },
        });
        plan.add("aws_lambda_event_source_mapping", `${n}-mapping`, {
            event_source_arn: queue.arn,
            function_name: fn.arn,
            function_response_types: ["ReportBatchItemFailures"],
            enabled: true,
            scaling_config: [{ maximum_concurrency: 2 }],
        });
    }
    return plan.build();
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One CLI run; the exit code must be 0 or 1 (a report), never 2. Returns its time and the report. */
function timeCli(args: string[]): Promise<{ ms: number; report: string }> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(process.execPath, [BIN, "check", ...args, "--format", "json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("exit", (code) => {
            const ms = performance.now() - start;
            if (code === 0 || code === 1) resolve({ ms, report: stdout });
            else reject(new Error(`check ${args.join(" ")} exited ${code}:\n${stderr}`));
        });
    });
}

export interface TerraformFigures {
    resources: { program: number; plan: number };
    programMs: number;
    planMs: number;
    ratio: number;
}

export async function measureTerraform(reps: number, log: (message: string) => void): Promise<TerraformFigures> {
    if (!fs.existsSync(path.join(ROOT, "dist", "checker", "cli.js"))) throw new Error("the checker is not built: run `npm run build` first");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-bench-terraform-"));
    try {
        const planFile = path.join(dir, "plan.json");
        fs.writeFileSync(planFile, JSON.stringify(benchPlan(UNITS)));
        const programArgs = [PROGRAM, "--mode", "preview", "--config", `units=${UNITS}`];
        const planArgs = ["--terraform-plan", planFile];
        const count = (report: string) => JSON.parse(report).summary.resources as number;
        // Warm the file cache and ts-node's, and count what each side checks.
        const resources = { program: count((await timeCli(programArgs)).report), plan: count((await timeCli(planArgs)).report) };
        const program: number[] = [];
        const planned: number[] = [];
        for (let rep = 0; rep < reps; rep++) {
            log(`Terraform plan against the program, ${resources.plan} resources: run ${rep + 1} of ${reps}`);
            program.push((await timeCli(programArgs)).ms);
            planned.push((await timeCli(planArgs)).ms);
        }
        const programMs = median(program);
        const planMs = median(planned);
        return { resources, programMs, planMs, ratio: planMs / programMs };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
