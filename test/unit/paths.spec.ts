import * as assert from "assert";
import * as path from "path";
import { validateDirectory } from "../../config/paths";

const EXAMPLE = 'use an absolute path such as "/opt/xingrin"';

describe("directories: absolute and normalized", () => {
    it("accepts an absolute, normalized directory", () => {
        assert.strictEqual(validateDirectory("dataDir", "/opt/xingrin", "/opt/xingrin"), "/opt/xingrin");
        assert.strictEqual(validateDirectory("dataDir", "/var/lib/xingrin-sandbox/data", "/opt/xingrin"), "/var/lib/xingrin-sandbox/data");
    });

    const rejected: Array<[string, string]> = [
        ["", `dataDir "" is empty; ${EXAMPLE}`],
        ["opt/xingrin", `dataDir "opt/xingrin" is a relative path, which would depend on the directory Pulumi runs in; ${EXAMPLE}`],
        ["./xingrin", `dataDir "./xingrin" is a relative path, which would depend on the directory Pulumi runs in; ${EXAMPLE}`],
        ["~/xingrin", 'dataDir "~/xingrin" starts with "~", which nothing expands here; write the full path, such as "/opt/xingrin"'],
        ["/opt/xingrin/", 'dataDir "/opt/xingrin/" is not a normalized path; use "/opt/xingrin"'],
        ["/opt//xingrin", 'dataDir "/opt//xingrin" is not a normalized path; use "/opt/xingrin"'],
        ["/opt/x/../xingrin", 'dataDir "/opt/x/../xingrin" is not a normalized path; use "/opt/xingrin"'],
        ["/", 'dataDir "/" is the root directory, which must not be handed to XingRin; use a directory of its own, such as "/opt/xingrin"'],
        ["/opt/a:b", `dataDir "/opt/a:b" contains ":", which Docker's bind mounts use as a separator; ${EXAMPLE}`],
    ];
    for (const [value, message] of rejected) {
        it(`refuses ${JSON.stringify(value)}`, () => {
            assert.throws(() => validateDirectory("dataDir", value, "/opt/xingrin"), { name: "ConfigError", message });
        });
    }

    it("lets a build context that is not bind-mounted contain ':', and follows the given platform's rules", () => {
        assert.strictEqual(validateDirectory("buildSource", "/src/a:b", "/src/xingrin", path.posix, false), "/src/a:b");
        assert.strictEqual(validateDirectory("buildSource", "C:\\src\\xingrin", "C:\\src", path.win32, false), "C:\\src\\xingrin");
        assert.throws(() => validateDirectory("buildSource", "C:\\src\\", "C:\\src", path.win32, false),
            { message: 'buildSource "C:\\\\src\\\\" is not a normalized path; use "C:\\\\src"' });
    });
});
