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
# shellcheck source=lib/tls.sh
. "$here/lib/tls.sh"
[ -f "$FLEET_JSON" ] || { echo "no $FLEET_JSON: run sandbox/up.sh first" >&2; exit 1; }

P=xingrin-sbxcheck
NET=$P-net
VOL=$P-pgdata
PORT=${XINGRIN_SANDBOX_CHECK_PORT:-8083}
PREFIX=$(jq -r .imagePrefix "$FLEET_JSON")
REDIS_IMAGE=$(jq -r .redisImage "$FLEET_JSON")
V1=v1.1.0; V2=v1.2.0; V3=v1.2.1   # V2 migrates the schema; V3 does not
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
  rm -f "${JAR:-}"
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

echo "# main daemon: the real redis, postgres and nginx, and the server stand-in, on network $NET"
docker_main network create "$NET" >/dev/null
run() { docker_main run -d --quiet --network "$NET" "$@" >/dev/null; }
DB_ENV=(-e DB_HOST=postgres -e DB_NAME=xingrin -e DB_USER=xingrin -e DB_PASSWORD=secret -e REDIS_HOST=redis
  -e WORKER_API_KEY=check-key -e PUBLIC_HOST=public.example -e PUBLIC_PORT=8083)
run --name $P-redis --network-alias redis \
  --health-cmd 'redis-cli ping' --health-interval 1s --health-retries 30 "$REDIS_IMAGE"
run --name $P-postgres --network-alias postgres -e POSTGRES_DB=xingrin -e POSTGRES_USER=xingrin \
  -e POSTGRES_PASSWORD=secret -v "$VOL:/var/lib/postgresql/data" \
  --health-cmd 'pg_isready -U xingrin' --health-interval 1s --health-retries 30 "$PREFIX/xingrin-postgres:$V1" \
  postgres -c shared_preload_libraries=pg_ivm
wait_until 30 "postgres healthy" healthy $P-postgres || true
run --name $P-server --network-alias server -e IMAGE_TAG=$V1 "${DB_ENV[@]}" \
  --health-cmd 'curl -f http://localhost:8888/api/health/' --health-interval 1s --health-retries 30 \
  "$PREFIX/xingrin-server:$V1"

for c in redis postgres server; do
  if wait_until 30 "$c healthy" healthy "$P-$c"; then ok "$c healthcheck passes (docker reports healthy)"; else bad "$c healthcheck"; fi
done
check_out "redis is Redis 7 and answers redis-cli ping" '^PONG$' docker_main exec $P-redis redis-cli ping
check_out "redis-server is the real one" 'redis_version:7\.' docker_main exec $P-redis redis-cli info server
check_out "redis accepts clients from other containers (protected mode off)" '^PONG$' \
  docker_main exec $P-server redis-cli -h redis ping
check_out "postgres is PostgreSQL 15" 'PostgreSQL 15\.' docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SELECT version()'
check_out "[§2 postgres] compose's preload of pg_ivm reaches the server (as xingrin.preloaded: pg_ivm is not in Debian)" '^pg_ivm$' \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SHOW xingrin.preloaded'
check_out "postgres asks TCP clients for the password" 'password authentication failed' \
  docker_main exec -e PGPASSWORD=wrong $P-server psql -h postgres -U xingrin -d xingrin -c 'SELECT 1'
check_out "server: migrate ran at start (engine.0001_initial applied)" '^engine\|0001_initial$' \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SELECT app, name FROM django_migrations'
check_out "server: wget healthcheck form works too" '"status":"ok"' \
  docker_main exec $P-server sh -c 'wget -q -O- http://localhost:8888/api/health/ || exit 1'
check_out "server without the database's password exits (migrate fails at start)" 'migrate failed' \
  docker_main run --rm --network "$NET" -e IMAGE_TAG=$V1 -e DB_HOST=postgres -e DB_NAME=xingrin -e DB_USER=xingrin \
  -e DB_PASSWORD=wrong "$PREFIX/xingrin-server:$V1"

echo "# nginx: XingRin's configuration, TLS on 8083"
check_out "nginx resolves its upstreams when it starts: without a frontend it exits" 'host not found in upstream' \
  docker_main run --rm --network "$NET" -v "$SANDBOX_TLS_DIR:/etc/nginx/ssl:ro" "$PREFIX/xingrin-nginx:$V1"
EMPTY_SSL=$(mktemp -d)
run --name $P-frontend --network-alias frontend "$PREFIX/xingrin-frontend:$V1"
check_out "nginx with an empty certificate directory mounted fails to start" 'cannot load certificate' \
  docker_main run --rm --network "$NET" -v "$EMPTY_SSL:/etc/nginx/ssl:ro" "$PREFIX/xingrin-nginx:$V1"
rmdir "$EMPTY_SSL"
run --name $P-nginx --network-alias nginx -p "127.0.0.1:$PORT:8083" -v "$SANDBOX_TLS_DIR:/etc/nginx/ssl:ro" \
  "$PREFIX/xingrin-nginx:$V1"
CA=(--cacert "$SANDBOX_TLS_DIR/fullchain.pem")
URL=https://127.0.0.1:$PORT
wait_until 10 "nginx on $PORT" curl -fs "${CA[@]}" "$URL/api/health/" || true
check_out "GET $URL/api/health/ via nginx (TLS, certificate verified) -> server" '^\{"status":"ok"\}$' \
  curl -fsS "${CA[@]}" "$URL/api/health/"
check_out "nginx is the real nginx and adds X-Powered-By" '^Server: nginx/.*X-Powered-By: Xingrin ASM' \
  sh -c "curl --http1.1 -sSI ${CA[*]} $URL/api/health/ | tr -d '\r' | grep -E '^(Server|X-Powered-By):' | paste -sd' '"
check_out "plain HTTP on 8083 is redirected (301) to https" '^301 https://127\.0\.0\.1:'"$PORT"'/api/health/$' \
  curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT/api/health/"
check_out "TLS 1.1 is refused" 'alert|error|failure' curl -sS "${CA[@]}" --tls-max 1.1 "$URL/api/health/"
JAR=$(mktemp)   # the session cookie of the logins below
check_out "[§9 session routes] GET /api/system/version/ needs a login: 403 without one" '^403$' \
  curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" "$URL/api/system/version/"
check_out "[§4 init_admin] the server's start makes no account: admin/admin is refused" '^401$' \
  curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin"}' "$URL/api/auth/login/"
check_out "[§4 init_admin] manage.py init_admin makes admin with ADMIN_PASSWORD" 'admin user created' \
  docker_main exec -e ADMIN_PASSWORD=check-admin $P-server python manage.py init_admin
check_out "[§4 init_admin] ... once: a second run keeps the account as it is" 'admin user exists' \
  docker_main exec $P-server python manage.py init_admin
check_out "[§9 login] a wrong password is answered 401" '^401$' \
  curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin"}' "$URL/api/auth/login/"
check_out "[§9 login] admin logs in and gets a session cookie" '"user" : \{"id" : [0-9]+, "username" : "admin"' \
  curl -fsS "${CA[@]}" -c "$JAR" -H 'Content-Type: application/json' -d '{"username":"admin","password":"check-admin"}' "$URL/api/auth/login/"
check_out "GET /api/system/version/ via nginx, logged in, reports $V1" "\"version\":\"$V1\".*\"imageTag\":\"$V1\"" \
  curl -fsS "${CA[@]}" -b "$JAR" "$URL/api/system/version/"
check_out "GET / via nginx -> frontend shows $V1" "$V1" curl -fsS "${CA[@]}" "$URL/"
check_out "unknown API path answers 404 through nginx" '^404$' \
  curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" "$URL/api/does-not-exist/"
check_out "POST /api/scans/ stores a row through nginx and the server" '"target" : "check.example.com"' \
  curl -fsS "${CA[@]}" -b "$JAR" -X POST -H 'Content-Type: application/json' -d '{"target":"check.example.com"}' "$URL/api/scans/"

echo "# workers: registration, heartbeat and the agent updater (contract §6-7)"
KEY=(-H 'X-Worker-API-Key: check-key')
api() { docker_main exec $P-server curl -sS "$@"; }
db() { docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc "$1"; }
check_out "[§3 WORKER_API_KEY] a worker endpoint without the key is refused" '^403$' \
  api -o /dev/null -w '%{http_code}' http://localhost:8888/api/workers/config/
check_out "[§9 session routes] the worker list is a session route: 403 without a login" '^403$' \
  api -o /dev/null -w '%{http_code}' http://localhost:8888/api/workers/
check_out "[§6 task-container bootstrap] a local task finds the database at postgres" '"db" : \{"host" : "postgres"' \
  api "${KEY[@]}" 'http://localhost:8888/api/workers/config/?is_local=true'
check_out "[§6 task-container bootstrap] a remote task finds it at PUBLIC_HOST" '"host" : "public.example"' \
  api "${KEY[@]}" 'http://localhost:8888/api/workers/config/?is_local=false'
check_out "[§6 results] without SCAN_RESULTS_DIR and LOG_DIR, tasks are told paths inside their own container" '"results" : "/app/backend/results", "logs" : "/app/backend/logs"' \
  api "${KEY[@]}" 'http://localhost:8888/api/workers/config/?is_local=true'
# An agent in a container, without WORKER_ID, told it is remote: XingRin's agent registers it local.
run --name $P-agent -e SERVER_URL=http://server:8888 -e WORKER_NAME=check-remote -e IS_LOCAL=false \
  -e IMAGE_TAG=$V1 -e WORKER_API_KEY=check-key -e AGENT_RETRY_SECONDS=1 -v /proc:/host/proc:ro "$PREFIX/xingrin-agent:$V1"
wait_until 20 "agent registered" sh -c "docker -H $MAIN_DOCKER_HOST logs $P-agent 2>&1 | grep -q 'heartbeat.*sent'" || true
check_out "[§7 run mode] an agent in a container without WORKER_ID registers itself by name, as a LOCAL worker" '^check-remote\|t$' \
  db "SELECT name, is_local FROM worker_node WHERE name = 'check-remote'"
check_out "[§7 heartbeat] its heartbeat puts its load into Redis (worker:load:<id>, TTL 15 s)" '^(1[0-5]|[1-9])$' \
  docker_main exec $P-redis redis-cli TTL "worker:load:$(db "SELECT id FROM worker_node WHERE name = 'check-remote'")"
check_out "[§7 heartbeat] the server answers needUpdate and its version (camelCase)" '"needUpdate":false,"serverVersion":"'$V1'"' \
  docker_main logs $P-agent
check_out "[§7 heartbeat] an unknown worker id is answered 404" '^404$' \
  api -o /dev/null -w '%{http_code}' "${KEY[@]}" -X POST -d '{"version":"'$V1'"}' http://localhost:8888/api/workers/999/heartbeat/
docker_main rm -f $P-agent >/dev/null
run --name $P-agent -e SERVER_URL=http://server:8888 -e WORKER_NAME=check-remote -e IMAGE_TAG=$V2 \
  -e WORKER_API_KEY=check-key -e AGENT_RETRY_SECONDS=1 "$PREFIX/xingrin-agent:$V1"
wait_until 20 "local worker outdated" sh -c "docker -H $MAIN_DOCKER_HOST exec $P-postgres psql -U xingrin -d xingrin -tAc \"SELECT status FROM worker_node WHERE name = 'check-remote'\" | grep -qx outdated" || true
check_out "[§7 server side] a local worker whose agent reports another version is marked outdated" '^outdated$' \
  db "SELECT status FROM worker_node WHERE name = 'check-remote'"
docker_main rm -f $P-agent >/dev/null
remote=$(api "${KEY[@]}" -X POST -d '{"name":"check-ssh","is_local":false}' http://localhost:8888/api/workers/register/ | sed -n 's/.*"workerId" *: *\([0-9]*\).*/\1/p')
db "UPDATE worker_node SET ip_address = '127.0.0.1', password = 'pw', status = 'online' WHERE id = $remote" >/dev/null
docker_main exec $P-redis redis-cli SET "agent_update_lock:$remote" held >/dev/null
api "${KEY[@]}" -X POST -d '{"version":"'$V2'"}' "http://localhost:8888/api/workers/$remote/heartbeat/" >/dev/null
check_out "[§7 server-side updater] with its lock held, another version starts no update (the worker stays online)" '^online$' \
  db "SELECT status FROM worker_node WHERE id = $remote"
docker_main exec $P-redis redis-cli DEL "agent_update_lock:$remote" >/dev/null
check_out "[§7 server-side updater] without it, the remote worker goes to updating" '"needUpdate":true' \
  api "${KEY[@]}" -X POST -d '{"version":"'$V2'"}' "http://localhost:8888/api/workers/$remote/heartbeat/"
check_out "... its status is updating (XingRin dispatches nothing to it)" '^(updating|outdated)$' \
  db "SELECT status FROM worker_node WHERE id = $remote"
check_out "[§6 choosing a worker] GET /api/workers/ shows updating as XingRin does: by the load key (online)" '"name":"check-ssh"[^}]*"status":"online"' \
  curl -fsS "${CA[@]}" -b "$JAR" "$URL/api/workers/"
# A scan task as the dispatcher starts it on a local worker, its /opt/xingrin a directory here.
TASK_DIR=$(mktemp -d); mkdir -p "$TASK_DIR/results" "$TASK_DIR/logs"
scan=$(db "SELECT id FROM scan WHERE target = 'check.example.com'")
task() { docker_main run --rm --network "$NET" -e SERVER_URL=http://server:8888 -e IS_LOCAL=true "$@" \
  -v "$TASK_DIR:/opt/xingrin" "$PREFIX/xingrin-worker:$V1" sh -c "python -m apps.scan.scripts.run_initiate_scan --scan_id=$scan --target_name=check.example.com --scan_workspace_dir=/opt/xingrin/results/scan_check >> /opt/xingrin/logs/container_run_initiate_scan.log 2>&1"; }
task_outcome() { if task "$@" >/dev/null 2>&1; then echo completed; else echo failed; fi; }
scan_status_after_task() { task "$@" >/dev/null 2>&1; db "SELECT status FROM scan WHERE id = $scan"; }
check_out "[§6 task-container bootstrap] a task without WORKER_API_KEY is refused by the configuration center and fails" '^failed$' \
  task_outcome
check_out "[§6 task-container bootstrap] with the key it reads the database from it, connects and completes the scan" '^completed$' \
  scan_status_after_task -e WORKER_API_KEY=check-key
check_out "[§6 results] its results land in the workspace, on the mounted /opt/xingrin" '"target": "check\.example\.com"' \
  cat "$TASK_DIR/results/scan_check/result.json"
check_out "[§6 dispatch] its log is what the dispatcher's redirection keeps" 'scan .* completed' \
  cat "$TASK_DIR/logs/container_run_initiate_scan.log"
rm -rf "$TASK_DIR"

echo "# postgres keeps its cluster across a replacement; the server's migrations move it forward"
cluster=$(docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SELECT system_identifier FROM pg_control_system()')
t0=$SECONDS
docker_main rm -f $P-postgres >/dev/null
if [ $((SECONDS - t0)) -lt 5 ]; then ok "postgres stops promptly (fast shutdown)"; else bad "postgres took $((SECONDS - t0))s to stop"; fi
check_out "[§9 HTTP surface] /api/health/ answers ok with the database down (it checks neither DB nor Redis)" '^\{"status":"ok"\}$' \
  api -f http://localhost:8888/api/health/
# A new POSTGRES_PASSWORD on an existing cluster changes nothing: the role keeps its password.
run --name $P-postgres --network-alias postgres -e POSTGRES_USER=xingrin -e POSTGRES_PASSWORD=rotated \
  -v "$VOL:/var/lib/postgresql/data" "$PREFIX/xingrin-postgres:$V2"
wait_until 15 "postgres $V2" docker_main exec $P-postgres pg_isready -q -U xingrin || true
check_out "same cluster after replacement" "^$cluster\$" \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SELECT system_identifier FROM pg_control_system()'
check_out "the row stored before the replacement is read back through SQL" '^check\.example\.com$' \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc 'SELECT target FROM scan'
check_out "POSTGRES_PASSWORD on an existing cluster is ignored: the old password still logs in" '^1$' \
  docker_main exec -e PGPASSWORD=secret $P-server psql -h postgres -U xingrin -d xingrin -tAc 'SELECT 1'
check_out "... and the new one does not" 'password authentication failed' \
  docker_main exec -e PGPASSWORD=rotated $P-server psql -h postgres -U xingrin -d xingrin -tAc 'SELECT 1'
check_out "postgres without a password refuses to init an empty volume" 'superuser password is not specified' \
  docker_main run --rm "$PREFIX/xingrin-postgres:$V1"
check_out "image carries its version in /VERSION and env" "^$V2 $V2\$" \
  docker_main exec $P-postgres sh -c 'echo "$(cat /VERSION) $XINGRIN_STANDIN_VERSION"'
check_out "the $V2 server plans its migration before applying it" '^Planned operations: engine\.0002_scan_target_name$' \
  sh -c "docker -H $MAIN_DOCKER_HOST run --rm --network $NET ${DB_ENV[*]} $PREFIX/xingrin-server:$V2 python manage.py migrate --plan | paste -sd' '"
check_out "[§5 migrations] the $V2 server's showmigrations --plan marks what is applied [X] and what is pending [ ]" \
  '^\[X\]  engine\.0001_initial \[ \]  engine\.0002_scan_target_name$' \
  sh -c "docker -H $MAIN_DOCKER_HOST run --rm --network $NET ${DB_ENV[*]} $PREFIX/xingrin-server:$V2 python manage.py showmigrations --plan | paste -sd' '"
docker_main run --rm --network "$NET" --hostname check-with-url -e SERVER_URL=http://server:8888 "${DB_ENV[@]}" \
  "$PREFIX/xingrin-server:$V2" python manage.py migrate --plan >/dev/null 2>&1 || true
docker_main run --rm --network "$NET" --hostname check-without-url "${DB_ENV[@]}" \
  "$PREFIX/xingrin-server:$V2" python manage.py migrate --plan >/dev/null 2>&1 || true
check_out "[§5 scheduler] a manage.py run starts XingRin's scheduler without SERVER_URL, and none with it" '^check-without-url$' \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc \
    "SELECT string_agg(DISTINCT split_part(process, ' ', 1), ',') FROM standin_scheduler_tick WHERE process LIKE 'check-with%'"
check_out "[§5 scheduler] the server without SERVER_URL runs the scheduler's jobs" '^[1-9][0-9]*$' \
  docker_main exec $P-postgres psql -U xingrin -d xingrin -tAc \
    "SELECT count(*) FROM standin_scheduler_tick WHERE process = '$(docker_main inspect --format '{{.Config.Hostname}}' $P-server) server'"
docker_main rm -f $P-server >/dev/null
run --name $P-server --network-alias server -e IMAGE_TAG=$V2 "${DB_ENV[@]}" \
  --health-cmd 'curl -f http://localhost:8888/api/health/' --health-interval 1s --health-retries 30 "$PREFIX/xingrin-server:$V2"
wait_until 30 "server $V2 healthy" healthy $P-server || true
docker_main kill -s HUP $P-nginx >/dev/null   # the server's address changed: nginx's reload resolves it again
sleep 1
check_out "the $V2 server migrated the table and still reads the row" '"target" : "check\.example\.com"' \
  curl -fsS "${CA[@]}" -b "$JAR" "$URL/api/scans/"
check_out "[§5 migrations] the $V3 server has nothing to migrate over the $V2 schema" '^Planned operations:   No planned migration operations\.$' \
  sh -c "docker -H $MAIN_DOCKER_HOST run --rm --network $NET ${DB_ENV[*]} $PREFIX/xingrin-server:$V3 python manage.py migrate --plan | paste -sd' '"
check_out "the postgres image snapshots a database (pg_dump -Fc) and restores it (pg_restore) with its rows" '^check\.example\.com$' \
  docker_main run --rm --network "$NET" -e PGPASSWORD=secret "$PREFIX/xingrin-postgres:$V2" sh -c \
    'pg_dump -h postgres -U xingrin -d xingrin -Fc -f /tmp/s.dump && createdb -h postgres -U xingrin restored &&
     pg_restore -h postgres -U xingrin -d restored --exit-on-error /tmp/s.dump && psql -h postgres -U xingrin -d restored -tAc "SELECT target_name FROM scan"'
docker_main rm -f $P-server >/dev/null
run --name $P-server --network-alias server -e IMAGE_TAG=$V1 "${DB_ENV[@]}" \
  --health-cmd 'curl -f http://localhost:8888/api/health/' --health-interval 1s --health-retries 30 "$PREFIX/xingrin-server:$V1"
wait_until 30 "server $V1 healthy" healthy $P-server || true
docker_main kill -s HUP $P-nginx >/dev/null
sleep 1
check_out "a $V1 server cannot read the $V2 schema (a rollback across the migration)" '^500$' \
  curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" -b "$JAR" "$URL/api/scans/"

echo "# remote workers over SSH"
for n in $(seq 1 "$(jq '.workers | length' "$FLEET_JSON")"); do
  name=$(jq -r ".workers[$((n - 1))].name" "$FLEET_JSON")
  check_out "$name: ssh docker info talks to its own daemon" "^$(worker_dir "$n")/data\$" \
    ssh_worker "$n" 'docker info --format "{{.DockerRootDir}}"'
  check "$name: docker pull $PREFIX/xingrin-worker:$V1" ssh_worker "$n" "docker pull -q $PREFIX/xingrin-worker:$V1"
  # What XingRin's dispatcher does: from a container on the main server, a password login (the
  # record's) at the worker's address, whose docker is that host's own.
  check_out "[§6 dispatch] $name: a container on the main server logs in with the worker's password and reaches its daemon" "^$(worker_dir "$n")/data\$" \
    docker_main run --rm -e SSHPASS="$(jq -r ".workers[$((n - 1))].xingrinPassword" "$FLEET_JSON")" "$PREFIX/xingrin-server:$V1" \
      sshpass -e ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PreferredAuthentications=password \
      -o PubkeyAuthentication=no -o ConnectTimeout=10 -p "$(jq -r ".workers[$((n - 1))].port" "$FLEET_JSON")" \
      "root@$(jq -r ".workers[$((n - 1))].address" "$FLEET_JSON")" 'docker info --format "{{.DockerRootDir}}"'
  check_out "[§6 dispatch] $name: a wrong password is refused" 'Permission denied' \
    docker_main run --rm -e SSHPASS=wrong "$PREFIX/xingrin-server:$V1" \
      sshpass -e ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PreferredAuthentications=password \
      -o PubkeyAuthentication=no -o ConnectTimeout=10 -p "$(jq -r ".workers[$((n - 1))].port" "$FLEET_JSON")" \
      "root@$(jq -r ".workers[$((n - 1))].address" "$FLEET_JSON")" true
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
