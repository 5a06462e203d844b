# Sourced by the server stand-in's API: starting a scan as XingRin v1.5.8 does it (contract §6):
#   [§6 choosing a worker] candidates are records with status online or offline AND a live Redis
#       load key worker:load:<id>; those above 85 % CPU or memory are skipped; the lowest
#       0.7·cpu + 0.3·mem wins. (XingRin then waits 60 s, up to 10 times, for a free one; the
#       stand-in fails the scan at once when there is no candidate, and takes the least loaded when
#       all are busy.)
#   [§6 results] the workspace is {SCAN_RESULTS_DIR}/scan_{YYYYmmdd_HHMMSS}_{8 hex}.
#   [§6 dispatch] `docker run --rm -d --pull=missing [--network xingrin_network] --oom-score-adj=1000`
#       with SERVER_URL, IS_LOCAL, WORKER_API_KEY and Prefect's variables, `-v /opt/xingrin:/opt/xingrin`,
#       TASK_EXECUTOR_IMAGE and `sh -c "python -m <module> --k=v… >> /opt/xingrin/logs/container_<module>.log 2>&1"`;
#       no name, no labels. A local worker gets the network and http://server:{SERVER_PORT}, through
#       the mounted docker.sock (the Engine API here: the stand-in has no docker CLI); a remote one
#       gets https://{PUBLIC_HOST}:{PUBLIC_PORT}, over SSH with the record's user and password.

SCAN_MODULE=apps.scan.scripts.run_initiate_scan

# shquote WORD: WORD as one shell word (shlex.quote).
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# choose_worker: "id is_local ip port user" of the worker XingRin would pick, or nothing.
choose_worker() {
  local id is_local ip port user load cpu mem best="" best_score=""
  echo "SELECT id, is_local, host(ip_address), ssh_port, username FROM worker_node WHERE status IN ('online', 'offline') ORDER BY id" |
    sql -F ' ' >/tmp/candidates || return 1
  while read -r id is_local ip port user; do
    load=$(redis HMGET "worker:load:$id" cpu mem | tr '\n' ' ')
    cpu=${load%% *}; mem=$(echo "$load" | cut -d' ' -f2)
    [ -n "$cpu" ] && [ -n "$mem" ] || continue   # no live load key: not a candidate
    score=$(awk -v c="$cpu" -v m="$mem" 'BEGIN { busy = (c > 85 || m > 85) ? 1000 : 0; printf "%.3f", busy + 0.7 * c + 0.3 * m }')
    if [ -z "$best_score" ] || awk -v a="$score" -v b="$best_score" 'BEGIN { exit !(a < b) }'; then
      best="$id $is_local $ip $port $user"; best_score=$score
    fi
  done </tmp/candidates
  echo "$best"
}

# task_command SCAN_ID TARGET TARGET_ID WORKSPACE: the container's `sh -c` text.
task_command() {
  local log=/opt/xingrin/logs/container_${SCAN_MODULE##*.}.log
  printf 'tail -n 10000 %s > %s.tmp 2>/dev/null; mv %s.tmp %s 2>/dev/null; python -m %s --scan_id=%s --target_name=%s --target_id=%s --scan_workspace_dir=%s --engine_name=%s >> %s 2>&1' \
    "$log" "$log" "$log" "$log" "$SCAN_MODULE" "$1" "$(shquote "$2")" "$3" "$(shquote "$4")" "$(shquote "full scan")" "$log"
}

executor_image() { echo "${TASK_EXECUTOR_IMAGE:-${DOCKER_USER:-yyhuni}/xingrin-worker:${IMAGE_TAG:-}}"; }

# engine API METHOD PATH [JSON]: a call on the mounted docker.sock; the answer's body on stdout.
engine() {
  curl -sS --fail-with-body --unix-socket /var/run/docker.sock -X "$1" -H "Content-Type: application/json" \
    ${3:+--data "$3"} "http://docker/v1.41$2"
}

# run_local SCAN_ID TARGET TARGET_ID WORKSPACE: the task on the main server's Docker. Prints the container id.
run_local() {
  local image spec id
  image=$(executor_image)
  if ! engine GET "/images/$image/json" >/dev/null 2>&1; then   # --pull=missing
    log "dispatch: $image is missing here: pulling it"
    engine POST "/images/create?fromImage=${image%:*}&tag=${image##*:}" >/dev/null || return 1
  fi
  spec=$(jq -n --arg image "$image" --arg cmd "$(task_command "$@")" --arg url "http://server:${SERVER_PORT:-8888}" \
    --arg key "${WORKER_API_KEY:-}" '{Image: $image, Cmd: ["sh", "-c", $cmd],
      Env: ["SERVER_URL=\($url)", "IS_LOCAL=true", "WORKER_API_KEY=\($key)", "PREFECT_HOME=/tmp/.prefect",
            "PREFECT_SERVER_EPHEMERAL_ENABLED=true", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=120",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL=sqlite+aiosqlite:////tmp/.prefect/prefect.db", "PREFECT_LOGGING_LEVEL=WARNING"],
      HostConfig: {AutoRemove: true, NetworkMode: "xingrin_network", OomScoreAdj: 1000, Binds: ["/opt/xingrin:/opt/xingrin"]}}')
  id=$(engine POST /containers/create "$spec" | jq -r .Id) || return 1
  engine POST "/containers/$id/start" >/dev/null || return 1
  echo "$id"
}

# run_remote IP PORT USER PASSWORD SCAN_ID TARGET TARGET_ID WORKSPACE: the task over SSH, as paramiko
# runs it (no host key check, password auth, 10 s timeout). Prints the container id.
run_remote() {
  local ip=$1 port=$2 user=$3 password=$4 url cmd; shift 4
  url="https://${PUBLIC_HOST:-localhost}:${PUBLIC_PORT:-8083}"
  cmd="docker run --rm -d --pull=missing --oom-score-adj=1000 -e SERVER_URL=$(shquote "$url") -e IS_LOCAL=false"
  cmd="$cmd -e WORKER_API_KEY=$(shquote "${WORKER_API_KEY:-}") -e PREFECT_HOME=/tmp/.prefect -e PREFECT_SERVER_EPHEMERAL_ENABLED=true"
  cmd="$cmd -e PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=120"
  cmd="$cmd -e PREFECT_SERVER_DATABASE_CONNECTION_URL=sqlite+aiosqlite:////tmp/.prefect/prefect.db -e PREFECT_LOGGING_LEVEL=WARNING"
  cmd="$cmd -v /opt/xingrin:/opt/xingrin $(shquote "$(executor_image)") sh -c \"$(task_command "$@")\""
  SSHPASS=$password sshpass -e ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 \
    -o PreferredAuthentications=password -o PubkeyAuthentication=no -p "$port" "$user@$ip" "$cmd"
}

# dispatch_scan SCAN_ID TARGET: choose a worker, record it, start the task; a failure marks the scan failed.
dispatch_scan() {
  local scan=$1 target=$2 chosen id is_local ip port user password workspace container
  workspace="${SCAN_RESULTS_DIR:-/app/backend/results}/scan_$(date +%Y%m%d_%H%M%S)_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  chosen=$(choose_worker)
  if [ -z "$chosen" ]; then
    log "dispatch: scan $scan: no worker is available (none online or offline with a live load key)"
    echo "UPDATE scan SET status = 'failed' WHERE id = $scan" | sql >/dev/null
    return 1
  fi
  read -r id is_local ip port user <<EOF
$chosen
EOF
  sql -v id="$id" -v scan="$scan" -v ws="$workspace" <<'SQL' >/dev/null
UPDATE scan SET worker_id = :'id'::bigint, results_dir = :'ws', status = 'running' WHERE id = :'scan'::int;
SQL
  if [ "$is_local" = t ]; then
    container=$(run_local "$scan" "$target" "$scan" "$workspace" 2>&1)
  else
    password=$(echo "SELECT password FROM worker_node WHERE id = $id" | sql)
    container=$(run_remote "$ip" "$port" "$user" "$password" "$scan" "$target" "$scan" "$workspace" 2>&1)
  fi || {
    log "dispatch: scan $scan on worker $id failed: $container"
    echo "UPDATE scan SET status = 'failed' WHERE id = $scan" | sql >/dev/null
    return 1
  }
  log "dispatch: scan $scan on worker $id (local=$is_local, $ip): container $(printf '%s' "$container" | tail -n1)"
}

# quick_scan BODY: POST /api/scans/quick/ {"targets":[{"name"}],"engineId"}: one scan per target,
# answered at once (201) and dispatched in the background, as XingRin's thread does.
quick_scan() {
  local body=$1 column target scans="" row
  column=$(scan_target_column)
  for target in $(printf '%s' "$body" | jq -r '.targets[]?.name | select(type == "string" and test("^[A-Za-z0-9.:/-]+$"))'); do
    row=$(sql -F ' ' -v col="$column" -v target="$target" <<'SQL'
INSERT INTO scan (:"col", status) VALUES (:'target', 'initiated')
RETURNING id, json_build_object('id', id, 'targetName', :"col", 'status', status);
SQL
    ) || return 1
    scans="$scans${scans:+,}${row#* }"
    dispatch_scan "${row%% *}" "$target" </dev/null >/proc/1/fd/1 2>&1 &
  done
  [ -n "$scans" ] || return 1
  printf '{"message":"quick scan started","scans":[%s]}' "$scans"
}
