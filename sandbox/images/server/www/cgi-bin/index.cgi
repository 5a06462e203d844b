#!/bin/sh
# The server stand-in's API. Routes (all JSON):
#   GET  /api/health/                    {"status":"ok"}: checks neither the database nor Redis
#                                        (contract §9, health_views.py)
#   POST /api/auth/login/                a session cookie for admin (lib/server-auth.sh)
#   POST /api/workers/register/, GET /api/workers/config/, POST /api/workers/<id>/heartbeat/
#                                        XingRin's worker endpoints (lib/server-workers.sh)
# Session routes (403 without a login, as in XingRin, contract §9):
#   GET  /api/system/version/            {"version":<image's /VERSION>,"imageTag":<env IMAGE_TAG>,...}
#   GET  /api/workers/                   the worker list, each status as XingRin shows it (by the
#                                        Redis load key, except pending and deploying)
#   POST /api/scans/quick/               XingRin's quick scan: one scan per target, dispatched to a
#                                        worker (lib/server-scans.sh)
#   GET  /api/scans/                     [{"id","target"}] read from the database (500 when this
#                                        version cannot read the schema, as after a rollback across
#                                        a migration)
#   POST /api/scans/ {"target":..}       stores a scan without dispatching it, 201 {"id","target"}
. /usr/local/lib/standin.sh
. /usr/local/lib/server-db.sh
. /usr/local/lib/server-workers.sh
. /usr/local/lib/server-auth.sh
. /usr/local/lib/server-scans.sh
path=${REQUEST_URI%%\?*}
query=${REQUEST_URI#"$path"}

reply() {  # reply "STATUS TEXT" BODY
  printf 'Status: %s\r\nContent-Type: application/json\r\n\r\n%s\n' "$1" "$2"
}

# The session routes. An unknown path is 404 with or without a login (Django resolves the URL first).
case "$REQUEST_METHOD $path" in
  "GET /api/system/version/"|"GET /api/workers/"|"POST /api/scans/quick/"|"GET /api/scans/"|"POST /api/scans/")
    session_refused && exit 0 ;;
esac

case "$REQUEST_METHOD $path" in
  "GET /api/health/")
    reply "200 OK" '{"status":"ok"}' ;;
  "POST /api/auth/login/")
    login "$(head -c "${CONTENT_LENGTH:-0}")" ;;
  "GET /api/system/version/")
    # XingRin reports IMAGE_TAG; "version" here is what the image really is, so a deployment
    # that sets the wrong IMAGE_TAG is visible. The worker image follows XingRin's rule.
    executor=${TASK_EXECUTOR_IMAGE:-${DOCKER_USER:-yyhuni}/xingrin-worker:${IMAGE_TAG:-}}
    reply "200 OK" "{\"version\":$(json_str "$STANDIN_VERSION"),\"imageTag\":$(json_str "${IMAGE_TAG:-}"),\"service\":\"xingrin-server\",\"taskExecutorImage\":$(json_str "$executor")}" ;;
  "POST /api/workers/register/")
    worker_key_refused && exit 0
    body=$(head -c "${CONTENT_LENGTH:-0}")
    if answer=$(worker_register "$body" 2>/tmp/workers.err); then reply "200 OK" "$answer"
    else reply "400 Bad Request" "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":$(json_str "$(cat /tmp/workers.err)")}}"; fi ;;
  "GET /api/workers/config/")
    worker_key_refused && exit 0
    reply "200 OK" "$(worker_config "$query")" ;;
  "POST /api/workers/"*"/heartbeat/")
    worker_key_refused && exit 0
    id=${path#/api/workers/}; id=${id%/heartbeat/}
    case "$id" in *[!0-9]*|"") reply "404 Not Found" '{"error":{"code":"NOT_FOUND","message":"worker not found"}}'; exit 0 ;; esac
    body=$(head -c "${CONTENT_LENGTH:-0}")
    answer=$(worker_heartbeat "$id" "$body" 2>/tmp/workers.err) ||
      { reply "500 Internal Server Error" "{\"error\":{\"code\":\"SERVER_ERROR\",\"message\":$(json_str "$(cat /tmp/workers.err)")}}"; exit 0; }
    if [ -n "$answer" ]; then reply "200 OK" "$answer"
    else reply "404 Not Found" '{"error":{"code":"NOT_FOUND","message":"worker not found"}}'; fi ;;
  "GET /api/workers/")
    reply "200 OK" "$(worker_list)" ;;
  "POST /api/scans/quick/")
    if answer=$(quick_scan "$(head -c "${CONTENT_LENGTH:-0}")" 2>/tmp/scans.err); then reply "201 Created" "$answer"
    else reply "400 Bad Request" "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":$(json_str "no valid target $(cat /tmp/scans.err)")}}"; fi ;;
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
