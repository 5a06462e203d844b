#!/bin/sh
# redis:7-alpine stand-in: Debian's Redis 7 server, started as the official image starts it with
# no config file: listening on every address of the container, protected mode off, data in /data.
set -eu
case "${1:-redis-server}" in -*) set -- redis-server "$@" ;; esac
[ $# -gt 0 ] || set -- redis-server
if [ "$1" = redis-server ]; then
  shift
  mkdir -p /data && chown redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no --dir /data "$@"
fi
exec "$@"
