#!/usr/bin/env bash
# Live delivery latency (store to subscriber) against a system started here on free loopback ports (see
# ../../tests/local-system.sh). Arguments go to latency.mjs: [subscribers] [conversations] [messages] [rate/s].
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/local-system.sh"

# The benchmark opens more streams from one address than a client is allowed by default, and sends faster.
chat_start ChatApi__MaxSubscriptionsPerClient=100000 ChatApi__RateLimitPerSecond=0
node "$here/latency.mjs" "$CHAT_HTTP" "$@"
