#!/usr/bin/env bash
# Deploys XingRin Deploy to the local sandbox fleet as stack "sandbox", to rehearse an update or a
# rollback before touching production. Starts the sandbox if needed; the stack's config is written
# from the sandbox's sandbox.json (registry, workers and their host keys, SSH key, and the
# sandbox's own data dir, loopback-only publishing and the sandbox's TLS certificate).
#
# Usage: bash sandbox/deploy.sh [imageTag]      (default v1.1.0; the sandbox has v1.1.0 and v1.2.0)
# By hand afterwards: `source sandbox/env.sh`, then `pulumi ... --stack sandbox`.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tag=${1:-v1.1.0}

bash "$repo/sandbox/up.sh"
# shellcheck source=env.sh
. "$repo/sandbox/env.sh"
cd "$repo"
state_dir=${PULUMI_BACKEND_URL#file://}
fleet=$XINGRIN_SANDBOX_DIR/sandbox.json

if [ -d "$state_dir/.pulumi/stacks" ] && pulumi stack ls --json 2>/dev/null | jq -e '.[] | select(.name == "sandbox")' >/dev/null; then
    echo "[sandbox] reusing stack sandbox from $state_dir (sandbox/down.sh starts it fresh)"
else
    echo "[sandbox] new stack sandbox in $state_dir"
    mkdir -p "$state_dir"
    rm -f "$repo/Pulumi.sandbox.yaml"   # a stack file left from another sandbox's stack
fi
pulumi stack select sandbox --create >/dev/null
echo "[sandbox] stack sandbox: configuring from $fleet"
for key in registry namespace redisImage dockerHost dataDir tlsCertDir bindAddress publicScheme; do
    pulumi config set "$key" "$(jq -r ".$key" "$fleet")"
done
mkdir -p "$(jq -r .tlsCertDir "$fleet")"
pulumi config set publicHost "$(jq -r .publicHost "$fleet")"
pulumi config set databaseBindAddress "$(jq -r .bindAddress "$fleet")"
pulumi config set workers "$(jq -c '[.workers[] | {name, address, port, user, hostKey}]' "$fleet")"
pulumi config set --secret workerSshPrivateKey < "$(jq -r .sshPrivateKeyFile "$fleet")"
jq -c '[.workers[] | {(.name): .xingrinPassword}] | add // {}' "$fleet" | pulumi config set --secret workerPasswords
# Secrets are generated once per sandbox stack, as XingRin's installer does.
for key in databasePassword djangoSecretKey workerApiKey; do
    if ! pulumi config get "$key" >/dev/null 2>&1; then
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | pulumi config set --secret "$key"
    fi
done
pulumi config set imageTag "$tag"

echo "[sandbox] pulumi up at $tag"
# --refresh: the sandbox may have been reset (npm test does that) since the last deploy.
pulumi up --yes --refresh --stack sandbox
ca=$(jq -r .tlsCaFile "$fleet")
echo "[sandbox] health: $(curl -fsS --cacert "$ca" https://$(jq -r .publicHost "$fleet"):8083/api/health/ || echo unreachable)"
# The version route needs a login, as in XingRin: admin, with the password init_admin gave it.
jar=$(mktemp); trap 'rm -f "$jar"' EXIT
base=https://$(jq -r .publicHost "$fleet"):8083
curl -fsS --cacert "$ca" -c "$jar" -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"admin"}' "$base/api/auth/login/" || echo "[sandbox] login as admin failed"
echo "[sandbox] version: $(curl -fsS --cacert "$ca" -b "$jar" "$base/api/system/version/" || echo unreachable)"
