#!/bin/sh
# xingrin-nginx stand-in: Debian's nginx with XingRin's configuration (/etc/nginx/nginx.conf),
# in the foreground as the official image runs it. SIGHUP reloads it (new upstream addresses,
# old workers finish their requests); a stop is nginx's graceful one (SIGQUIT, the official
# image's STOPSIGNAL): requests in flight finish.
. /usr/local/lib/standin.sh
[ $# -gt 0 ] || set -- nginx -g 'daemon off;'
supervise QUIT "$@"
