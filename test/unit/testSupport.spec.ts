import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { valueOf } from "../support/program";

// The specs read Outputs through valueOf; these make sure a broken Output fails a spec quickly
// instead of leaving it waiting for mocha's timeout.
describe("test support: valueOf", () => {
    it("resolves a known Output to its value", async () => {
        assert.deepStrictEqual(await valueOf(pulumi.output({ tag: "v1.2.0" })), { tag: "v1.2.0" });
    });

    it("rejects when the computation inside an Output throws", async () => {
        const broken = pulumi.output("v1.2.0").apply(tag => {
            throw new Error(`cannot use ${tag}`);
        });
        await assert.rejects(valueOf(broken), /cannot use v1\.2\.0/);
    });
});
