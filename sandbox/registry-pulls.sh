#!/usr/bin/env bash
# Count the manifest requests the sandbox registry served for one image tag: the evidence that
# something pulled (or resolved) it. Docker 20.10 pulls a tag as
#   "HEAD /v2/<repo>/manifests/<tag>"  then  "GET /v2/<repo>/manifests/sha256:<digest>"
# and other clients (e.g. a registry API call) may "GET /v2/<repo>/manifests/<tag>"; all of
# these lines are counted. The digest comes from sandbox.json (imageDigests).
#
# Usage: sandbox/registry-pulls.sh [--from-line N] REPO TAG
#   e.g. sandbox/registry-pulls.sh yyhuni/xingrin-worker v1.1.0
#   --from-line N: ignore the first N lines of the log (take N = `wc -l < registry.log` before
#   the action you want to measure).
# Prints: <requests by tag> <GETs by digest>   e.g. "2 2" = two pulls.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

from=0
if [ "${1:-}" = --from-line ]; then from=$2; shift 2; fi
[ $# -eq 2 ] || { echo "usage: $0 [--from-line N] REPO TAG" >&2; exit 2; }
repo=$1 tag=$2
digest=$(jq -r --arg k "$REGISTRY_ADDR/$repo:$tag" '.imageDigests[$k] // ""' "$FLEET_JSON" 2>/dev/null || true)

lines() { tail -n +"$((from + 1))" "$REGISTRY_LOG"; }
# A tag or digest is followed by " HTTP/1.1" in the request line, so v1.1.0 never matches v1.1.0-dev.1.
by_tag=$(lines | grep -cE "\"(GET|HEAD) /v2/$repo/manifests/$tag HTTP/" || true)
by_digest=0
[ -n "$digest" ] && by_digest=$(lines | grep -cE "\"GET /v2/$repo/manifests/$digest HTTP/" || true)
echo "$by_tag $by_digest"
