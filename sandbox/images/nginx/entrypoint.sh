#!/bin/sh
# xingrin-nginx stand-in: the only public entry, port 8083. Plain HTTP (real XingRin serves TLS
# there with certs mounted at /etc/nginx/ssl; the stand-in only logs whether they are present).
# Debian's busybox httpd has no reverse-proxy directive compiled in, so every request (all paths
# that end in "/") goes to /www/cgi-bin/index.cgi, which forwards it with wget:
#   /api/ and /ws/ -> server:8888     everything else -> frontend:3000
# Like XingRin's nginx.conf (`upstream backend { server server:8888; }`), the names are resolved
# once, when nginx starts, into a list of peers: every address Docker's DNS gives for the name at
# that moment. Requests go to those addresses until nginx starts again, whatever DNS says later.
. /usr/local/lib/standin.sh
if [ -d /etc/nginx/ssl ]; then log "TLS dir /etc/nginx/ssl present: $(ls /etc/nginx/ssl 2>/dev/null | tr '\n' ' ')"; fi

# resolve NAME: every IPv4 address DNS gives for NAME, one per line.
resolve() {
  nslookup "$1" 2>/dev/null | awk '/^Name:/ { named = 1 } named && /^Address/ { print $NF }' | grep -E '^[0-9.]+$'
}
mkdir -p /tmp/upstreams
for name in server frontend; do
  if ! resolve "$name" >"/tmp/upstreams/$name" || [ ! -s "/tmp/upstreams/$name" ]; then
    log "[emerg] host not found in upstream \"$name\""
    exit 1
  fi
done
log "listening on :8083, upstreams server: $(tr '\n' ' ' </tmp/upstreams/server)frontend: $(tr '\n' ' ' </tmp/upstreams/frontend)"
serve httpd -f -p 8083 -h /www
