#!/bin/sh
# The server stand-in's API. Routes (all JSON):
#   GET  /api/health/                    {"status":"ok"} while the database accepts connections, else 503
#                                        (XingRin's Django answers only with its database up)
#   GET  /api/system/version/            {"version":<image's /VERSION>,"imageTag":<env IMAGE_TAG>,...}
#   POST /api/workers/<id>/heartbeat/    stores the agent's heartbeat body, {"status":"ok"}
#   GET  /api/workers/                   [heartbeat bodies received, with worker ids]
. /usr/local/lib/standin.sh
path=${REQUEST_URI%%\?*}

reply() {  # reply "STATUS TEXT" BODY
  printf 'Status: %s\r\nContent-Type: application/json\r\n\r\n%s\n' "$1" "$2"
}

case "$REQUEST_METHOD $path" in
  "GET /api/health/")
    if nc -w 1 "${DB_HOST:-postgres}" "${DB_PORT:-5432}" </dev/null >/dev/null 2>&1; then
      reply "200 OK" '{"status":"ok"}'
    else
      reply "503 Service Unavailable" '{"status":"error","database":"unreachable"}'
    fi ;;
  "GET /api/system/version/")
    # XingRin reports IMAGE_TAG; "version" here is what the image really is, so a deployment
    # that sets the wrong IMAGE_TAG is visible. The worker image follows XingRin's rule.
    executor=${TASK_EXECUTOR_IMAGE:-${DOCKER_USER:-yyhuni}/xingrin-worker:${IMAGE_TAG:-}}
    reply "200 OK" "{\"version\":$(json_str "$STANDIN_VERSION"),\"imageTag\":$(json_str "${IMAGE_TAG:-}"),\"service\":\"xingrin-server\",\"taskExecutorImage\":$(json_str "$executor")}" ;;
  "POST /api/workers/"*"/heartbeat/")
    id=${path#/api/workers/}; id=${id%/heartbeat/}
    case "$id" in *[!A-Za-z0-9_-]*|"") reply "400 Bad Request" '{"detail":"bad worker id"}'; exit 0 ;; esac
    body=$(head -c "${CONTENT_LENGTH:-0}")
    printf '%s\n' "$body" >"/tmp/xingrin/heartbeats/$id.json"
    reply "200 OK" '{"status":"ok"}' ;;
  "GET /api/workers/")
    list=
    for f in /tmp/xingrin/heartbeats/*.json; do
      [ -f "$f" ] || continue
      id=$(basename "$f" .json)
      list="$list${list:+,}{\"id\":$(json_str "$id"),\"heartbeat\":$(cat "$f")}"
    done
    reply "200 OK" "[$list]" ;;
  *)
    reply "404 Not Found" '{"detail":"Not found."}' ;;
esac
