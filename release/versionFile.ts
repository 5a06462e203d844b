import * as fs from "fs";

/**
 * The VERSION file records the released version (what a stable bump on prod last set). It is the
 * default imageTag for a stack that sets none, so it is read the same way the program reads it.
 */
export function readVersionFile(file: string): string {
    try {
        return fs.readFileSync(file, "utf8").trim();
    } catch {
        return "";
    }
}

export function writeVersionFile(file: string, tag: string): void {
    fs.writeFileSync(file, `${tag}\n`);
}
