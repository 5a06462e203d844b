# Sourced by every stand-in's scripts (installed as /usr/local/lib/standin.sh).
# /VERSION is written at image build time: it is the version the image really contains,
# whatever IMAGE_TAG the deployment passes in.
STANDIN_VERSION=$(cat /VERSION 2>/dev/null || echo unknown)
STANDIN_SERVICE=$(cat /SERVICE 2>/dev/null || echo standin)

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) xingrin-$STANDIN_SERVICE $STANDIN_VERSION: $*"; }

# json_str VALUE: VALUE as a JSON string literal (escapes \ and ", drops control characters).
json_str() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# serve CMD...: run CMD as the service's main process. A shell running as PID 1 ignores SIGTERM
# unless it traps it, which would make every `docker stop` (and so every container replacement
# during a deployment) wait the full 10 s timeout; forward TERM/INT and exit promptly instead.
# Other traps the caller set (nginx's HUP) interrupt `wait`; it is resumed while the child runs.
serve() {
  "$@" &
  _child=$!
  trap 'log "stopping (signal)"; kill -TERM "$_child" 2>/dev/null; wait "$_child" 2>/dev/null; exit 0' TERM INT
  while :; do
    wait "$_child"
    _rc=$?
    kill -0 "$_child" 2>/dev/null || break
  done
  log "main process exited with status $_rc"
  exit "$_rc"
}

# supervise STOP_SIGNAL CMD...: run CMD as the service's main process, stopping it with
# STOP_SIGNAL when the container is stopped (SIGTERM), as an image's STOPSIGNAL would: Docker 20.10
# cannot set STOPSIGNAL on an image built with `docker commit`. SIGHUP is passed on (a reload).
supervise() {
  _stop=$1; shift
  "$@" &
  _child=$!
  trap 'kill -"$_stop" "$_child" 2>/dev/null' TERM INT
  trap 'kill -HUP "$_child" 2>/dev/null' HUP
  while :; do
    wait "$_child"
    _rc=$?
    kill -0 "$_child" 2>/dev/null || break
  done
  exit "$_rc"
}

# sleep_forever: an idle main process that still reacts to signals.
sleep_forever() { while :; do sleep 3600; done; }
