#!/usr/bin/env bash
# Starts the system as the benchmark runs it (Release build, redis-server with its append-only file, the RPC server,
# the HTTP server) and keeps it up until Ctrl-C, for JMeter, a profiler or a look by hand. Seeds the conversation
# "bench100k:reader" with BENCH_PULL_MESSAGES messages (default 100000) for pulls. Logs go to bench/results/serve-*/.
#   BENCH_SKIP_BUILD=1  use the Release build already there
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
source "$bench/lib/system.sh"
out=$(results_dir serve)

system_tools
[[ -n ${BENCH_SKIP_BUILD:-} ]] || system_build
system_start
seed bench100k:reader "${BENCH_PULL_MESSAGES:-100000}"
log "serving on $http; host 127.0.0.1, port ${http##*:}; Ctrl-C stops everything"
wait "$http_pid"
