/**
 * A program folder read as the Pulumi CLI reads it (no program runs here): Pulumi.yaml's checks, main and the
 * working directory, stack selection, and the config the program gets (types, nested values, secure placeholders).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, UsageError } from "../../checker/cli";
import { programFolder } from "../../checker/load-program";
import { parseConfigPairs } from "../../checker/program-config";
import { awsRegion, captureTimeLimit, CAPTURE_TIMEOUT_ENV } from "../../checker/program-settings";
import { removeCopies, tempDir } from "./helpers";

afterAll(removeCopies);

/** A program folder with these files (Pulumi.yaml is `name: app`, `runtime: nodejs` unless given). */
function folder(files: Record<string, string>): string {
    const dir = tempDir("sg-program-");
    const all = { "Pulumi.yaml": "name: app\nruntime: nodejs\n", "index.js": "", ...files };
    for (const [name, text] of Object.entries(all)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("Pulumi.yaml", () => {
    test("name, runtime options, and where the program runs", () => {
        const dir = folder({ "Pulumi.yaml": "name: orders.api_v2\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: --max-old-space-size=8192\n" });
        const program = programFolder(dir);
        expect(program).toMatchObject({ dir, project: "orders.api_v2", workDir: dir, entryPoint: "." });
        expect(program.runtimeOptions).toEqual({ typescript: false, tsconfig: undefined, nodeargs: "--max-old-space-size=8192" });
        expect(programFolder(folder({})).runtimeOptions.typescript).toBe(true);
    });

    test("main: a folder runs there with entry '.', a file runs in its folder (the CLI's getPwdMain)", () => {
        const dir = folder({ "src/index.ts": "", "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: src/\n" });
        expect(programFolder(dir)).toMatchObject({ workDir: path.join(dir, "src"), entryPoint: "." });
        const file = folder({ "src/main.ts": "", "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: src/main.ts\n" });
        expect(programFolder(file)).toMatchObject({ workDir: path.join(file, "src"), entryPoint: "main.ts" });
    });

    test("a template's placeholder name, an invalid name, no name: each named with the fix", () => {
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: ${PROJECT}\nruntime: nodejs\ndescription: ${DESCRIPTION}\n" }))).toThrow(
            /the project name is still the template placeholder "\$\{PROJECT\}"; replace it with the project's name/,
        );
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: my app\nruntime: nodejs\n" }))).toThrow(/project name "my app" is not valid: use at most 100 letters, digits/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "runtime: nodejs\n" }))).toThrow(/has no `name`/);
    });

    test("malformed: not YAML, not a map, a bad main, bad runtime options, a missing folder", () => {
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: [app\n" }))).toThrow(/Pulumi\.yaml is not valid YAML/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "- name\n" }))).toThrow(/must be a map of settings/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: ../elsewhere\n" }))).toThrow(/project 'main' must be a subfolder/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: /abs/index.ts\n" }))).toThrow(/project 'main' must be a relative path/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: lib/index.ts\n" }))).toThrow(/main lib\/index\.ts does not exist/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: app\nruntime:\n  name: nodejs\n  options:\n    typescript: maybe\n" }))).toThrow(/typescript must be true or false/);
        expect(() => programFolder(folder({ "Pulumi.yaml": "name: app\n" }))).toThrow(/has no `runtime`/);
        expect(() => programFolder("/nowhere/at/all")).toThrow(/does not exist/);
    });
});

describe("stacks", () => {
    test("the default stack is the only stack file's, else dev (with or without a file)", () => {
        expect(programFolder(folder({ "Pulumi.prod.yaml": "config: {}\n" })).defaultStack()).toBe("prod");
        expect(programFolder(folder({ "Pulumi.prod.yaml": "", "Pulumi.dev.yaml": "" })).defaultStack()).toBe("dev");
        expect(programFolder(folder({ "Pulumi.prod.yaml": "", "Pulumi.staging.yaml": "" })).defaultStack()).toBe("dev");
        expect(programFolder(folder({})).defaultStack()).toBe("dev");
        // stackConfigDir moves the stack files.
        const moved = folder({ "Pulumi.yaml": "name: app\nruntime: nodejs\nstackConfigDir: stacks\n", "stacks/Pulumi.qa.yaml": "config:\n  app:x: 1\n" });
        const program = programFolder(moved);
        expect(program.defaultStack()).toBe("qa");
        expect(program.configFor("qa").values).toEqual({ "app:x": "1" });
    });
});

describe("config", () => {
    const project = [
        "name: app",
        "runtime: nodejs",
        "config:",
        "  aws:region: eu-west-1",
        "  replicas:",
        "    type: integer",
        "    default: 2",
        "  retention: 4",
        "  zones:",
        "    type: array",
        "    items:",
        "      type: string",
        "    default: [a, b]",
        "  password:",
        "    type: string",
        "    secret: true",
        "",
    ].join("\n");

    test("full YAML values over the project's defaults, as the engine hands them to the program", () => {
        const stack = ["config:", "  app:password:", "    secure: AAABAJ0k2Yy7", "  app:alarm:", "    threshold: 5", "    enabled: true", "    actions: [page, email]", "  app:ratio: 0.5", "  aws:profile: ops", ""].join("\n");
        const resolved = programFolder(folder({ "Pulumi.yaml": project, "Pulumi.dev.yaml": stack })).configFor("dev");
        expect(resolved.values).toEqual({
            "aws:region": "eu-west-1",
            "aws:profile": "ops",
            "app:replicas": "2",
            "app:retention": "4",
            "app:zones": '["a","b"]',
            "app:password": "placeholder-for-secure-app:password",
            "app:alarm": '{"threshold":5,"enabled":true,"actions":["page","email"]}',
            "app:ratio": "0.5",
        });
        expect(resolved.secretKeys).toEqual(["app:password"]);
        expect(resolved.placeholders).toEqual(["app:password"]);
        expect(resolved.file).toMatch(/Pulumi\.dev\.yaml$/);
    });

    test("a secure value inside a map or list: the key is secret, the placeholder names its path; typed keys get a value of their type", () => {
        const typed = project.replace("  password:\n    type: string\n", "  password:\n    type: string\n  pin:\n    type: integer\n");
        const stack = ["config:", "  app:password:", "    secure: x", "  app:pin:", "    secure: y", "  app:db:", "    host: db.internal", "    users:", "      - name: admin", "        password:", "          secure: z", ""].join("\n");
        const resolved = programFolder(folder({ "Pulumi.yaml": typed, "Pulumi.dev.yaml": stack })).configFor("dev");
        expect(JSON.parse(resolved.values["app:db"])).toEqual({ host: "db.internal", users: [{ name: "admin", password: "placeholder-for-secure-app:db.users[0].password" }] });
        expect(resolved.values["app:pin"]).toBe("0");
        expect(resolved.secretKeys).toEqual(["app:db", "app:password", "app:pin"]);
        expect(resolved.placeholders).toEqual(["app:db.users[0].password", "app:password", "app:pin"]);
    });

    test("overrides (--config) win over the stack file, and a bare key is the project's", () => {
        const program = programFolder(folder({ "Pulumi.yaml": project, "Pulumi.dev.yaml": "config:\n  app:password:\n    secure: x\n  app:replicas: 5\n" }));
        const resolved = program.configFor("dev", { overrides: parseConfigPairs(["replicas=7", "aws:region=us-west-2", "note=a=b"]) });
        expect(resolved.values).toMatchObject({ "app:replicas": "7", "aws:region": "us-west-2", "app:note": "a=b" });
        expect(() => parseConfigPairs(["replicas"])).toThrow(/--config takes key=value, got "replicas"/);
    });

    test("--config-file replaces the stack's file", () => {
        const dir = folder({ "Pulumi.yaml": project, "Pulumi.dev.yaml": "config:\n  app:password:\n    secure: x\n  app:replicas: 5\n", "ci.yaml": "config:\n  app:password:\n    secure: y\n" });
        const program = programFolder(dir);
        expect(program.configFor("dev", { file: path.join(dir, "ci.yaml") }).values["app:replicas"]).toBe("2");
        expect(() => program.configFor("dev", { file: path.join(dir, "missing.yaml") })).toThrow(/config file .*missing\.yaml does not exist/);
    });

    test("what the CLI refuses: a value of the wrong type, a missing value, a secret in plain text, a bad default", () => {
        const program = (stack: string, yaml = project) => programFolder(folder({ "Pulumi.yaml": yaml, "Pulumi.dev.yaml": stack }));
        const secret = "  app:password:\n    secure: x\n";
        expect(() => program(`config:\n${secret}  app:replicas: two\n`).configFor("dev")).toThrow(/Stack 'dev' with configuration key 'app:replicas' must be of type 'integer'/);
        expect(() => program(`config:\n${secret}  app:zones: [a, 3]\n`).configFor("dev")).toThrow(/must be of type 'array<string>'/);
        expect(() => program(`config:\n${secret}`).configFor("dev", { overrides: { replicas: "1.5" } })).toThrow(/must be of type 'integer'/);
        expect(() => program("config: {}\n").configFor("dev")).toThrow(/Stack 'dev' is missing configuration value 'password' .*--config password=<value>/);
        expect(() => program("config:\n  app:password: hunter2\n").configFor("dev")).toThrow(/configuration key 'app:password' must be encrypted as it's secret/);
        const badDefault = project.replace("default: 2", "default: lots");
        expect(() => program(`config:\n${secret}`, badDefault).configFor("dev")).toThrow(/default value of configuration key 'app:replicas' is not of the expected type 'integer'/);
        expect(() => program("config: [1, 2]\n").configFor("dev")).toThrow(/`config:` must be a map/);
        expect(() => program("config:\n  app:x: [\n").configFor("dev")).toThrow(/is not valid YAML/);
        const typedOther = "name: app\nruntime: nodejs\nconfig:\n  aws:region:\n    type: string\n    default: us-east-1\n";
        expect(() => programFolder(folder({ "Pulumi.yaml": typedOther }))).toThrow(/'aws:region' is not namespaced by the project: give it a 'value'/);
    });

    test("an empty or config-less stack file is no config", () => {
        expect(programFolder(folder({ "Pulumi.dev.yaml": "" })).configFor("dev").values).toEqual({});
        expect(programFolder(folder({ "Pulumi.dev.yaml": "encryptionsalt: v1:abc\n" })).configFor("dev").values).toEqual({});
    });
});

describe("environment", () => {
    test("the AWS region: config, then AWS_REGION / AWS_DEFAULT_REGION, then the profile's", () => {
        const dir = tempDir("sg-aws-");
        const file = path.join(dir, "config");
        fs.writeFileSync(file, "[default]\nregion = eu-north-1\n[profile ops]\nregion=ap-south-1\n");
        expect(awsRegion({ "aws:region": "eu-west-1" }, { AWS_REGION: "us-west-2" })).toBe("eu-west-1");
        expect(awsRegion({}, { AWS_DEFAULT_REGION: "us-west-2", AWS_CONFIG_FILE: file })).toBe("us-west-2");
        expect(awsRegion({}, { AWS_CONFIG_FILE: file })).toBe("eu-north-1");
        expect(awsRegion({}, { AWS_CONFIG_FILE: file, AWS_PROFILE: "ops" })).toBe("ap-south-1");
        expect(awsRegion({}, { AWS_CONFIG_FILE: path.join(dir, "none") })).toBeUndefined();
    });

    test(`the capture time limit: timeoutMs, else ${CAPTURE_TIMEOUT_ENV}, else 120 s; bad values refused`, () => {
        const saved = process.env[CAPTURE_TIMEOUT_ENV];
        try {
            delete process.env[CAPTURE_TIMEOUT_ENV];
            expect(captureTimeLimit()).toBe(120_000);
            process.env[CAPTURE_TIMEOUT_ENV] = "5000";
            expect(captureTimeLimit()).toBe(5000);
            expect(captureTimeLimit(700)).toBe(700);
            for (const bad of ["soon", "0", "1.5", String(2 ** 31)]) {
                process.env[CAPTURE_TIMEOUT_ENV] = bad;
                expect(() => captureTimeLimit()).toThrow(new RegExp(`${CAPTURE_TIMEOUT_ENV} must be a whole number of milliseconds`));
            }
        } finally {
            if (saved === undefined) delete process.env[CAPTURE_TIMEOUT_ENV];
            else process.env[CAPTURE_TIMEOUT_ENV] = saved;
        }
    });
});

describe("CLI flags", () => {
    test("--stack, --config (repeatable, -c, the last of a key wins, values may hold '='), --config-file", () => {
        const options = parseArgs(["check", "app", "--stack", "prod", "--config", "replicas=3", "-c", "aws:region=eu-west-1", "--config=note=a=b", "-c", "replicas=4", "--config-file", "ci.yaml"]);
        expect(options).toMatchObject({ programDir: "app", stack: "prod", configFile: "ci.yaml", programConfig: { replicas: "4", "aws:region": "eu-west-1", note: "a=b" } });
        expect(() => parseArgs(["check", "--config", "replicas"])).toThrow(UsageError);
        expect(() => parseArgs(["check", "--config", "=3"])).toThrow(/--config takes key=value, got "=3"/);
        expect(() => parseArgs(["check", "--stack"])).toThrow(/--stack needs a value/);
    });
});
