import * as assert from "assert";
import { PulumiCli } from "../../../release/pulumiCli";
import { prunedByNextUpdate, readDeployHistory } from "../../../release/retention";
import { FakePulumi } from "./support/fakePulumi";

describe("what the next update prunes (shown by npm run versions)", () => {
    it("keeps the current version, then the newest older ones, then newer ones", () => {
        assert.deepStrictEqual(prunedByNextUpdate(["v1.3.0", "v1.2.0", "v1.1.0", "v1.0.0"], "v1.2.0", 2), ["v1.3.0", "v1.0.0"]);
        assert.deepStrictEqual(prunedByNextUpdate(["v1.3.0", "v1.2.0", "v1.1.0"], "v1.2.0", 3), []);
        assert.deepStrictEqual(prunedByNextUpdate(["v1.10.0", "v1.9.0", "v1.2.0"], "v1.10.0", 2), ["v1.2.0"]);
    });

    it("keeps the versions the stack deployed before the others, as the prune steps do", () => {
        // v1.3.0 deployed, v1.3.5 failed after its stage, v1.4.0 deployed.
        assert.deepStrictEqual(prunedByNextUpdate(["v1.4.0", "v1.3.5", "v1.3.0"], "v1.4.0", 2, ["v1.4.0", "v1.3.0"]), ["v1.3.5"]);
        assert.deepStrictEqual(prunedByNextUpdate(["v1.4.0", "v1.3.5"], "v1.4.0", 2, ["v1.4.0", "v1.2.0"]), []);
    });

    it("reads the history from the deploy-history step's last output in the state", async () => {
        const fake = new FakePulumi();
        fake.exported = { deployment: { resources: [
            { urn: "urn:pulumi:prod::xingrin-deploy::xingrin:retention:Retention$command:local:Command::prune-history", outputs: { stdout: "v1.4.0\nv1.3.0" } },
        ] } };
        assert.deepStrictEqual(await readDeployHistory(new PulumiCli(fake, "prod")), ["v1.4.0", "v1.3.0"]);
        fake.exported = { deployment: { resources: [] } };
        assert.deepStrictEqual(await readDeployHistory(new PulumiCli(fake, "prod")), []);
    });
});
