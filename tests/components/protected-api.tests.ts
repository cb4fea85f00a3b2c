import { ProtectedApi, managedRuleGroups, protectedApiDefaults } from "../../components/protected-api";
import { argumentError, byType, one, recordResources, settle, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const STAGE = "aws:apigateway/stage:Stage";

describe("ProtectedApi", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("REST API defaults: a stage with access logs, tracing and */* throttling, behind a web ACL", async () => {
        new ProtectedApi("shop", { restApiId: "abc123", deploymentId: "dep1" });
        await settle();
        const stage = one(registered, STAGE);
        const logs = one(registered, "aws:cloudwatch/logGroup:LogGroup");
        expect(logs.name).toBe("shop-access-logs");
        expect(logs.inputs.retentionInDays).toBe(30);
        expect(stage.inputs).toMatchObject({ restApi: "abc123", deployment: "dep1", stageName: "api", xrayTracingEnabled: true });
        expect(stage.inputs.accessLogSettings.destinationArn).toBe(logs.state.arn);
        expect(JSON.parse(stage.inputs.accessLogSettings.format)).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });

        const throttling = one(registered, "aws:apigateway/methodSettings:MethodSettings");
        expect(throttling.inputs).toMatchObject({ restApi: "abc123", stageName: "api", methodPath: "*/*" });
        expect(throttling.inputs.settings).toMatchObject({ throttlingRateLimit: 100, throttlingBurstLimit: 200, metricsEnabled: true });

        const acl = one(registered, WEB_ACL);
        expect(acl.inputs).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} } });
        const rules = acl.inputs.rules;
        expect(rules[0]).toMatchObject({
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 1000, evaluationWindowSec: 300, aggregateKeyType: "IP" } },
        });
        expect(rules.slice(1).map((r: any) => r.statement.managedRuleGroupStatement)).toEqual(managedRuleGroups.map((name) => ({ vendorName: "AWS", name })));
        expect(rules.slice(1).every((r: any) => "none" in r.overrideAction)).toBe(true);
        expect(rules.every((r: any) => r.visibilityConfig.cloudwatchMetricsEnabled)).toBe(true);

        const association = one(registered, "aws:wafv2/webAclAssociation:WebAclAssociation");
        expect(association.name).toBe("shop-waf");
        expect(association.inputs.webAclArn).toBe(acl.state.arn);
        expect(association.inputs.resourceArn).toBe(stage.state.arn);
        expect(byType(registered, "aws:apigateway/account:Account")).toHaveLength(0);
    });

    test("overrides: limits, window, stage name, log format and retention, tracing, account logging role", async () => {
        new ProtectedApi("shop", {
            restApiId: "abc123",
            deploymentId: "dep1",
            stageName: "v2",
            rateLimit: 200,
            rateLimitWindowSeconds: 60,
            throttlingRateLimit: 5,
            throttlingBurstLimit: 10,
            accessLogRetentionInDays: 7,
            accessLogFormat: "$context.requestId $context.status",
            tracingEnabled: false,
            createAccountLoggingRole: true,
        });
        await settle();
        expect(one(registered, STAGE).inputs).toMatchObject({
            stageName: "v2",
            xrayTracingEnabled: false,
            accessLogSettings: { format: "$context.requestId $context.status" },
        });
        expect(one(registered, "aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).toBe(7);
        expect(one(registered, "aws:apigateway/methodSettings:MethodSettings").inputs.settings).toMatchObject({ throttlingRateLimit: 5, throttlingBurstLimit: 10 });
        expect(one(registered, WEB_ACL).inputs.rules[0].statement.rateBasedStatement).toMatchObject({ limit: 200, evaluationWindowSec: 60 });
        const account = one(registered, "aws:apigateway/account:Account");
        expect(account.inputs.cloudwatchRoleArn).toContain("shop-apigateway-logs-role");
        expect(one(registered, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
        );
    });

    test("AppSync: the web ACL is associated with the given API, and no stage is created", async () => {
        const arn = "arn:aws:appsync:us-east-1:123456789012:apis/xyz";
        const api = new ProtectedApi("graph", { appSyncApiArn: arn, rateLimit: 500 });
        await settle();
        expect(one(registered, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs.resourceArn).toBe(arn);
        expect(byType(registered, STAGE)).toHaveLength(0);
        expect(byType(registered, "aws:apigateway/methodSettings:MethodSettings")).toHaveLength(0);
        expect(api.stage).toBeUndefined();
        expect(protectedApiDefaults.rateLimit).toBe(1000);
    });

    test("argument errors: no API, or both, named in one error before any resource", async () => {
        const none = await argumentError(registered, () => new ProtectedApi("a", {}));
        expect(none.message).toContain("restApiId: or appSyncApiArn is required");
        const both = await argumentError(registered, () =>
            new ProtectedApi("b", { restApiId: "r", appSyncApiArn: "arn:aws:appsync:us-east-1:1:apis/x", stageName: "v1" }),
        );
        expect(both.message).toContain("restApiId: or appSyncApiArn is required (exactly one");
        expect(both.message).toContain("stageName: applies to a REST API stage only");
    });

    test("argument errors: every bad setting is named", async () => {
        const error = await argumentError(registered, () =>
            new ProtectedApi("c", {
                restApiId: "r",
                stageName: "bad name!",
                rateLimit: 5,
                rateLimitWindowSeconds: 30,
                throttlingRateLimit: 0,
                throttlingBurstLimit: -1,
                accessLogRetentionInDays: 8,
                accessLogFormat: "$context.status",
            }),
        );
        for (const argument of [
            "deploymentId: is required",
            "stageName:",
            "rateLimit:",
            "rateLimitWindowSeconds:",
            "throttlingRateLimit:",
            "throttlingBurstLimit:",
            "accessLogRetentionInDays:",
            "accessLogFormat:",
        ]) {
            expect(error.message).toContain(argument);
        }
    });
});
