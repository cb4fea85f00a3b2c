import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { findingOn, judgeEach, memo } from "../lib/graph/index";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { asArray, asBoolean, asString, known, peek } from "../lib/props";
import { T } from "../lib/types";

function hasWebAclAssociation(graph: ResourceGraph, node: Node): boolean {
    return graph.referrers(node, "resourceArn", T.wafWebAclAssociation).length > 0;
}

// `endpointConfiguration` (RestApi) and `internal` (load balancers) are Optional+Computed: unknown in a first
// preview's planned state when the program leaves them out, which means AWS's public default (EDGE, internet-facing).
function isPrivateRestApi(graph: ResourceGraph, stage: Node): boolean {
    const api = graph.targets(stage, "restApi", T.restApi)[0];
    if (!api || !graph.isSet(api, "endpointConfiguration.types")) return false;
    const types = known(api.raw, "endpointConfiguration.types");
    return (typeof types === "string" ? [types] : asArray(types)).includes("PRIVATE");
}

/** Internet-facing application load balancers (network and gateway ones cannot have a WAF). */
function isPublicAlb(graph: ResourceGraph, lb: Node): boolean {
    const type = peek(lb.raw, "loadBalancerType");
    if (type !== undefined && type !== "application") return false;
    return !graph.isSet(lb, "internal") || asBoolean(known(lb.raw, "internal")) !== true;
}

/** Distributions with a web ACL, by the known domain names of their origins. */
const protectedOriginHosts = memo((graph: ResourceGraph) => {
    const hosts = new Set<string>();
    for (const distribution of graph.ofType(T.cloudfrontDistribution)) {
        if (!graph.isSet(distribution, "webAclId")) continue;
        for (const origin of asArray(peek(distribution.raw, "origins"))) {
            const host = asString(peek(origin, "domainName"));
            if (host) hosts.add(host);
        }
    }
    return hosts;
});

function isProtectedDistributionOf(graph: ResourceGraph, origin: Node): boolean {
    return graph.referrers(origin, "origins", T.cloudfrontDistribution).some((distribution) => graph.isSet(distribution, "webAclId"));
}

/** Is `api` the origin (its endpoint, or one of its stages) of a CloudFront distribution with a web ACL? */
function isBehindProtectedCloudFront(graph: ResourceGraph, api: Node): boolean {
    if (isProtectedDistributionOf(graph, api)) return true;
    if (graph.referrers(api, "apiId", T.httpApiStage).some((stage) => isProtectedDistributionOf(graph, stage))) return true;
    const host = asString(peek(api.raw, "apiEndpoint"))?.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    return host !== undefined && protectedOriginHosts(graph).has(host);
}

function loadBalancerFinding(graph: ResourceGraph, lb: Node): StackFinding | undefined {
    if (!isPublicAlb(graph, lb) || hasWebAclAssociation(graph, lb)) return undefined;
    return findingOn(lb, `Internet-facing load balancer \`${lb.name}\` has no WAF: ${ASSOCIATE}.`);
}

const ASSOCIATE = "add an `aws.wafv2.WebAclAssociation` whose `resourceArn` is its `arn`";

export const wafProtection = stackPolicy<{}, ResourceGraph>(
    {
        name: "waf-protection",
        displayName: "Public entry points have a WAF",
        description:
            "A public API or load balancer without a web ACL takes every request to the functions behind it: a scraper, " +
            "a credential-stuffing run or a simple flood becomes invocations, concurrency exhaustion and a bill, " +
            "with no rate-based rule or managed rule set in front.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["api", "security", "cost"],
        remediationSteps:
            "Create an `aws.wafv2.WebAcl` (REGIONAL for API Gateway, AppSync and load balancers; CLOUDFRONT in us-east-1 " +
            "for distributions) with a rate-based rule and AWS managed rule groups, and associate it: an " +
            "`aws.wafv2.WebAclAssociation` from the stage's, API's or load balancer's `arn`, or `webAclId` on the " +
            "distribution. Put an HTTP API (which WAF cannot attach to) behind a CloudFront distribution with a web ACL.",
        check(graph) {
            const judges: Record<string, (node: Node) => StackFinding | undefined> = {
                [T.restApiStage]: (stage) =>
                    isPrivateRestApi(graph, stage) || hasWebAclAssociation(graph, stage)
                        ? undefined
                        : findingOn(stage, `REST API stage \`${stage.name}\` is public and has no WAF: ${ASSOCIATE}.`),
                [T.appsyncGraphQLApi]: (api) =>
                    peek(api.raw, "visibility") === "PRIVATE" || hasWebAclAssociation(graph, api)
                        ? undefined
                        : findingOn(api, `AppSync GraphQL API \`${api.name}\` has no WAF: ${ASSOCIATE}.`),
                [T.loadBalancer]: (lb) => loadBalancerFinding(graph, lb),
                [T.albLoadBalancer]: (lb) => loadBalancerFinding(graph, lb),
                [T.cloudfrontDistribution]: (distribution) =>
                    graph.isSet(distribution, "webAclId")
                        ? undefined
                        : findingOn(distribution, `CloudFront distribution \`${distribution.name}\` has no WAF: set \`webAclId\` to a CLOUDFRONT-scope web ACL's \`arn\`.`),
                [T.httpApi]: (api) =>
                    peek(api.raw, "protocolType") !== "HTTP" || isBehindProtectedCloudFront(graph, api)
                        ? undefined
                        : findingOn(
                              api,
                              `HTTP API \`${api.name}\` is public and WAF cannot attach to an HTTP API: serve it through a CloudFront distribution ` +
                                  "with `webAclId` whose origin is the API's endpoint (and set `disableExecuteApiEndpoint`).",
                          ),
            };
            return judgeEach(graph.ofType(...Object.keys(judges)), (node) => judges[node.type](node));
        },
    },
    graphOf,
);

