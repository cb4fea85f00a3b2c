export * from "./findings";
export * from "./refs";
export * from "./mappings";
export * from "./queues";
export * from "./failure-stores";
export * from "./alarms";
export * from "./async-invokers";
export * from "./log-groups";
