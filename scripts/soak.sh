#!/usr/bin/env bash
# Soak: the compiled service under N minutes of mixed keep-alive traffic on loopback (bench/soak.ts); exit 0 on PASS.
#
#   bash scripts/soak.sh                  # 10 minutes (or SOAK_MINUTES)
#   bash scripts/soak.sh 2                # a smoke run (the first minute is warm-up)
#   POOL_THREADS=4 bash scripts/soak.sh 30 --connections 100 --backoff-ms 0 --sample-seconds 2
#   bash scripts/soak.sh 10 --cgroup       # under the manifest's memory limit, in a cgroup (root)
#
# Builds dist/ first when it is missing or older than src/. The server runs with the configuration
# of deploy/k8s/deployment.yaml (environment variables override it) on 127.0.0.1 only; it is
# stopped when the soak ends, fails or is interrupted, and the whole run is bounded (minutes + 2 min,
# then killed). Prints a markdown report on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES="${SOAK_MINUTES:-10}"
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then MINUTES="$1"; shift; fi
if ! [[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$|^[.][0-9]+$ ]] || ! awk -v m="$MINUTES" 'BEGIN { exit !(m > 0) }'; then
  echo "usage: bash scripts/soak.sh [minutes] [--connections N] [--backoff-ms MS] [--sample-seconds S] [--seed N] [--lenient] [--cgroup] (minutes > 0, e.g. 0.5; got '$MINUTES')" >&2
  exit 2
fi

if [ ! -f dist/server.js ] || [ -n "$(find src tsconfig.json tsconfig.build.json -newer dist/server.js -print -quit)" ]; then
  echo "[soak] dist/ is missing or older than src/: npm run build" >&2
  npm run build --silent
fi

# A backstop behind bench/soak.ts's own deadline (minutes + 2 min): SIGTERM 30 s later, SIGKILL 15 s after
# that. --foreground keeps Ctrl-C reaching node, which then kills the server.
LIMIT_S="$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 + 150 }')"
exec timeout --foreground --kill-after=15s "${LIMIT_S}s" node --import tsx bench/soak.ts --minutes "$MINUTES" "$@"
