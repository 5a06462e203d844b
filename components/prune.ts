import { alternatives, script, sh, Shell } from "./shell";

export interface PruneArgs {
    /** "<registry>/<namespace>/xingrin-" as `docker image ls` shows it (no "docker.io/"). */
    imagePrefix: string;
    currentTag: string;
    /** How many XingRin versions a host keeps, the current one included (at least 2). */
    keepVersions: number;
    /** The versions the stack deployed, newest first (Retention's prune-history): where rollbacks go. */
    history?: string[];
    /** Images never pruned whatever their tag (a dev stack's taskExecutorImage), as the host lists them. */
    keepImages?: string[];
}

/**
 * Shell that removes the XingRin versions a host holds beyond `keepVersions`. It keeps the current
 * tag, then the versions the stack deployed before it, newest first (a failed update's version never
 * counts: it is not where a rollback goes), then the newest versions older than the current one, then,
 * if room is left, newer ones (versions rolled back from). It never needs the registry, and it never
 * forces: Docker refuses to remove an image a container still uses, and that image stays.
 * Versions are ordered by `sort -V`, which puts a prerelease after its release (dev stacks only).
 */
export function pruneScript(args: PruneArgs): Shell {
    const history = (args.history ?? []).filter(tag => tag !== args.currentTag);
    const keepImages = args.keepImages ?? [];
    return script(
        sh`set -eu`,
        // awk reads the values from its environment: -v would turn a backslash in them into an escape.
        sh`prefix=${args.imagePrefix} current=${args.currentTag} keep=${args.keepVersions}`,
        sh`export prefix current`,
        // Every v-tag of the fleet's XingRin images on this host, oldest first.
        sh`ours() { docker image ls --format '{{.Repository}}:{{.Tag}}' | awk 'index($0, ENVIRON["prefix"]) == 1'; }`,
        sh`tags=$(ours | sed -n 's/^.*:\(v[0-9][^:]*\)$/\1/p' | sort -uV)`,
        sh`older=$(printf '%s\n' $tags | awk '$0 == ENVIRON["current"] { exit } { print }' | sort -rV)`,
        sh`newer=$(printf '%s\n' $tags | awk 'seen { print } $0 == ENVIRON["current"] { seen = 1 }' | sort -rV)`,
        // Of the deployed versions, those the host holds (a worker added later lacks the early ones).
        sh`deployed=''`,
        sh`for tag in ${history}; do if printf '%s\n' $tags | grep -qxF "$tag"; then deployed="$deployed $tag"; fi; done`,
        sh`kept=$(printf '%s\n' "$current" $deployed $older $newer | awk 'NF && !seen[$0]++' | head -n "$keep")`,
        sh`for tag in $tags; do`,
        sh`  if printf '%s\n' $kept | grep -qxF "$tag"; then continue; fi`,
        // One reference per line, read whole: a reference is never split or globbed.
        sh`  ours | awk -v t=":$tag" 'substr($0, length($0) - length(t) + 1) == t' | while IFS= read -r ref; do`,
        ...(keepImages.length === 0 ? [] : [sh`    case "$ref" in ${alternatives(keepImages)}) continue ;; esac`]),
        sh`    if docker image rm "$ref" >/dev/null 2>&1; then echo "pruned: $ref"; else echo "kept: $ref (a container still uses it)"; fi`,
        sh`  done`,
        sh`done`,
        sh`echo "keeping:" $kept`,
    );
}
