#!/usr/bin/env bash
# Deploys XingRin Deploy to the local sandbox fleet as stack "sandbox", to rehearse an update or a
# rollback before touching production. Starts the sandbox if needed; the stack's config is written
# from the sandbox's sandbox.json (registry, workers and their host keys, SSH key).
#
# Usage: bash sandbox/deploy.sh [imageTag]      (default v1.1.0; the sandbox has v1.1.0 and v1.2.0)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tag=${1:-v1.1.0}
state=${XINGRIN_SANDBOX_DIR:-/var/lib/xingrin-sandbox}

bash "$repo/sandbox/up.sh"
# shellcheck source=../toolchain/env.sh
. "$repo/toolchain/env.sh"
cd "$repo"
# The sandbox keeps its own state backend and passphrase, apart from any real stack's.
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$state/pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-xingrin-sandbox}
mkdir -p "${PULUMI_BACKEND_URL#file://}"

fleet=$state/sandbox.json
echo "[sandbox] stack sandbox: configuring from $fleet"
pulumi stack select sandbox --create >/dev/null
pulumi config set registry "$(jq -r .registry "$fleet")"
pulumi config set namespace "$(jq -r .namespace "$fleet")"
pulumi config set redisImage "$(jq -r .redisImage "$fleet")"
pulumi config set dockerHost "$(jq -r .dockerHost "$fleet")"
pulumi config set publicHost 127.0.0.1
pulumi config set workers "$(jq -c '[.workers[] | {name, address, port, user, hostKey}]' "$fleet")"
pulumi config set --secret workerSshPrivateKey < "$(jq -r .sshPrivateKeyFile "$fleet")"
# Secrets are generated once per sandbox stack, as XingRin's installer does.
for key in databasePassword djangoSecretKey workerApiKey; do
    if ! pulumi config get "$key" >/dev/null 2>&1; then
        pulumi config set --secret "$key" "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    fi
done
pulumi config set imageTag "$tag"

echo "[sandbox] pulumi up at $tag"
# --refresh: the sandbox may have been reset (npm test does that) since the last deploy.
pulumi up --yes --refresh --stack sandbox
echo "[sandbox] health: $(curl -fsS http://127.0.0.1:8083/api/health/ || echo unreachable)"
echo "[sandbox] version: $(curl -fsS http://127.0.0.1:8083/api/system/version/ || echo unreachable)"
