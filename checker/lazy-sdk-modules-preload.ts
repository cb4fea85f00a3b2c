/**
 * `node --require` this file: the process's @pulumi/pulumi then loads TypeScript and arborist on first use
 * (lazy-sdk-modules.ts), and the TypeScript it loads for ts-node comes from the code cache (typescript-code-cache.ts).
 */
import "./typescript-code-cache-preload";
import { useLazySdkModules } from "./lazy-sdk-modules";

useLazySdkModules();
