export declare function extractFromTgz(tgz: Buffer, wantedPaths: readonly string[]): Map<string, Buffer>;
