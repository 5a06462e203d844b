import * as assert from "assert";
import { prunedByNextUpdate } from "../../../release/retention";

describe("what the next update prunes (shown by npm run versions)", () => {
    it("keeps the current version, then the newest older ones, then newer ones", () => {
        assert.deepStrictEqual(prunedByNextUpdate(["v1.3.0", "v1.2.0", "v1.1.0", "v1.0.0"], "v1.2.0", 2), ["v1.3.0", "v1.0.0"]);
        assert.deepStrictEqual(prunedByNextUpdate(["v1.3.0", "v1.2.0", "v1.1.0"], "v1.2.0", 3), []);
        assert.deepStrictEqual(prunedByNextUpdate(["v1.10.0", "v1.9.0", "v1.2.0"], "v1.10.0", 2), ["v1.2.0"]);
    });
});
