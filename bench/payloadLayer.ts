/**
 * Layers of incompressible filler that give the stand-in images a realistic download size. The
 * bytes come from AES-CTR keyed on a seed: as incompressible as real binaries, and the same seed
 * always gives the same layer digest, so a second run uploads nothing and two tags that share a
 * seed share the layer (as real images share their base layers).
 */
import * as crypto from "crypto";
import { Readable } from "stream";

const BLOCK = 512;
const CHUNK = 1 << 20;
/** One file per 64 MiB, as a real layer holds many files; also keeps each under tar's size limits. */
const FILE_BYTES = 64 << 20;

/** A ustar header for a regular file or a directory, owned by root, mtime 0. */
function header(name: string, size: number, directory: boolean): Buffer {
    const h = Buffer.alloc(BLOCK, 0);
    h.write(name, 0, 100, "utf8");
    h.write(directory ? "0000755\0" : "0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write(directory ? "5" : "0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    return h;
}

/** The tar stream of a layer of `bytes` filler bytes under /opt/xingrin-bench/<name>/. */
export function payloadLayer(seed: string, name: string, bytes: number): Readable {
    const key = crypto.createHash("sha256").update(seed).digest().subarray(0, 16);
    const cipher = crypto.createCipheriv("aes-128-ctr", key, Buffer.alloc(16, 0));
    const zeros = Buffer.alloc(CHUNK, 0);
    function* parts(): Generator<Buffer> {
        yield header("opt/", 0, true);
        yield header("opt/xingrin-bench/", 0, true);
        yield header(`opt/xingrin-bench/${name}/`, 0, true);
        let left = bytes;
        for (let file = 0; left > 0; file++) {
            const size = Math.min(FILE_BYTES, left);
            yield header(`opt/xingrin-bench/${name}/part-${String(file).padStart(4, "0")}`, size, false);
            for (let done = 0; done < size; done += CHUNK) {
                yield cipher.update(zeros.subarray(0, Math.min(CHUNK, size - done)));
            }
            if (size % BLOCK !== 0) yield Buffer.alloc(BLOCK - (size % BLOCK), 0);
            left -= size;
        }
        yield Buffer.alloc(2 * BLOCK, 0);
    }
    return Readable.from(parts(), { objectMode: false });
}

/** A tiny layer with one file: /VERSION, so a synthetic image says which tag it is. */
export function versionLayer(version: string): Buffer {
    const content = Buffer.from(`${version}\n`);
    const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK, 0);
    return Buffer.concat([header("VERSION", content.length, false), content, padding, Buffer.alloc(2 * BLOCK, 0)]);
}
