#!/bin/sh
# xingrin-agent stand-in: XingRin's agent (docker/agent: CMD bash /app/agent.sh), modelled by
# /usr/local/bin/agent-heartbeats.
. /usr/local/lib/standin.sh
log "agent starting: WORKER_NAME=${WORKER_NAME:-unset} WORKER_ID=${WORKER_ID:-unset} SERVER_URL=${SERVER_URL:-unset} HEARTBEAT_API_URL=${HEARTBEAT_API_URL:-unset} IMAGE_TAG=${IMAGE_TAG:-unset} IS_LOCAL=${IS_LOCAL:-unset}"
serve /usr/local/bin/agent-heartbeats
