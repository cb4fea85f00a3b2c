import { wafProtection } from "../../../policies/api-protection/waf-protection";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const STAGE_ARN = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod";

function restApi(endpoint: string, protectedByWaf: boolean): StackResourceInput[] {
    const graph: StackResourceInput[] = [
        resource(T.restApi, "api", { endpointConfiguration: { types: endpoint } }),
        { ...resource(T.restApiStage, "prod", { restApi: "api-id", stageName: "prod", deployment: "dep" }, { restApi: ["api"] }) },
    ];
    graph[1].props.arn = STAGE_ARN;
    if (protectedByWaf) {
        graph.push(resource(T.wafWebAcl, "acl", { scope: "REGIONAL", arn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1" }));
        graph.push(resource(T.wafWebAclAssociation, "prod-acl", { resourceArn: STAGE_ARN, webAclArn: ref(graph, "acl") }, { resourceArn: ["prod"], webAclArn: ["acl"] }));
    }
    return graph;
}

function httpApiBehindCloudFront(withAcl: boolean): StackResourceInput[] {
    const graph: StackResourceInput[] = [resource(T.httpApi, "http", { protocolType: "HTTP", apiEndpoint: "https://h1.execute-api.us-east-1.amazonaws.com" })];
    graph.push(
        resource(
            T.cloudfrontDistribution,
            "cdn",
            { enabled: true, origins: [{ originId: "api", domainName: "h1.execute-api.us-east-1.amazonaws.com" }], ...(withAcl ? { webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn/1" } : {}) },
            { origins: ["http"] },
        ),
    );
    return graph;
}

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(wafProtection, graph, config);

describe("waf-protection", () => {
    test("compliant: a REST stage with a web ACL association, and a private REST API, now and at a first preview", async () => {
        for (const graph of [restApi("REGIONAL", true), restApi("PRIVATE", false)]) {
            const { known, preview, planned } = await nowAndAtFirstPreview(wafProtection, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(planned.violations).toEqual([]);
            expect(preview.cantRunAtPreview).toBeUndefined();
            expect(planned.cantRunAtPreview).toBeUndefined();
        }
    });

    test("violating: a public REST stage without WAF, reported on the stage, now and at a first preview", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(wafProtection, restApi("EDGE", false));
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([expect.stringMatching(/REST API stage `prod` is public and has no WAF: add an `aws.wafv2.WebAclAssociation`/)]);
            expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:apigateway/stage:Stage::prod");
        }
    });

    test("compliant and violating: an HTTP API passes only behind CloudFront with a web ACL", async () => {
        const ok = await nowAndAtFirstPreview(wafProtection, httpApiBehindCloudFront(true));
        expect(ok.known.violations).toEqual([]);
        expect(ok.preview.violations).toEqual([]);
        const bad = await nowAndAtFirstPreview(wafProtection, httpApiBehindCloudFront(false));
        for (const outcome of [bad.known, bad.preview]) {
            expect(outcome.violations).toHaveLength(2);
            expect(outcome.violations.join("\n")).toMatch(/CloudFront distribution `cdn` has no WAF: set `webAclId`/);
            expect(outcome.violations.join("\n")).toMatch(/HTTP API `http` is public and WAF cannot attach/);
        }
        expect((await run([resource(T.httpApi, "bare", { protocolType: "HTTP" })])).violations[0]).toMatch(/HTTP API `bare`/);
        expect((await run([resource(T.httpApi, "ws", { protocolType: "WEBSOCKET" })])).violations).toEqual([]);
    });

    test("violating: an internet-facing ALB and an AppSync API without WAF; internal, network and private ones pass", async () => {
        const graph = [
            resource(T.loadBalancer, "public-alb", { internal: false, loadBalancerType: "application" }),
            resource(T.albLoadBalancer, "default-alb", {}),
            resource(T.loadBalancer, "internal-alb", { internal: true }),
            resource(T.loadBalancer, "nlb", { loadBalancerType: "network" }),
            resource(T.appsyncGraphQLApi, "graphql", { authenticationType: "API_KEY" }),
            resource(T.appsyncGraphQLApi, "private-graphql", { authenticationType: "AWS_IAM", visibility: "PRIVATE" }),
        ];
        const { known, preview, planned } = await nowAndAtFirstPreview(wafProtection, graph);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toHaveLength(3);
            for (const name of ["load balancer `public-alb`", "load balancer `default-alb`", "AppSync GraphQL API `graphql`"]) expect(outcome.violations.join("\n")).toContain(name);
        }
        graph.push(resource(T.wafWebAclAssociation, "alb-acl", { resourceArn: ref(graph, "public-alb", "id") }, { resourceArn: ["public-alb"] }));
        expect((await run(graph)).violations).toHaveLength(2);
    });

    test("unknown at preview: an endpoint type or `internal` set from an unknown output gets the engine's can't-run advisory, others are judged", async () => {
        const settings = resource("aws:ssm/parameter:Parameter", "settings");
        const graph = [settings, ...restApi("EDGE", false), resource(T.loadBalancer, "lb", { internal: UNKNOWN }, { internal: ["settings"] })];
        graph[1] = resource(T.restApi, "api", { endpointConfiguration: { types: UNKNOWN } }, { endpointConfiguration: ["settings"] });
        const outcome = await run([...graph, resource(T.cloudfrontDistribution, "cdn", { enabled: true })]);
        expect(outcome.violations).toEqual([expect.stringMatching(/CloudFront distribution `cdn`/)]);
        expect(outcome.cantRunAtPreview).toMatch(/endpointConfiguration\.types|internal/);
    });

    test("first preview: the endpoint type and `internal` a program leaves out are unknown in the planned state, and mean public", async () => {
        const { known, preview, planned } = await nowAndAtFirstPreview(wafProtection, [
            resource(T.restApi, "api"),
            resource(T.restApiStage, "prod", { restApi: "api-id", stageName: "prod", deployment: "dep" }, { restApi: ["api"] }),
            resource(T.loadBalancer, "lb", {}),
        ]);
        for (const outcome of [known, preview, planned]) {
            expect(outcome.violations).toEqual([expect.stringMatching(/REST API stage `prod` is public/), expect.stringMatching(/load balancer `lb` has no WAF/)]);
            expect(outcome.cantRunAtPreview).toBeUndefined();
        }
    });

    test("malformed: odd props never make it throw", async () => {
        expect(await survivesMalformed(wafProtection, [...restApi("REGIONAL", true), ...httpApiBehindCloudFront(true)])).toBe(40);
        const odd = [resource(T.restApi, "api", { endpointConfiguration: { types: 5 } }), resource(T.restApiStage, "s", {}, { restApi: ["api"] }), resource(T.loadBalancer, "lb", { internal: "maybe" })];
        expect((await run(odd)).violations).toHaveLength(2);
    });

    test("waiver: a waived stage is not applicable, with the reason", async () => {
        const outcome = await run(restApi("EDGE", false), { waivers: [{ resource: "prod", reason: "behind the corporate proxy" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: prod: behind the corporate proxy");
    });
});
