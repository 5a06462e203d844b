# Sourced by the server stand-in's API: XingRin v1.5.8's worker endpoints, as
# ../shared/xingrin-contract.md §6-7 reads them from its source (row names in brackets):
#   [§6 self-registration] POST /api/workers/register/ {"name","is_local"}: get_or_create by name;
#       a new worker gets the server container's own IP, the body's is_local and status offline;
#       an existing one is returned unchanged. 200 {"workerId","name","created"}.
#   [§6 task-container bootstrap] GET /api/workers/config/?is_local=: where a task finds the database.
#   [§7 heartbeat] POST /api/workers/<id>/heartbeat/: load into Redis (TTL 15 s); an unknown id is
#       404; a version other than the server's IMAGE_TAG starts the SSH updater for a remote worker
#       (Redis lock agent_update_lock:<id>, NX EX 60; status updating) and marks a local one
#       outdated; a matching version makes updating/outdated online again.
#   [§3 WORKER_API_KEY] every one of them needs X-Worker-API-Key; with no key set, all are refused.

redis() { redis-cli -h "${REDIS_HOST:-localhost}" -p 6379 -n "${REDIS_DB:-0}" "$@"; }

# worker_key_refused: true (and the 403 sent) unless the request carries the server's worker key.
worker_key_refused() {
  if [ -n "${WORKER_API_KEY:-}" ] && [ "${HTTP_X_WORKER_API_KEY:-}" = "$WORKER_API_KEY" ]; then
    return 1
  fi
  reply "403 Forbidden" '{"error":{"code":"PERMISSION_DENIED","message":"invalid or missing X-Worker-API-Key"}}'
  return 0
}

# body_field BODY FIELD: a top-level field of a JSON body as text ("" when absent).
body_field() { sql -v body="$1" -v field="$2" <<'SQL'
SELECT coalesce((:'body'::json)->>:'field', '');
SQL
}

worker_register() {
  local body=$1 name is_local
  name=$(body_field "$body" name) || { reply "400 Bad Request" '{"error":{"code":"BAD_REQUEST","message":"body is not JSON"}}'; return; }
  is_local=$(body_field "$body" is_local)
  [ -n "$name" ] || { reply "400 Bad Request" '{"error":{"code":"BAD_REQUEST","message":"name is required"}}'; return; }
  case "$is_local" in true|True|1) is_local=true ;; *) is_local=false ;; esac
  # gethostbyname(gethostname()): the server container's own address.
  sql -v name="$name" -v ip="$(hostname -i | cut -d' ' -f1)" -v local="$is_local" <<'SQL'
WITH created AS (
  INSERT INTO worker_node (name, ip_address, ssh_port, username, password, is_local, status, created_at, updated_at)
  VALUES (:'name', :'ip', 22, 'root', '', :'local', 'offline', now(), now())
  ON CONFLICT (name) DO NOTHING RETURNING id)
SELECT json_build_object('workerId', id, 'name', :'name', 'created', true) FROM created
UNION ALL
SELECT json_build_object('workerId', id, 'name', name, 'created', false) FROM worker_node
WHERE name = :'name' AND NOT EXISTS (SELECT 1 FROM created);
SQL
}

worker_config() {
  local query=$1 is_local=false db_host
  case "$query" in *is_local=true*|*is_local=True*) is_local=true ;; esac
  case "${DB_HOST:-localhost}" in
    postgres|localhost|127.0.0.1) if [ "$is_local" = true ]; then db_host=postgres; else db_host=${PUBLIC_HOST:-localhost}; fi ;;
    *) db_host=$DB_HOST ;;
  esac
  sql -v host="$db_host" -v port="${DB_PORT:-5432}" -v name="${DB_NAME:-xingrin}" -v user="${DB_USER:-postgres}" \
      -v password="${DB_PASSWORD:-}" -v results="${SCAN_RESULTS_DIR:-/app/backend/results}" \
      -v logs="${LOG_DIR:-/app/backend/logs}" -v level="${LOG_LEVEL:-INFO}" <<'SQL'
SELECT json_build_object(
  'db', json_build_object('host', :'host', 'port', :'port', 'name', :'name', 'user', :'user', 'password', :'password'),
  'paths', json_build_object('results', :'results', 'logs', :'logs'),
  'logging', json_build_object('level', :'level', 'enableCommandLogging', true),
  'debug', false);
SQL
}

# worker_heartbeat ID BODY: prints the reply body, or nothing for an unknown id.
worker_heartbeat() {
  local id=$1 body=$2 row is_local status version cpu mem need=false server_version=${IMAGE_TAG:-}
  row=$(sql -F ' ' -v id="$id" <<'SQL'
SELECT is_local, status FROM worker_node WHERE id = :'id'::bigint;
SQL
  ) || return 1
  [ -n "$row" ] || return 0
  is_local=${row%% *}; status=${row#* }
  version=$(body_field "$body" version); cpu=$(body_field "$body" cpu_percent); mem=$(body_field "$body" memory_percent)
  redis HSET "worker:load:$id" cpu "${cpu:-0}" mem "${mem:-0}" updated "$(date +%s)" >/dev/null
  redis EXPIRE "worker:load:$id" 15 >/dev/null
  case "$status" in online|offline) ;; *) status=online ;; esac
  if [ -n "$version" ] && [ "$version" != unknown ] && [ "$version" != "$server_version" ]; then
    need=true
    if [ "$is_local" = t ]; then
      status=outdated
    elif [ "$(redis SET "agent_update_lock:$id" "$$" NX EX 60)" = OK ]; then
      status=updating
      # In the background, as XingRin's thread: the reply does not wait for the SSH session.
      agent_update "$id" </dev/null >/proc/1/fd/1 2>&1 &
    fi
  elif [ "$status" = updating ] || [ "$status" = outdated ]; then
    status=online
  fi
  sql -v id="$id" -v status="$status" <<'SQL' >/dev/null
UPDATE worker_node SET status = :'status', updated_at = now() WHERE id = :'id'::bigint AND status <> :'status';
SQL
  printf '{"status":"ok","needUpdate":%s,"serverVersion":%s}' "$need" "$(json_str "$server_version")"
}

# agent_update ID: XingRin's server-side agent updater (contract §7): over SSH with the worker
# record's password, it replaces the agent with one that has no WORKER_API_KEY and none of the
# deployment's labels. A failure marks the worker outdated.
agent_update() {
  local id=$1 row ip port user password image
  row=$(sql -F ' ' -v id="$id" <<'SQL'
SELECT host(ip_address), ssh_port, username, password FROM worker_node WHERE id = :'id'::bigint;
SQL
  )
  read -r ip port user password <<EOF
$row
EOF
  image=${DOCKER_USER:-yyhuni}/xingrin-agent:${IMAGE_TAG:-}
  log "agent updater: worker $id ($user@$ip:$port) -> $image"
  if [ -n "$password" ] && SSHPASS=$password timeout 150 sshpass -e ssh -o StrictHostKeyChecking=no \
      -o UserKnownHostsFile=/dev/null -o ConnectTimeout=30 -o PreferredAuthentications=password -p "$port" "$user@$ip" \
      "docker pull $image && docker rm -f xingrin-agent; docker run -d --pull=always --name xingrin-agent --restart always" \
      "-e HEARTBEAT_API_URL=https://${PUBLIC_HOST:-localhost}:${PUBLIC_PORT:-8083} -e WORKER_ID=$id -e IMAGE_TAG=${IMAGE_TAG:-}" \
      "-v /proc:/host/proc:ro $image"; then
    log "agent updater: worker $id updated"
  else
    log "agent updater: worker $id failed: marked outdated"
    echo "UPDATE worker_node SET status = 'outdated', updated_at = now() WHERE id = $id" | sql >/dev/null
  fi
}

# worker_list: GET /api/workers/ (worker_serializer.py): every status but pending and deploying is
# shown as the Redis load key says, so updating and outdated do not show.
worker_list() {
  local id name is_local status ip rows=""
  echo "SELECT id, name, is_local, status, host(ip_address) FROM worker_node ORDER BY id" | sql -F '|' >/tmp/workers.list
  while IFS='|' read -r id name is_local status ip; do
    case "$status" in
      pending|deploying) ;;
      *) if [ "$(redis EXISTS "worker:load:$id")" = 1 ]; then status=online; else status=offline; fi ;;
    esac
    rows="$rows${rows:+,}{\"id\":$id,\"name\":$(json_str "$name"),\"ipAddress\":$(json_str "$ip"),\"isLocal\":$([ "$is_local" = t ] && echo true || echo false),\"status\":\"$status\"}"
  done </tmp/workers.list
  printf '{"results":[%s]}' "$rows"
}
