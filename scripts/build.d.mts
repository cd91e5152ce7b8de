// Types of scripts/build.mjs for the TypeScript callers (bench/cli).
export declare const distDir: string;
export declare function isFresh(dir?: string): boolean;
export declare function build(options?: { log?: (message: string) => void }): Promise<void>;
export declare function buildIfStale(options?: { log?: (message: string) => void }): Promise<boolean>;
