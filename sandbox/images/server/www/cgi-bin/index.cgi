#!/bin/sh
# The server stand-in's API. Routes (all JSON):
#   GET  /api/health/                    {"status":"ok"} while the database accepts connections, else 503
#                                        (XingRin's Django answers only with its database up)
#   GET  /api/system/version/            {"version":<image's /VERSION>,"imageTag":<env IMAGE_TAG>,...}
#   POST /api/workers/<id>/heartbeat/    stores the agent's heartbeat body, {"status":"ok"}
#   GET  /api/workers/                   [heartbeat bodies received, with worker ids]
#   GET  /api/scans/                     [{"id","target"}] read from the database (500 when this
#                                        version cannot read the schema, as after a rollback across
#                                        a migration)
#   POST /api/scans/ {"target":..}       stores a scan, 201 {"id","target"}
. /usr/local/lib/standin.sh
. /usr/local/lib/server-db.sh
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
  "GET /api/scans/")
    column=$(scan_target_column)
    if rows=$(sql -v col="$column" 2>/tmp/scans.err <<'SQL'
SELECT coalesce(json_agg(json_build_object('id', id, 'target', :"col") ORDER BY id), '[]') FROM scan;
SQL
    ); then
      reply "200 OK" "$rows"
    else
      reply "500 Internal Server Error" "{\"error\":{\"code\":\"SERVER_ERROR\",\"message\":$(json_str "$(cat /tmp/scans.err)")}}"
    fi ;;
  "POST /api/scans/")
    column=$(scan_target_column)
    body=$(head -c "${CONTENT_LENGTH:-0}")
    if row=$(sql -v col="$column" -v body="$body" 2>/tmp/scans.err <<'SQL'
INSERT INTO scan (:"col") SELECT (:'body'::json)->>'target'
RETURNING json_build_object('id', id, 'target', :"col");
SQL
    ); then
      reply "201 Created" "$row"
    else
      reply "400 Bad Request" "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":$(json_str "$(cat /tmp/scans.err)")}}"
    fi ;;
  *)
    reply "404 Not Found" '{"detail":"Not found."}' ;;
esac
