import { SERVICE_LABEL, STACK_LABEL } from "../components/labels";
import { SNAPSHOT_NAME, SNAPSHOT_SUBDIR } from "../components/migrationGuard";
import { containerName, NETWORK_NAME } from "../components/mainServer";
import {
    DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_PORT, DEFAULT_DATABASE_USER, LOCAL_DATABASE_HOST, XINGRIN_DATA_DIR,
} from "../config/read";
import { confirmedOrSaid } from "./confirm";
import { ReleaseError } from "./errors";
import { HostTarget, mainServerTarget, OpenHostAccess } from "./hostAccess";
import { PulumiCli } from "./pulumiCli";
import { ExportedResources, stackLabelOf } from "./stackLabel";

export interface RestoreDeps {
    pulumi: PulumiCli;
    openHosts: OpenHostAccess;
    print: (line: string) => void;
    /** Asks y/N on a terminal; undefined without one. */
    confirm?: (question: string) => Promise<boolean>;
}

/** The program's postgres container: in place, so its name carries no tag. */
const POSTGRES_CONTAINER = containerName("postgres", "in place", "");

/** What a snapshot's name says: "v1.1.0-20261208T001500Z.dump". */
export interface SnapshotName {
    file: string;
    version: string;
    /** "2026-12-08 00:15:00 UTC" */
    taken: string;
}

export function parseSnapshotName(argument: string): SnapshotName {
    const file = argument.split("/").pop() ?? argument;
    const match = SNAPSHOT_NAME.exec(file);
    if (match === null) {
        throw new ReleaseError(
            `"${argument}" is not a snapshot: give the name an update printed ("migrations: snapshot …"), ` +
            `such as v1.1.0-20261208T001500Z.dump; the main server keeps them in ${XINGRIN_DATA_DIR}/${SNAPSHOT_SUBDIR}`);
    }
    const t = match[2];
    return {
        file,
        version: match[1],
        taken: `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)} UTC`,
    };
}

/**
 * Puts the stack's database back to a snapshot an update took before it migrated, then deploys the
 * version the snapshot belongs to. XingRin's migrations only move forward, so this is the way back
 * past one; everything written since the snapshot is lost, and the operator is told so first.
 * The servers stop, the database is dropped and created anew, pg_restore loads the snapshot (in a
 * one-off postgres container, the password in its environment only), imageTag is set to the
 * snapshot's version and `pulumi up` runs. The postgres volume and container stay.
 */
export async function restore(options: { snapshot: string; yes: boolean }, deps: RestoreDeps): Promise<void> {
    const { pulumi, print } = deps;
    const snapshot = parseSnapshotName(options.snapshot);
    const databaseHost = (await pulumi.configGet("databaseHost")) || LOCAL_DATABASE_HOST;
    if (databaseHost !== LOCAL_DATABASE_HOST) {
        throw new ReleaseError(
            `stack ${pulumi.stack} uses the external database ${databaseHost}, which the program neither snapshots nor restores: ` +
            "restore it with your database's own backups");
    }
    const db = {
        name: (await pulumi.configGet("databaseName")) || DEFAULT_DATABASE_NAME,
        user: (await pulumi.configGet("databaseUser")) || DEFAULT_DATABASE_USER,
        port: (await pulumi.configGet("databasePort")) || String(DEFAULT_DATABASE_PORT),
    };
    const password = await pulumi.configGet("databasePassword");
    if (password === undefined || password === "") {
        throw new ReleaseError(`stack ${pulumi.stack} has no databasePassword: restore needs the one its database runs with`);
    }
    const main: HostTarget = await mainServerTarget(pulumi);
    const dir = `${XINGRIN_DATA_DIR}/${SNAPSHOT_SUBDIR}`;
    const stackLabel = stackLabelOf(pulumi, await pulumi.exportState() as ExportedResources);

    const access = deps.openHosts({ workers: [] });
    try {
        const docker = (args: string[], env?: Record<string, string>) => access.docker(main, args, { env });
        const image = (await docker(["inspect", "--format", "{{.Config.Image}}", POSTGRES_CONTAINER]).catch(() => "")).trim();
        if (image === "") {
            throw new ReleaseError(`${POSTGRES_CONTAINER} does not run on ${main.dockerHost}: run \`${pulumi.upCommand()}\` first, then restore`);
        }
        const listing = await docker(["run", "--rm", "-v", `${dir}:/snapshots:ro`, image, "ls", "/snapshots"]);
        const files = listing.split("\n").map(line => line.trim());
        const base = snapshot.file.replace(/\.dump$/, "");
        if (!files.includes(snapshot.file) || !files.includes(`${base}.migrations`)) {
            const complete = files.filter(file => SNAPSHOT_NAME.test(file) && files.includes(file.replace(/\.dump$/, ".migrations")));
            throw new ReleaseError(`${dir}/${snapshot.file} is not a complete snapshot on ${main.dockerHost}; ` +
                (complete.length === 0 ? "there is none" : `there are: ${complete.sort().reverse().join(", ")}`));
        }

        print(`restore ${dir}/${snapshot.file}: database ${db.name} goes back to how XingRin ${snapshot.version} left it at ` +
            `${snapshot.taken}. Everything written since is lost. Then imageTag is set to ${snapshot.version} and ` +
            `\`${pulumi.upWithYesCommand()}\` runs.`);
        if (!await confirmedOrSaid({ yes: options.yes, question: "Restore now?", action: "restore" }, deps.confirm, print)) {
            return;
        }

        // Nothing may write while the database is replaced: this stack's servers and its scheduler stop
        // (the update replaces them).
        const servers: string[] = [];
        for (const service of ["server", "scheduler"]) {
            servers.push(...(await docker(["ps", "--filter", `label=${STACK_LABEL}=${stackLabel}`, "--filter", `label=${SERVICE_LABEL}=${service}`,
                "--format", "{{.Names}}"])).split("\n").filter(name => name.trim() !== ""));
        }
        for (const server of servers) {
            await docker(["stop", server]);
            print(`stopped ${server}`);
        }
        // Names are PostgreSQL identifiers (config/database.ts), and every value is one word: no shell on the way.
        await docker(["exec", POSTGRES_CONTAINER, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", db.user, "-d", "postgres",
            "-c", `DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`, "-c", `CREATE DATABASE "${db.name}" OWNER "${db.user}"`]);
        try {
            await docker(["run", "--rm", "--network", NETWORK_NAME, "-e", "PGPASSWORD", "-v", `${dir}:/snapshots:ro`, image,
                "pg_restore", "-h", LOCAL_DATABASE_HOST, "-p", db.port, "-U", db.user, "-d", db.name, "--exit-on-error",
                `/snapshots/${snapshot.file}`], { PGPASSWORD: password });
        } catch (error) {
            throw new ReleaseError(`database ${db.name} is empty or incomplete: ${error instanceof Error ? error.message : String(error)}. ` +
                `Run \`npm run restore -- ${snapshot.file} --stack ${pulumi.stack}\` again`);
        }
        print(`restored database ${db.name} from ${snapshot.file}`);
    } finally {
        access.close();
    }
    await pulumi.configSet("imageTag", snapshot.version);
    print(`imageTag is ${snapshot.version}`);
    await pulumi.up();
    print(`XingRin runs ${snapshot.version} on the database of ${snapshot.taken}`);
}
