/** Imported first by a process's entry: the TypeScript it loads later comes from the code cache (typescript-code-cache.ts). */
import { useTypeScriptCodeCache } from "./typescript-code-cache";

useTypeScriptCodeCache();
