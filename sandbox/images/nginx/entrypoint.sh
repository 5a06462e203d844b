#!/bin/sh
# xingrin-nginx stand-in: the only public entry, port 8083. Plain HTTP (real XingRin serves TLS
# there with certs mounted at /etc/nginx/ssl; the stand-in only logs whether they are present).
# Debian's busybox httpd has no reverse-proxy directive compiled in, so every request (all paths
# that end in "/") goes to /www/cgi-bin/index.cgi, which forwards it with wget:
#   /api/ and /ws/ -> server:8888     everything else -> frontend:3000
# Like XingRin's nginx.conf (`upstream backend { server server:8888; }`), the names are resolved
# when nginx starts, and again on SIGHUP (nginx's reload), into a list of peers: every address
# Docker's DNS gives for the name at that moment. Requests go to those addresses until the next
# start or reload, whatever DNS says meanwhile.
. /usr/local/lib/standin.sh
if [ -d /etc/nginx/ssl ]; then log "TLS dir /etc/nginx/ssl present: $(ls /etc/nginx/ssl 2>/dev/null | tr '\n' ' ')"; fi

# resolve NAME: every IPv4 address DNS gives for NAME, one per line.
resolve() {
  nslookup "$1" 2>/dev/null | awk '/^Name:/ { named = 1 } named && /^Address/ { print $NF }' | grep -E '^[0-9.]+$'
}
# resolve_upstreams: the peer lists the CGI reads; each file is replaced whole (mv), so a request
# sees the old list or the new one. Fails, keeping the old lists, if a name does not resolve.
resolve_upstreams() {
  mkdir -p /tmp/upstreams
  for name in server frontend; do
    if ! resolve "$name" >"/tmp/upstreams/$name.new" || [ ! -s "/tmp/upstreams/$name.new" ]; then
      log "[emerg] host not found in upstream \"$name\""
      return 1
    fi
  done
  for name in server frontend; do mv "/tmp/upstreams/$name.new" "/tmp/upstreams/$name"; done
  log "upstreams server: $(tr '\n' ' ' </tmp/upstreams/server)frontend: $(tr '\n' ' ' </tmp/upstreams/frontend)"
}
resolve_upstreams || exit 1
trap 'log "reloading (SIGHUP)"; resolve_upstreams || log "reload failed: keeping the old upstreams"' HUP
log "listening on :8083"
serve httpd -f -p 8083 -h /www
