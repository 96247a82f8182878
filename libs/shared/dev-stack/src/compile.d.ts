/** Compiles apps/, libs/ and tools/dev/ into `outDir` (default dist/); returns the number of files written. */
export declare function compile(outDir?: string): number;
