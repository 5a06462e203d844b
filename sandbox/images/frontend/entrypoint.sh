#!/bin/sh
# xingrin-frontend stand-in: the Next.js UI on port 3000 (internal; nginx proxies "/" to it).
# Serves one static page that names the version, so "/" through nginx shows what is deployed.
. /usr/local/lib/standin.sh
mkdir -p /www
cat >/www/index.html <<HTML
<!doctype html>
<html><head><title>XingRin</title></head>
<body><h1>XingRin (stand-in frontend)</h1><p id="version">$STANDIN_VERSION</p></body></html>
HTML
log "listening on :3000"
serve httpd -f -p 3000 -h /www
