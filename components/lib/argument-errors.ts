/** Collects every invalid argument of a component so that one error names them all, before any child exists. */
import * as pulumi from "@pulumi/pulumi";
import { arnService } from "../../policies/lib/arns";

/** Thrown by a component whose arguments are invalid; `problems` holds one line per bad argument. */
export class ComponentArgumentError extends Error {
    constructor(
        /** The component (or its method) whose arguments are invalid, e.g. `QueueWorker` or `AsyncFunction.grantInvoke`. */
        readonly component: string,
        /** The resource name it was given. */
        readonly resourceName: string,
        /** One line per invalid argument: `argument.path: what is wrong and what to do`. */
        readonly problems: string[],
    ) {
        super(`${component} "${resourceName}" has invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ComponentArgumentError";
    }

    /** The argument paths named by the problems, e.g. `function.memorySize`. */
    get arguments(): string[] {
        return this.problems.map((problem) => problem.split(":")[0]);
    }
}

export class ArgumentErrors {
    private readonly problems: string[] = [];

    constructor(
        private readonly component: string,
        private readonly resourceName: string,
    ) {}

    /** Records that `argument` is invalid; `problem` says why and what to do. */
    add(argument: string, problem: string): void {
        this.problems.push(`${argument}: ${problem}`);
    }

    required(argument: string, value: unknown): void {
        if (value === undefined || value === null || value === "") this.add(argument, "is required");
    }

    /** A plain number that must be a whole number within [minimum, maximum]; undefined is accepted. */
    integerInRange(argument: string, value: unknown, minimum: number, maximum: number): void {
        if (value === undefined) return;
        if (typeof value !== "number" || !Number.isInteger(value) || value < minimum || value > maximum) {
            this.add(argument, `must be a whole number from ${minimum} to ${maximum} (got ${describe(value)})`);
        }
    }

    oneOf(argument: string, value: unknown, allowed: readonly (string | number)[]): void {
        if (value === undefined) return;
        if (!allowed.includes(value as string | number)) {
            this.add(argument, `must be one of ${allowed.join(", ")} (got ${describe(value)})`);
        }
    }

    /** A list of non-empty strings; undefined is accepted. */
    stringList(argument: string, value: unknown): void {
        if (value === undefined) return;
        if (!Array.isArray(value)) {
            this.add(argument, `must be a list of strings (got ${describe(value)})`);
            return;
        }
        value.forEach((item, index) => {
            if (typeof item !== "string" || item === "") this.add(`${argument}[${index}]`, `must be a non-empty string (got ${describe(item)})`);
        });
    }

    /** true or false; undefined is accepted. */
    boolean(argument: string, value: unknown): void {
        if (value !== undefined && typeof value !== "boolean") this.add(argument, `must be true or false (got ${describe(value)})`);
    }

    /** A plain number that must be finite and greater than 0; undefined and Outputs are accepted. */
    positive(argument: string, value: unknown): void {
        if (typeof value === "number" && !(Number.isFinite(value) && value > 0)) this.add(argument, `must be greater than 0 and finite (got ${describe(value)})`);
        else if (value !== undefined && value !== null && typeof value !== "number" && !isDeferred(value)) this.add(argument, `must be a number (got ${describe(value)})`);
    }

    /** A string, when given plainly, must not be empty (an id or name AWS requires). Outputs are accepted. */
    nonEmpty(argument: string, value: unknown): void {
        if (value === undefined || value === null || isDeferred(value)) return;
        if (typeof value !== "string" || value.trim() === "") this.add(argument, `must be a non-empty string (got ${describe(value)})`);
    }

    /** A plain string must be an ARN of `service` (e.g. "sns"); Outputs are accepted (their value is not known yet). */
    arnOf(argument: string, value: unknown, service: string, what: string): void {
        if (value === undefined || value === null || isDeferred(value)) return;
        if (arnService(value) !== service) this.add(argument, `must be ${what} ARN (arn:aws:${service}:...) (got ${describe(value)})`);
    }

    /** A plain string must hold a JSON object (a filter pattern or policy); Outputs are accepted. */
    jsonObject(argument: string, value: unknown): void {
        if (value === undefined || value === null || isDeferred(value)) return;
        if (typeof value !== "string" || !isJsonObject(value)) this.add(argument, `must be a JSON object as a string, such as '{"body":{"type":["order"]}}' (got ${describe(value)})`);
    }

    /** An e-mail address (a plain string, see `isEmailAddress`); undefined and Outputs are accepted. */
    email(argument: string, value: unknown): void {
        if (value === undefined || value === null || isDeferred(value)) return;
        if (!isEmailAddress(value)) this.add(argument, `must be an e-mail address (got ${describe(value)})`);
    }

    /**
     * A list of e-mail addresses, each checked as `email` does; undefined is accepted. A bad address is named
     * `argument[index]`, or with `name: "list"` the list is named once, with the bad entries. Returns whether the list is valid.
     */
    emailList(argument: string, value: unknown, name: "each" | "list" = "each"): boolean {
        if (value === undefined) return true;
        if (!Array.isArray(value)) {
            this.add(argument, `must be a list of e-mail addresses (got ${describe(value)})`);
            return false;
        }
        const bad = value.flatMap((item, index) => (item === undefined || item === null || (!isDeferred(item) && !isEmailAddress(item)) ? [index] : []));
        if (name === "list" && bad.length > 0) {
            this.add(argument, `must be a list of e-mail addresses (${bad.map((index) => `${argument}[${index}] is ${describe(value[index])}`).join(", ")})`);
        } else {
            for (const index of bad) this.add(`${argument}[${index}]`, `must be an e-mail address (got ${describe(value[index])})`);
        }
        return bad.length === 0;
    }

    /** A plain list of at most `maximum` entries; undefined and Outputs are accepted (an unknown list is not counted). */
    listOfAtMost(argument: string, value: unknown, maximum: number, what: string, why: string): void {
        if (value === undefined || value === null || isDeferred(value)) return;
        if (!Array.isArray(value)) this.add(argument, `must be a list of ${what} (got ${describe(value)})`);
        else if (value.length > maximum) this.add(argument, `must list at most ${maximum} ${what}: ${why} (got ${value.length})`);
    }

    get count(): number {
        return this.problems.length;
    }

    /** Throws one ComponentArgumentError naming every recorded problem, if there is any. */
    throwIfAny(): void {
        if (this.problems.length > 0) throw new ComponentArgumentError(this.component, this.resourceName, [...this.problems]);
    }
}

/** Roughly what AWS accepts as an address: one @, no spaces, a dot in the domain. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The one e-mail check of the components (SNS e-mail subscriptions, AWS Budgets subscribers): a string matching
 * `EMAIL`, so `ops@example.com` passes and `ops@localhost` or `ops at example.com` do not.
 */
export function isEmailAddress(value: unknown): boolean {
    return typeof value === "string" && EMAIL.test(value);
}

/** An Output or a promise: its value is not known while the component is constructed. */
function isDeferred(value: unknown): boolean {
    return value !== null && typeof value === "object" && (pulumi.Output.isInstance(value) || typeof (value as any).then === "function");
}

function isJsonObject(text: string): boolean {
    try {
        const parsed = JSON.parse(text);
        return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
    } catch {
        return false;
    }
}

function describe(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    if (Array.isArray(value)) return "a list";
    return value !== null && typeof value === "object" ? "an object" : String(value);
}
