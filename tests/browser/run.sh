#!/usr/bin/env bash
# Runs the browser test of the chat page against a system started here on free loopback ports: a redis-server,
# the RPC server and the HTTP server as plain processes (built in Debug unless CONFIGURATION says otherwise).
# Needs: redis-server and chromium (Debian packages), node and npm. Saves the screenshot to docs/chat-page.png.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
configuration=${CONFIGURATION:-Debug}
work=$(mktemp -d)
pids=()

stop() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits for a service's log to report its address, and prints it.
listening_on() {
  local log=$1 pid=$2
  for _ in $(seq 1 180); do
    if address=$(grep -o -m1 'Now listening on: http://[0-9.:]*' "$log"); then
      echo "${address#Now listening on: }"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "timed out waiting for $log" >&2
  return 1
}

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  dotnet build "$root/Chat.HttpServer" -c "$configuration" -v quiet -nologo
  dotnet build "$root/Chat.RpcServer" -c "$configuration" -v quiet -nologo
fi
(cd "$here" && npm ci --no-audit --no-fund --silent)

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)

export ASPNETCORE_URLS=http://127.0.0.1:0
(cd "$root/Chat.RpcServer" && ConnectionStrings__redis="127.0.0.1:$redis_port" \
  exec dotnet "bin/$configuration/net10.0/Chat.RpcServer.dll") >"$work/rpc.log" 2>&1 &
pids+=($!)
rpc=$(listening_on "$work/rpc.log" "${pids[-1]}")

(cd "$root/Chat.HttpServer" && ChatApi__RpcServerAddress="$rpc" \
  exec dotnet "bin/$configuration/net10.0/Chat.HttpServer.dll") >"$work/http.log" 2>&1 &
pids+=($!)
http=$(listening_on "$work/http.log" "${pids[-1]}")

mkdir -p "$root/docs"
node "$here/chat-page.test.mjs" "$http" "$root/docs/chat-page.png"
