/** A state or plan file that cannot be read as what it claims to be: the CLI reports it and exits 2. */
export class InputError extends Error {
    constructor(
        readonly file: string,
        message: string,
    ) {
        super(`${file}: ${message}`);
        this.name = "InputError";
    }
}

/** The parsed JSON of `file`, or an InputError that says what was expected. */
export function readJsonFile(file: string, expected: string, read: (file: string) => string): unknown {
    let text: string;
    try {
        text = read(file);
    } catch (e) {
        throw new InputError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (text.trim() === "") throw new InputError(file, `is empty; expected ${expected}`);
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(file, `is not JSON (${(e as Error).message}); expected ${expected}`);
    }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What a document looks like, to say so when it is handed to the wrong reader. */
export function kindOf(document: unknown): "terraform-plan" | "terraform-state" | "pulumi-state" | "unknown" {
    if (!isRecord(document)) return "unknown";
    if ("format_version" in document && ("resource_changes" in document || "planned_values" in document || "configuration" in document)) {
        return "terraform-plan";
    }
    if ("format_version" in document && "values" in document) return "terraform-state";
    if ("terraform_version" in document && "resources" in document && "serial" in document) return "terraform-state";
    if ("deployment" in document || "checkpoint" in document) return "pulumi-state";
    return "unknown";
}
