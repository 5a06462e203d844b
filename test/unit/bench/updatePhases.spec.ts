import * as assert from "assert";
import { StepTiming } from "../../../bench/benchStack";
import { containerTimes, phaseOf, updatePhases } from "../../../bench/updatePhases";

const step = (name: string, type: string, op: string, start: number, end: number): StepTiming =>
    ({ urn: `urn:pulumi:bench::xingrin-deploy::${type}::${name}`, name, type, op, start, end });

const CONTAINER = "docker:index/container:Container";
const steps = [
    step("main-images-server", "docker:index/remoteImage:RemoteImage", "replace", 1000, 9000),
    step("worker-1-pre-pull", "command:remote:Command", "update", 1100, 12000),
    step("xingrin-server-v9.3.0", CONTAINER, "create", 12500, 20000),
    step("worker-1-agent", "command:remote:Command", "update", 12600, 15000),
    step("xingrin-nginx", CONTAINER, "delete-replaced", 12550, 12600),
    step("xingrin-server-v9.2.0", CONTAINER, "delete", 20100, 21000),
    step("prune-main-server", "command:local:Command", "update", 20200, 22000),
    step("main-server", "xingrin:main:MainServer", "update", 900, 22500),
    step("main-images-agent", "docker:index/remoteImage:RemoteImage", "delete-replaced", 22100, 22200),
];

describe("bench: phases of a pulumi up", () => {
    it("sorts steps into stage, switch and clean up", () => {
        assert.deepStrictEqual(steps.map(phaseOf), ["stage", "stage", "switch", "switch", "switch", "clean up", "clean up", "switch", "clean up"]);
    });

    it("spans each phase from its first step to its last, leaving components out", () => {
        assert.deepStrictEqual(updatePhases(steps, 200), [
            { name: "start-up", start: 200, end: 1000 },
            { name: "stage", start: 1000, end: 12000 },
            { name: "switch", start: 12500, end: 20000 },
            { name: "clean up", start: 20100, end: 22200 },
        ]);
    });

    it("times each switched container and agent", () => {
        assert.deepStrictEqual(containerTimes(steps), { "xingrin-server-v9.3.0": 7500, "worker-1-agent": 2400 });
    });
});
