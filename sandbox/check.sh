#!/usr/bin/env bash
# Smoke test of a running sandbox (after up.sh): runs the stand-ins the way the deployment
# will and checks what a deployment can see. Leaves nothing behind: everything it creates is
# named xingrin-sbxcheck-* and removed on exit (also on failure); images it pulled onto the
# main daemon or the workers are removed again.
# Note: it pulls XingRin images, so it adds manifest requests to the registry's access log.
# Usage: sandbox/check.sh      Env: XINGRIN_SANDBOX_CHECK_PORT (host port for nginx, default 8083)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
[ -f "$FLEET_JSON" ] || { echo "no $FLEET_JSON: run sandbox/up.sh first" >&2; exit 1; }

P=xingrin-sbxcheck
NET=$P-net
VOL=$P-pgdata
PORT=${XINGRIN_SANDBOX_CHECK_PORT:-8083}
PREFIX=$(jq -r .imagePrefix "$FLEET_JSON")
REDIS_IMAGE=$(jq -r .redisImage "$FLEET_JSON")
V1=v1.1.0; V2=v1.2.0
passed=0; failed=0

ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL - $*"; }
# check DESCRIPTION CMD...: pass when CMD succeeds.
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi; }
# check_out DESCRIPTION EXPECTED_REGEX CMD...: pass when CMD's output matches.
check_out() {
  local d=$1 re=$2 out; shift 2
  out=$("$@" 2>&1) || true
  if grep -Eq -- "$re" <<<"$out"; then ok "$d"; else bad "$d (got: $(head -c 300 <<<"$out"))"; fi
}
healthy() { [ "$(docker_main inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = healthy ]; }

images_before=$(docker_main images --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY_ADDR/" || true)
cleanup() {
  local ids imgs n
  ids=$(docker_main ps -aq --filter "name=$P-")
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker_main rm -f $ids >/dev/null 2>&1 || true
  docker_main network rm "$NET" >/dev/null 2>&1 || true
  docker_main volume rm "$VOL" >/dev/null 2>&1 || true
  imgs=$(comm -13 <(echo "$images_before" | sort) \
           <(docker_main images --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY_ADDR/" | sort) || true)
  # shellcheck disable=SC2086
  [ -z "$imgs" ] || docker_main image rm $imgs >/dev/null 2>&1 || true
  for n in $(seq 1 "$(jq '.workers | length' "$FLEET_JSON")"); do
    ssh_worker "$n" "docker rm -f $P-agent >/dev/null 2>&1; docker image rm $PREFIX/xingrin-worker:$V1 $PREFIX/xingrin-agent:$V1 >/dev/null 2>&1" || true
  done
}
trap cleanup EXIT

if ss -Hltn "( sport = :$PORT )" | grep -q .; then
  echo "port $PORT is in use (a deployment running?): using 18083" >&2
  PORT=18083
fi

echo "# main daemon: redis, postgres, server, frontend, nginx on network $NET"
docker_main network create "$NET" >/dev/null
run() { docker_main run -d --network "$NET" "$@" >/dev/null; }
run --name $P-redis --network-alias redis \
  --health-cmd 'redis-cli ping' --health-interval 1s --health-retries 30 "$REDIS_IMAGE"
run --name $P-postgres --network-alias postgres -e POSTGRES_DB=xingrin -e POSTGRES_USER=xingrin \
  -e POSTGRES_PASSWORD=secret -v "$VOL:/var/lib/postgresql/data" \
  --health-cmd 'pg_isready -U xingrin' --health-interval 1s --health-retries 30 "$PREFIX/xingrin-postgres:$V1"
run --name $P-server --network-alias server -e IMAGE_TAG=$V1 -e DB_HOST=postgres \
  --health-cmd 'curl -f http://localhost:8888/api/health/' --health-interval 1s --health-retries 30 \
  "$PREFIX/xingrin-server:$V1"
run --name $P-frontend --network-alias frontend "$PREFIX/xingrin-frontend:$V1"
run --name $P-nginx --network-alias nginx -p "127.0.0.1:$PORT:8083" "$PREFIX/xingrin-nginx:$V1"

for c in redis postgres server; do
  if wait_until 30 "$c healthy" healthy "$P-$c"; then ok "$c healthcheck passes (docker reports healthy)"; else bad "$c healthcheck"; fi
done
check_out "server: wget healthcheck form works too" '"status":"ok"' \
  docker_main exec $P-server sh -c 'wget -q -O- http://localhost:8888/api/health/ || exit 1'
check_out "redis-cli ping prints PONG" '^PONG$' docker_main exec $P-redis redis-cli ping
check_out "pg_isready accepts" 'accepting connections' docker_main exec $P-postgres pg_isready -U xingrin
check "curl shim -f fails (exit 22) on a 404" \
  docker_main exec $P-server sh -c 'curl -fs http://localhost:8888/api/nope/; [ $? -eq 22 ]'
check "curl shim fails (exit 7) when nothing listens" \
  docker_main exec $P-server sh -c 'curl -fs http://localhost:9/; [ $? -eq 7 ]'

wait_until 10 "nginx on $PORT" curl -fs "http://127.0.0.1:$PORT/api/health/" || true
check_out "GET http://127.0.0.1:$PORT/api/health/ via nginx -> server" '^\{"status":"ok"\}$' \
  curl -fsS "http://127.0.0.1:$PORT/api/health/"
check_out "GET /api/system/version/ via nginx reports $V1" "\"version\":\"$V1\".*\"imageTag\":\"$V1\"" \
  curl -fsS "http://127.0.0.1:$PORT/api/system/version/"
check_out "GET / via nginx -> frontend shows $V1" "$V1" curl -fsS "http://127.0.0.1:$PORT/"
check_out "unknown API path answers 404 through nginx" '^404$' \
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/does-not-exist/"

echo "# agent heartbeat and a local worker task on $NET"
run --name $P-agent -e SERVER_URL=http://server:8888 -e WORKER_ID=1 -e IMAGE_TAG=$V1 \
  -v /proc:/host/proc:ro "$PREFIX/xingrin-agent:$V1"
wait_until 10 "heartbeat" sh -c "curl -fs http://127.0.0.1:$PORT/api/workers/ | grep -q '\"id\":\"1\"'" || true
check_out "agent heartbeat reaches the server with its version" "\"id\":\"1\",\"heartbeat\":\\{[^}]*\"version\":\"$V1\"" \
  curl -fsS "http://127.0.0.1:$PORT/api/workers/"
check_out "worker runs a task command (python -m ...)" 'task done' \
  docker_main run --rm --network "$NET" -e STANDIN_TASK_SECONDS=0 "$PREFIX/xingrin-worker:$V1" \
  sh -c "python -m apps.scan.scripts.run_initiate_scan --scan_id=1"

echo "# postgres data survives a container replacement (and an upgrade to $V2)"
docker_main exec $P-postgres sh -c 'echo check-row > /var/lib/postgresql/data/check-data.txt'
cluster=$(docker_main exec $P-postgres head -n1 /var/lib/postgresql/data/xingrin-standin-cluster)
t0=$SECONDS
docker_main rm -f $P-postgres >/dev/null
docker_main restart $P-server >/dev/null
if [ $((SECONDS - t0)) -lt 5 ]; then ok "containers stop promptly on SIGTERM"; else bad "docker stop took $((SECONDS - t0))s"; fi
run --name $P-postgres --network-alias postgres -e POSTGRES_PASSWORD=secret \
  -v "$VOL:/var/lib/postgresql/data" "$PREFIX/xingrin-postgres:$V2"
wait_until 10 "postgres v2" docker_main exec $P-postgres pg_isready -q || true
check_out "same cluster after replacement" "^$cluster\$" \
  docker_main exec $P-postgres head -n1 /var/lib/postgresql/data/xingrin-standin-cluster
check_out "data written before replacement is still there" '^check-row$' \
  docker_main exec $P-postgres cat /var/lib/postgresql/data/check-data.txt
check_out "postgres without a password refuses to init an empty volume" 'superuser password is not specified' \
  docker_main run --rm "$PREFIX/xingrin-postgres:$V1"
check_out "image carries its version in /VERSION and env" "^$V2 $V2\$" \
  docker_main exec $P-postgres sh -c 'echo "$(cat /VERSION) $XINGRIN_STANDIN_VERSION"'

echo "# remote workers over SSH"
for n in $(seq 1 "$(jq '.workers | length' "$FLEET_JSON")"); do
  name=$(jq -r ".workers[$((n - 1))].name" "$FLEET_JSON")
  check_out "$name: ssh docker info talks to its own daemon" "^$(worker_dir "$n")/data\$" \
    ssh_worker "$n" 'docker info --format "{{.DockerRootDir}}"'
  check "$name: docker pull $PREFIX/xingrin-worker:$V1" ssh_worker "$n" "docker pull -q $PREFIX/xingrin-worker:$V1"
  check_out "$name: worker task runs there" 'task done' \
    ssh_worker "$n" "docker run --rm -e STANDIN_TASK_SECONDS=0 $PREFIX/xingrin-worker:$V1 sh -c 'python -m apps.scan.x'"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
