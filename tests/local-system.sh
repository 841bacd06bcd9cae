# Sourced by scripts that need the system running: starts a redis-server, the RPC server and the HTTP server as
# plain processes on free loopback ports (the services built in $CONFIGURATION, Debug by default; SKIP_BUILD=1 to
# use what is built), sets $CHAT_HTTP to the HTTP server's address, and stops everything when the script exits.
# chat_start passes its arguments (NAME=value) to the HTTP server as settings. Needs redis-server, dotnet and node.

chat_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chat_configuration=${CONFIGURATION:-Debug}
chat_work=$(mktemp -d)
chat_pids=()

chat_stop() {
  for pid in "${chat_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${chat_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$chat_work"
}
trap chat_stop EXIT

chat_free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until a service's log reports its address, and prints the address.
chat_listening_on() {
  local log=$1 pid=$2 address
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

chat_start() {
  if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    dotnet build "$chat_root/Chat.HttpServer" -c "$chat_configuration" -v quiet -nologo
    dotnet build "$chat_root/Chat.RpcServer" -c "$chat_configuration" -v quiet -nologo
  fi

  local redis_port rpc
  redis_port=$(chat_free_port)
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$chat_work" \
    >"$chat_work/redis.log" 2>&1 &
  chat_pids+=($!)

  (cd "$chat_root/Chat.RpcServer" && ASPNETCORE_URLS=http://127.0.0.1:0 \
    ConnectionStrings__redis="127.0.0.1:$redis_port" \
    exec dotnet "bin/$chat_configuration/net10.0/Chat.RpcServer.dll") >"$chat_work/rpc.log" 2>&1 &
  chat_pids+=($!)
  rpc=$(chat_listening_on "$chat_work/rpc.log" "${chat_pids[-1]}")

  (cd "$chat_root/Chat.HttpServer" && ASPNETCORE_URLS=http://127.0.0.1:0 ChatApi__RpcServerAddress="$rpc" \
    exec env "$@" dotnet "bin/$chat_configuration/net10.0/Chat.HttpServer.dll") >"$chat_work/http.log" 2>&1 &
  chat_pids+=($!)
  CHAT_HTTP=$(chat_listening_on "$chat_work/http.log" "${chat_pids[-1]}")
  export CHAT_HTTP
}
