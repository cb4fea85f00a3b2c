/** Collects every invalid argument of a component so that one error names them all, before any child exists. */

/** Thrown by a component whose arguments are invalid; `problems` holds one line per bad argument. */
export class ComponentArgumentError extends Error {
    constructor(
        readonly component: string,
        readonly resourceName: string,
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

    get count(): number {
        return this.problems.length;
    }

    /** Throws one ComponentArgumentError naming every recorded problem, if there is any. */
    throwIfAny(): void {
        if (this.problems.length > 0) throw new ComponentArgumentError(this.component, this.resourceName, [...this.problems]);
    }
}

function describe(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value);
    if (Array.isArray(value)) return "a list";
    return value !== null && typeof value === "object" ? "an object" : String(value);
}
