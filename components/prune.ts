import { shellQuote } from "./workerScripts";

export interface PruneArgs {
    /** "<registry>/<namespace>/xingrin-" as `docker image ls` shows it (no "docker.io/"). */
    imagePrefix: string;
    currentTag: string;
    /** How many XingRin versions a host keeps, the current one included (at least 2). */
    keepVersions: number;
    /** Images never pruned whatever their tag (a dev stack's taskExecutorImage). */
    keepImages?: string[];
}

/**
 * Shell that removes the XingRin versions a host holds beyond `keepVersions`. It keeps the current
 * tag, then the newest versions older than it (the first of them is where a rollback goes), then,
 * if room is left, newer ones (versions rolled back from). It never needs the registry, and it never
 * forces: Docker refuses to remove an image a container still uses, and that image stays.
 * Versions are ordered by `sort -V`, which puts a prerelease after its release (dev stacks only).
 */
export function pruneScript(args: PruneArgs): string {
    const prefix = shellQuote(args.imagePrefix);
    const current = shellQuote(args.currentTag);
    return [
        "set -eu",
        `prefix=${prefix} current=${current} keep=${args.keepVersions}`,
        `never=${shellQuote((args.keepImages ?? []).join(" "))}`,
        // Every v-tag of the fleet's XingRin images on this host, oldest first.
        "ours() { docker image ls --format '{{.Repository}}:{{.Tag}}' | awk -v p=\"$prefix\" 'index($0, p) == 1'; }",
        `tags=$(ours | sed -n 's/^.*:\\(v[0-9][^:]*\\)$/\\1/p' | sort -uV)`,
        `older=$(printf '%s\\n' $tags | awk -v c="$current" '$0 == c { exit } { print }' | sort -rV)`,
        `newer=$(printf '%s\\n' $tags | awk -v c="$current" 'seen { print } $0 == c { seen = 1 }' | sort -rV)`,
        `kept=$(printf '%s\\n' "$current" $older $newer | grep -v '^$' | head -n "$keep")`,
        'for tag in $tags; do',
        '  if printf \'%s\\n\' $kept | grep -qx "$tag"; then continue; fi',
        '  for ref in $(ours | grep -F ":$tag" | awk -v t=":$tag" \'substr($0, length($0) - length(t) + 1) == t\'); do',
        '    case " $never " in *" $ref "*) continue ;; esac',
        '    if docker image rm "$ref" >/dev/null 2>&1; then echo "pruned: $ref"; else echo "kept: $ref (a container still uses it)"; fi',
        "  done",
        "done",
        'echo "keeping:" $kept',
    ].join("\n");
}
