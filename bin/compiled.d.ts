// Types of compiled.js, which runs before any TypeScript can.
export declare const repoRoot: string;
export declare const buildStamp: string;
export declare function staleReason(): string | undefined;
