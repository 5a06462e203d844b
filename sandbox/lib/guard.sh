# shellcheck shell=bash
# Step: refuse to run next to a XingRin the sandbox did not create. The sandbox never touches
# such an installation (its daemons, data and ports are its own), but an operator who runs it on
# a production host by mistake should hear so before anything starts, and two XingRins on one
# host would fight over ports 8083 and 5432.
#
# Looked at (each overridable, so the sandbox's own spec can stage an installation elsewhere):
#   XINGRIN_SANDBOX_GUARD_DOCKER   Docker endpoints to inspect (space-separated),
#                                  default unix:///var/run/docker.sock (the machine's Docker)
#   XINGRIN_SANDBOX_GUARD_DATA     XingRin data directories, default /opt/xingrin

GUARD_DOCKER=${XINGRIN_SANDBOX_GUARD_DOCKER:-unix:///var/run/docker.sock}
GUARD_DATA=${XINGRIN_SANDBOX_GUARD_DATA:-/opt/xingrin}

# xingrin_on_docker HOST: prints what a XingRin installation left on that daemon, if anything.
xingrin_on_docker() {
  local host=$1
  docker -H "$host" version >/dev/null 2>&1 || return 0
  docker -H "$host" ps -a --format '{{.Names}}' | grep -E '^xingrin[-_]' | sort | sed 's/^/container /' || true
  docker -H "$host" network ls --format '{{.Name}}' | grep -x 'xingrin_network' | sed 's/^/network /' || true
  docker -H "$host" volume ls --format '{{.Name}}' | grep -E 'xingrin|(^|_)postgres_data$' | sort | sed 's/^/volume /' || true
}

refuse_next_to_xingrin() {
  local host dir found report=""
  for host in $GUARD_DOCKER; do
    [ "$host" = "$MAIN_DOCKER_HOST" ] && continue
    found=$(xingrin_on_docker "$host")
    [ -z "$found" ] || report+="  on the Docker daemon at $host: $(echo "$found" | paste -sd, - | sed 's/,/, /g')"$'\n'
  done
  for dir in $GUARD_DATA; do
    if [ -d "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
      report+="  data in $dir ($(ls -A "$dir" | head -n 5 | paste -sd' ' -))"$'\n'
    fi
  done
  [ -z "$report" ] && { log "no XingRin installation found next to the sandbox"; return 0; }
  printf '%s [sandbox] REFUSED: this machine runs or holds a XingRin that the sandbox did not create:\n%s' \
    "$(date +%H:%M:%S)" "$report" >&2
  cat >&2 <<'TXT'
The sandbox would not touch it (its daemons, data and ports are its own), but it does not run on a
host that serves a real XingRin: rehearse on another machine. If what is listed is left over from
an old sandbox or a test, remove it yourself (docker rm / docker volume rm / rm -r) and run again.
TXT
  exit 3
}
