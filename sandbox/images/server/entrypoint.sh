#!/bin/sh
# xingrin-server stand-in: the Django API on port 8888 (internal only in XingRin).
# busybox httpd serves /www; every API path ends in "/" and has no index.html, so httpd hands
# it to /www/cgi-bin/index.cgi (busybox's directory-index CGI fallback), which routes it.
. /usr/local/lib/standin.sh
mkdir -p /tmp/xingrin/heartbeats
log "listening on :8888 (IMAGE_TAG=${IMAGE_TAG:-unset}, DB_HOST=${DB_HOST:-unset}, REDIS_HOST=${REDIS_HOST:-unset})"
serve httpd -f -p 8888 -h /www
