import { script, sh, Shell } from "./shell";

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
export function pruneScript(args: PruneArgs): Shell {
    return script(
        sh`set -eu`,
        sh`prefix=${args.imagePrefix} current=${args.currentTag} keep=${args.keepVersions}`,
        sh`never=${(args.keepImages ?? []).join(" ")}`,
        // Every v-tag of the fleet's XingRin images on this host, oldest first.
        sh`ours() { docker image ls --format '{{.Repository}}:{{.Tag}}' | awk -v p="$prefix" 'index($0, p) == 1'; }`,
        sh`tags=$(ours | sed -n 's/^.*:\(v[0-9][^:]*\)$/\1/p' | sort -uV)`,
        sh`older=$(printf '%s\n' $tags | awk -v c="$current" '$0 == c { exit } { print }' | sort -rV)`,
        sh`newer=$(printf '%s\n' $tags | awk -v c="$current" 'seen { print } $0 == c { seen = 1 }' | sort -rV)`,
        sh`kept=$(printf '%s\n' "$current" $older $newer | grep -v '^$' | head -n "$keep")`,
        sh`for tag in $tags; do`,
        sh`  if printf '%s\n' $kept | grep -qx "$tag"; then continue; fi`,
        sh`  for ref in $(ours | grep -F ":$tag" | awk -v t=":$tag" 'substr($0, length($0) - length(t) + 1) == t'); do`,
        sh`    case " $never " in *" $ref "*) continue ;; esac`,
        sh`    if docker image rm "$ref" >/dev/null 2>&1; then echo "pruned: $ref"; else echo "kept: $ref (a container still uses it)"; fi`,
        sh`  done`,
        sh`done`,
        sh`echo "keeping:" $kept`,
    );
}
