/**
 * Reads a `pulumi up`'s timed steps as the phases of XingRin Deploy's update: stage (images on
 * every host), switch (containers and agents), clean up (old containers and images leave).
 */
import { StepTiming } from "./benchStack";
import { Phase } from "./baseline";

// A replaced-in-place container's delete-replaced is part of its switch (delete before replace);
// the old versioned containers are deleted as resources of their own ("delete"), at the end.
const CLEANUP_OPS = new Set(["delete", "discard"]);
const CREATE_OPS = new Set(["create", "create-replacement", "replace", "update"]);

export function phaseOf(step: Pick<StepTiming, "name" | "type" | "op">): "stage" | "switch" | "clean up" {
    const image = step.type === "docker:index/remoteImage:RemoteImage";
    // Retention's steps (prune-history, prune-<host>) and a removed worker's retire come after the switch.
    if (CLEANUP_OPS.has(step.op) || /^prune-|-retire$/.test(step.name)) return "clean up";
    // The old tag's image resources go at the end of the update (the images stay: keepLocally).
    if (image && step.op === "delete-replaced") return "clean up";
    if (image || step.name.endsWith("-pre-pull")) return "stage";
    return "switch";
}

/**
 * Each phase from its first step's start to its last step's end, in run order; empty phases left
 * out. "start-up" is the engine, the program and the plugins, until the first resource step.
 */
export function updatePhases(steps: readonly StepTiming[], runStart: number): Phase[] {
    const phases: Phase[] = [];
    const resourceSteps = steps.filter(step => !step.type.startsWith("xingrin:") && !step.type.startsWith("pulumi:"));
    if (resourceSteps.length > 0) {
        phases.push({ name: "start-up", start: runStart, end: Math.min(...resourceSteps.map(s => s.start)) });
    }
    for (const name of ["stage", "switch", "clean up"] as const) {
        const mine = resourceSteps.filter(step => phaseOf(step) === name);
        if (mine.length > 0) {
            phases.push({ name, start: Math.min(...mine.map(s => s.start)), end: Math.max(...mine.map(s => s.end)) });
        }
    }
    return phases;
}

/** How long each container (and worker agent) took to be created and, where it has one, healthy. */
export function containerTimes(steps: readonly StepTiming[]): Record<string, number> {
    const times: Record<string, number> = {};
    for (const step of steps) {
        const container = step.type === "docker:index/container:Container";
        const agent = step.type === "command:remote:Command" && step.name.endsWith("-agent");
        if ((container || agent) && CREATE_OPS.has(step.op)) {
            times[step.name] = step.end - step.start;
        }
    }
    return times;
}
