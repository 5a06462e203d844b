#!/bin/sh
# xingrin-worker stand-in. XingRin never runs it as a service: the task distributor starts it
# per task with a command (`sh -c "python -m ..."`), which replaces this default CMD. Run
# without a command it just idles, so `docker run -d` of it stays up.
. /usr/local/lib/standin.sh
log "worker idle (no task command given)"
serve sleep_forever
