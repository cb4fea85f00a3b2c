/** `node --require` this file: the process's @pulumi/pulumi then loads TypeScript and arborist on first use (lazy-sdk-modules.ts). */
import { useLazySdkModules } from "./lazy-sdk-modules";

useLazySdkModules();
