import { IMAGE_LABEL, STACK_LABEL } from "../components/labels";
import { confirmedOrSaid } from "./confirm";
import { ReleaseError } from "./errors";
import { mainServerTarget, MainServerTarget, OpenHostAccess } from "./hostAccess";
import { PulumiCli } from "./pulumiCli";
import { stackLabelOf } from "./stackLabel";
import { findWorkerDrift } from "./workerDrift";

export interface RecoverDeps {
    pulumi: PulumiCli;
    openHosts: OpenHostAccess;
    print: (line: string) => void;
    /** Asks y/N on a terminal; undefined without one. */
    confirm?: (question: string) => Promise<boolean>;
}

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:remote:Command";

/** The part of `pulumi stack export` recover reads (apitype.DeploymentV3, v3.248.0). */
interface ExportedState {
    deployment?: {
        resources?: Array<{ urn: string; type: string; id?: string }>;
        pending_operations?: Array<{ resource: { urn: string; type: string }; type: string }>;
    };
}

/** A container on the main server that carries this stack's label but that the state does not track. */
export interface Leftover {
    id: string;
    name: string;
    image: string;
}

export interface RecoveryPlan {
    /** "xingrin-deploy/prod": the label value this stack's containers carry. */
    stackLabel: string;
    /** The main server's Docker, where the leftovers are. */
    main: MainServerTarget;
    /** What the interrupted update left half done: "creating xingrin-postgres". */
    interrupted: string[];
    leftovers: Leftover[];
    /** Worker commands that may have run only partly, or whose host drifted: the next up runs them again. */
    rerun: string[];
    /** Why each of them runs again, for the operator. */
    reasons: string[];
    /** Workers that could not be checked. */
    unreachable: string[];
}

/**
 * After `pulumi up` was killed or lost its connection: puts state and hosts back in step so that a
 * plain `pulumi up` (same tag to finish, previous tag to roll back) converges. It removes containers
 * that carry the stack's label but that the state does not track (an interrupted create leaves one,
 * holding a name or a port), clears the interrupted operations, and marks worker commands to be run
 * again: those that were running, and those whose host drifted (agent removed or replaced by hand,
 * image deleted). Nothing else is touched; the postgres volume is never.
 */
export async function recover(options: { yes: boolean }, deps: RecoverDeps): Promise<void> {
    const { pulumi, print } = deps;
    const plan = await planRecovery(pulumi, deps.openHosts);
    print(`stack ${pulumi.stack}: ${describe(plan)}`);
    if (plan.interrupted.length === 0 && plan.leftovers.length === 0 && plan.rerun.length === 0) {
        print(`nothing to recover: run \`${pulumi.upCommand()}\``);
        return;
    }
    if (!await confirmedOrSaid({ yes: options.yes, question: "Recover now?", action: "recover" }, deps.confirm, print)) {
        return;
    }
    // The refresh takes the stack's lock first: a live update (or a stale lock) stops recover here,
    // before any container is removed.
    const refresh = ["refresh", "--yes", "--skip-preview", "--clear-pending-creates", "--stack", pulumi.stack];
    const refreshed = await pulumi.runCaptured(refresh);
    if (refreshed.code !== 0) {
        if (/currently locked/.test(refreshed.stderr + refreshed.stdout)) {
            throw new ReleaseError(
                `stack ${pulumi.stack} is locked: another pulumi command runs on it, or the interrupted one left its lock. ` +
                `If none runs any more, run \`pulumi cancel --stack ${pulumi.stack}\`, then \`npm run recover -- --stack ${pulumi.stack}\` again`);
        }
        throw new ReleaseError(`\`pulumi ${refresh.join(" ")}\` failed (exit ${refreshed.code}): ${lastLines(refreshed.stderr)}`);
    }
    print(`cleared ${plan.interrupted.length} interrupted operation(s) and refreshed the state from the hosts`);
    await removeLeftovers(plan, deps.openHosts, print);
    for (const urn of plan.rerun) {
        const taint = ["state", "taint", urn, "--yes", "--stack", pulumi.stack];
        const tainted = await pulumi.runCaptured(taint);
        if (tainted.code !== 0 && !/no resource/i.test(tainted.stderr)) {
            throw new ReleaseError(`\`pulumi ${taint.join(" ")}\` failed (exit ${tainted.code}): ${lastLines(tainted.stderr)}`);
        }
        print(`the next up runs ${nameOf(urn)} again`);
    }
    const tag = await pulumi.configGet("imageTag");
    print(`recovered. Now run \`${pulumi.upCommand()}\`: with imageTag ${tag ?? "(unset)"} it finishes the update; ` +
        "set the previous tag first to roll back instead");
}

export async function planRecovery(pulumi: PulumiCli, openHosts: OpenHostAccess): Promise<RecoveryPlan> {
    const state = await pulumi.exportState() as ExportedState;
    const resources = state.deployment?.resources ?? [];
    const pending = state.deployment?.pending_operations ?? [];
    const stackLabel = stackLabelOf(pulumi, state);
    const tracked = new Set(resources.filter(r => r.type === CONTAINER && r.id).map(r => r.id!));

    const main = await mainServerTarget(pulumi);
    const access = openHosts({ workers: [] });
    let listing: string;
    try {
        listing = await access.docker(main,
            ["ps", "--all", "--no-trunc", "--filter", `label=${STACK_LABEL}=${stackLabel}`, "--format", "{{json .}}"]);
    } finally {
        access.close();
    }
    const leftovers = listing.split("\n").filter(line => line.trim() !== "").map(line => {
        const row = JSON.parse(line) as { ID?: string; Names?: string; Labels?: string };
        const image = (row.Labels ?? "").split(",").find(pair => pair.startsWith(`${IMAGE_LABEL}=`));
        return { id: String(row.ID ?? ""), name: String(row.Names ?? ""), image: image?.slice(IMAGE_LABEL.length + 1) ?? "" };
    }).filter(container => !tracked.has(container.id));

    const inState = new Set(resources.map(r => r.urn));
    const rerun = pending.filter(op => op.resource.type === COMMAND && inState.has(op.resource.urn)).map(op => op.resource.urn);
    const reasons = rerun.map(urn => `${nameOf(urn)} may have run only partly: the next up runs it again`);
    // Drift on the workers, which no refresh can see (the command provider reads nothing back).
    const drift = await findWorkerDrift(pulumi, openHosts);
    for (const found of drift.drift) {
        const urn = resources.find(r => r.type === COMMAND && r.urn.endsWith(`::${found.worker}-${found.rerun}`))?.urn;
        if (urn !== undefined && !rerun.includes(urn)) {
            rerun.push(urn);
            reasons.push(`${found.worker} ${found.problem}: the next up runs ${nameOf(urn)} again`);
        }
    }
    return {
        stackLabel,
        main,
        interrupted: pending.map(op => `${op.type} ${nameOf(op.resource.urn)}`),
        leftovers,
        rerun,
        reasons,
        unreachable: drift.unreachable,
    };
}

function describe(plan: RecoveryPlan): string {
    const lines: string[] = [];
    lines.push(plan.interrupted.length === 0
        ? "no interrupted operation in the state"
        : `the last update was interrupted while ${plan.interrupted.join(", ")}`);
    for (const leftover of plan.leftovers) {
        lines.push(`  leftover container ${leftover.name} (${leftover.image || "no image label"}): not tracked by the stack, will be removed`);
    }
    for (const reason of plan.reasons) {
        lines.push(`  ${reason}`);
    }
    for (const worker of plan.unreachable) {
        lines.push(`  not checked: ${worker}`);
    }
    return lines.join("\n");
}

async function removeLeftovers(plan: RecoveryPlan, openHosts: OpenHostAccess, print: (line: string) => void) {
    if (plan.leftovers.length === 0) {
        return;
    }
    const access = openHosts({ workers: [] });
    try {
        for (const leftover of plan.leftovers) {
            await access.docker(plan.main, ["rm", "--force", leftover.id]);
            print(`removed leftover container ${leftover.name}`);
        }
    } finally {
        access.close();
    }
}

/** "urn:pulumi:prod::xingrin-deploy::…::xingrin-postgres" -> "xingrin-postgres". */
function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

function lastLines(text: string): string {
    return text.trim().split("\n").slice(-5).join("\n") || "no error output";
}
