#!/bin/sh
# xingrin-agent stand-in: like XingRin's agent, every 3 s it sends
#   {"cpu_percent":..,"memory_percent":..,"version":..}
# to $SERVER_URL/api/workers/$WORKER_ID/heartbeat/ (when both are set), and prints one line per
# heartbeat to stdout so `docker logs` shows which version is running and whether it got through.
. /usr/local/lib/standin.sh
log "agent starting: WORKER_NAME=${WORKER_NAME:-unset} WORKER_ID=${WORKER_ID:-unset} SERVER_URL=${SERVER_URL:-unset} IMAGE_TAG=${IMAGE_TAG:-unset} IS_LOCAL=${IS_LOCAL:-unset}"
serve /usr/local/bin/agent-heartbeats
