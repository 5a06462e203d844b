#!/bin/sh
# xingrin-nginx stand-in: the only public entry, port 8083. Plain HTTP (real XingRin serves TLS
# there with certs mounted at /etc/nginx/ssl; the stand-in only logs whether they are present).
# Debian's busybox httpd has no reverse-proxy directive compiled in, so every request (all paths
# that end in "/") goes to /www/cgi-bin/index.cgi, which forwards it with wget:
#   /api/ and /ws/ -> http://server:8888     everything else -> http://frontend:3000
. /usr/local/lib/standin.sh
if [ -d /etc/nginx/ssl ]; then log "TLS dir /etc/nginx/ssl present: $(ls /etc/nginx/ssl 2>/dev/null | tr '\n' ' ')"; fi
log "listening on :8083, upstreams ${XINGRIN_SERVER_UPSTREAM:-http://server:8888} and ${XINGRIN_FRONTEND_UPSTREAM:-http://frontend:3000}"
serve httpd -f -p 8083 -h /www
