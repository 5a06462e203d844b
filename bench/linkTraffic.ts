/** Bytes the limited registry sent over its link, read from its access log (one line per request). */
import * as fs from "fs";
import * as path from "path";
import { SANDBOX_DIR } from "../sandbox/fleet";

const ACCESS_LOG = path.join(SANDBOX_DIR, "limited-registry", "registry.log");

/** Where the log ends now; pass it to bytesSince later. */
export function logMark(): number {
    return fs.existsSync(ACCESS_LOG) ? fs.statSync(ACCESS_LOG).size : 0;
}

/** Sum of the response sizes of blob GETs logged after `mark` (the layers pulled). */
export function blobBytesSince(mark: number): number {
    const fd = fs.openSync(ACCESS_LOG, "r");
    try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.max(0, size - mark));
        fs.readSync(fd, buffer, 0, buffer.length, mark);
        return blobBytes(buffer.toString("utf8"));
    } finally {
        fs.closeSync(fd);
    }
}

/** Apache combined lines: `"GET /v2/<repo>/blobs/sha256:… HTTP/1.1" 200 <bytes>`. */
export function blobBytes(log: string): number {
    let total = 0;
    for (const match of log.matchAll(/"GET \/v2\/\S+\/blobs\/sha256:[0-9a-f]+ HTTP\/[0-9.]+" 200 (\d+)/g)) {
        total += Number(match[1]);
    }
    return total;
}
