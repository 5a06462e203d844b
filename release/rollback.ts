import { EXAMPLE_TAG } from "../config/imageTag";
import { ReleaseError } from "./errors";
import { checkRollbackTarget, deployedTags, parseHistory, tagOf, UpdateRecord } from "./history";
import { PulumiCli } from "./pulumiCli";
import { checkTagForStack, readAllowPrerelease, readCurrentTag, stackConfigFile } from "./stackSettings";
import { readVersionFile } from "./versionFile";
import { describeUpdate, isOlder, newestStayOn, renderWalk, rolledBackTags, Stay, Walk, walkBack } from "./walkBack";

export interface RollbackOptions {
    /** The version to go to; without one, one step back along the deployed history (release/walkBack.ts). */
    version?: string;
    /** Accept a version this stack never deployed. */
    force: boolean;
    /** Apply without asking: set imageTag and run `pulumi up --yes`. */
    yes: boolean;
}

export interface RollbackDeps {
    pulumi: PulumiCli;
    versionFile: string;
    print: (line: string) => void;
    /** Asks the operator a y/N question; undefined when stdin is not a terminal, so nobody can answer. */
    confirm?: (question: string) => Promise<boolean>;
}

/** What a rollback would do, shown before anything changes, or why it will not. */
type Plan = {
    /** The marks on the history table: where the operator is, where the rollback goes. */
    marks: Map<Stay, string[]>;
    notes: string[];
} & ({
    target: string;
    /** The target was never deployed and --force accepted it. */
    forced: boolean;
} | {
    /** Shown after the history, so the operator sees why. */
    refusal: ReleaseError;
});

/**
 * Points the stack's imageTag at another version and deploys it. Without --yes it only shows the
 * plan and asks; nothing changes unless the operator agrees on a terminal. VERSION is left alone:
 * it records the release, while the stack records what runs, so a rollback never rewrites
 * release history.
 */
export async function rollback(options: RollbackOptions, deps: RollbackDeps): Promise<void> {
    const { pulumi, print } = deps;
    const stack = pulumi.stack;
    const released = readVersionFile(deps.versionFile);
    const current = (await readCurrentTag(pulumi, released)).tag;
    const history = parseHistory(await pulumi.history());
    const walk = walkBack(history);

    const plan = options.version === undefined
        ? planWalkBack(walk, history, current, stack)
        : await planNamedVersion(walk, history, current, options, pulumi);
    print(`stack ${stack}: imageTag history, newest first (a version counts as deployed once an update of it succeeded):`);
    renderWalk(walk, plan.marks).forEach(line => print(line));
    plan.notes.forEach(line => print(line));
    if ("refusal" in plan) {
        throw plan.refusal;
    }

    const file = stackConfigFile(stack);
    print(`stack ${stack}: imageTag ${current} -> ${plan.target} (${file}), then \`${pulumi.upWithYesCommand()}\``);
    print(`VERSION stays ${released || "(empty)"}: VERSION records the released version, the stack records what runs`);
    if (!options.yes) {
        const again = `npm run rollback -- ${plan.target} --stack ${stack}${plan.forced ? " --force" : ""} --yes`;
        if (deps.confirm === undefined) {
            throw new ReleaseError(
                `nothing changed: stdin is not a terminal, so rollback cannot ask before it changes stack ${stack}; ` +
                `to apply the plan above, re-run with --yes: \`${again}\``);
        }
        if (!await deps.confirm(`Set imageTag ${plan.target} on stack ${stack} and run pulumi up now? [y/N] `)) {
            throw new ReleaseError(`nothing changed: not confirmed, so stack ${stack} keeps imageTag ${current}`);
        }
    }

    await pulumi.configSet("imageTag", plan.target);
    print(`stack ${stack}: imageTag is now ${plan.target} in ${file}`);
    print(`Running ${pulumi.upWithYesCommand()}`);
    await pulumi.up();
    print(`stack ${stack} runs ${plan.target}`);
}

/** No version named: one step back along the walk, from what the last succeeded update deployed. */
function planWalkBack(walk: Walk, history: UpdateRecord[], current: string, stack: string): Plan {
    const running = walk.stays[0];
    if (running === undefined) {
        throw new ReleaseError(
            `stack ${stack} has no succeeded update that recorded an imageTag, so there is no earlier version to roll back to; ` +
            `name the version to deploy: \`npm run rollback -- <version> --stack ${stack} --force\`, for example ${EXAMPLE_TAG}`);
    }
    const marks = new Map<Stay, string[]>();
    const here = walk.undeployed.length === 0 ? "runs now" : "last deployed";
    const failedNote = lastAttemptNote(walk, running.tag);

    if (current !== running.tag) {
        // The stack's imageTag never made it out (a failed update, or a bump not applied yet): the
        // first step back is to the version that last deployed, not past it.
        marks.set(running, [here, "rollback goes here"]);
        const why = failedNote ?? `note: the stack's imageTag is ${current}, but no succeeded update has deployed it since ${running.tag}`;
        return {
            target: running.tag, marks, forced: false,
            notes: [why, `rollback returns stack ${stack} to ${running.tag}, the version its last succeeded update deployed; ` +
                "run it again to walk further back"],
        };
    }

    marks.set(running, [here]);
    const notes = failedNote === undefined ? [] : [failedNote];
    if (walk.back === undefined) {
        return { marks, notes, refusal: nothingOlder(walk, history, running.tag, stack) };
    }
    marks.set(walk.back, ["rollback goes here"]);
    return { target: walk.back.tag, marks, notes, forced: false };
}

/** A version named on the command line: forward or back, as long as the stack deployed it (or --force). */
async function planNamedVersion(walk: Walk, history: UpdateRecord[], current: string, options: RollbackOptions, pulumi: PulumiCli): Promise<Plan> {
    const stack = pulumi.stack;
    // A rollback target obeys the same tag rules as any imageTag on this stack.
    const target = checkTagForStack(options.version!, await readAllowPrerelease(pulumi), stack);
    if (target === current) {
        throw new ReleaseError(
            `stack ${stack} already has imageTag ${current}, so there is nothing to roll back; ` +
            `to deploy it again, run \`${pulumi.upCommand()}\``);
    }
    const deployed = checkRollbackTarget(history, target, stack, options.force);

    const marks = new Map<Stay, string[]>();
    const notes: string[] = [];
    const running = walk.stays[0];
    if (running !== undefined) {
        marks.set(running, [walk.undeployed.length === 0 ? "runs now" : "last deployed"]);
        const failedNote = lastAttemptNote(walk, running.tag);
        if (failedNote !== undefined) {
            notes.push(failedNote);
        }
    }
    const stay = newestStayOn(walk, target);
    if (stay !== undefined) {
        marks.set(stay, [...marks.get(stay) ?? [], "rollback goes here"]);
    }
    if (deployed === undefined) {
        notes.push(`${target} was never deployed to stack ${stack}; going ahead because of --force (the hosts pull images they lack)`);
    }
    if (running !== undefined && isOlder(running.tag, target)) {
        notes.push(`note: ${target} is newer than ${running.tag}, the version that last deployed: this goes forward again`);
    }
    if (rolledBackTags(walk).includes(target)) {
        notes.push(`note: stack ${stack} was rolled back from ${target}: make sure what made it roll back is fixed`);
    }
    return { target, marks, notes, forced: deployed === undefined };
}

/** Says that the newest update tried a tag and deployed nothing, so that tag is no part of the walk. */
function lastAttemptNote(walk: Walk, running: string): string | undefined {
    const attempt = walk.undeployed[0];
    if (attempt === undefined) {
        return undefined;
    }
    const tag = tagOf(attempt) || "(no tag)";
    const outcome = attempt.result === "failed" ? "failed" : attempt.result === "not-started" ? "did not start" : "did not finish";
    return `note: the last update (${describeUpdate(attempt.version, attempt.startTime)}) tried ${tag} and ${outcome}, ` +
        `so ${tag} was never deployed; the last succeeded update deployed ${running}`;
}

function nothingOlder(walk: Walk, history: UpdateRecord[], running: string, stack: string): ReleaseError {
    const skipped = rolledBackTags(walk);
    const why = skipped.length > 0 ? ` (the walk skips ${skipped.join(", ")}: rolled back from)` : "";
    const others = deployedTags(history).filter(tag => tag !== running);
    const name = others.length > 0
        ? `name it: \`npm run rollback -- ${others[0]} --stack ${stack}\` (versions deployed here, newest first: ${others.join(", ")})`
        : `name a version with --force: \`npm run rollback -- <version> --stack ${stack} --force\` (it has only ever deployed ${running})`;
    return new ReleaseError(
        `stack ${stack}: nothing older to roll back to: ${running} is the oldest version on the walk back${why}. ` +
        `To deploy another version, ${name}, or release a newer one with \`npm run bump -- <version> --stack ${stack}\``);
}
