# The system under test, as plain processes: sourced by run.sh and serve.sh, which set $root, $bench and $out.
#
# redis-server runs with the append-only file and the background task rate (hz) that the app host gives it; the
# RPC server and the HTTP server get the variables that the app host gives them (connection string, service discovery
# entry, URLs, Production) and no OTLP endpoint, so their telemetry stays in the process as in a deployment without
# a collector.

export LC_ALL=C

# results_dir KIND: a new folder bench/results/KIND-<UTC time>, unique even when two runs start in the same second.
results_dir() {
  local dir
  dir="$bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ)"
  [[ -e $dir ]] && dir="$dir-$$"
  mkdir -p "$dir"
  echo "$dir"
}

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$out/bench.log" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# Installs what is missing from Debian's packages when run as root. Arguments: more COMMAND or COMMAND:PACKAGE.
system_tools() {
  local need=() tool
  command -v redis-server > /dev/null || need+=(redis-server)
  command -v redis-cli > /dev/null || need+=(redis-tools)
  command -v curl > /dev/null || need+=(curl)
  command -v ss > /dev/null || need+=(iproute2)
  for tool in "$@"; do command -v "${tool%%:*}" > /dev/null || need+=("${tool#*:}"); done
  if ((${#need[@]})); then
    [[ $(id -u) == 0 ]] || fail "install ${need[*]} (Debian packages) first"
    log "installing ${need[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } > "$out/apt.log" 2>&1 \
      || fail "apt-get install ${need[*]}, see $out/apt.log"
  fi
  command -v dotnet > /dev/null || fail "the .NET SDK (dotnet) is not on PATH"
}

system_build() {
  local project
  log "building Release"
  for project in Chat.RpcServer Chat.HttpServer; do
    dotnet build "$root/$project/$project.csproj" -c Release -nologo -v quiet > "$out/build-$project.log" 2>&1 \
      || fail "build of $project, see $out/build-$project.log"
  done
}

# Every process started here is stopped on exit, however the script ends.
system_pids=()
system_stop() {
  local pid
  for pid in "${system_pids[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${system_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
  done
}

# A port that nothing listens on now, away from the ports that people and tools pick by hand.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    [[ " $* " == *" $port "* ]] && continue
    ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

# Starts Redis, the RPC server and the HTTP server; sets redis_pid, rpc_pid, http_pid, redis_port and http.
system_start() {
  trap system_stop EXIT
  trap 'exit 130' INT TERM
  redis_port=$(free_port)
  rpc_port=$(free_port "$redis_port")
  http_port=$(free_port "$redis_port" "$rpc_port")
  http="http://127.0.0.1:$http_port"
  mkdir -p "$out/redis"

  log "redis-server on $redis_port (append-only file, fsync every second, hz 100)"
  redis-server --bind 127.0.0.1 --port "$redis_port" --protected-mode no --dir "$out/redis" \
    --appendonly yes --appendfsync everysec --hz 100 --save "" > "$out/redis.log" 2>&1 &
  redis_pid=$!
  system_pids+=("$redis_pid")
  for _ in $(seq 100); do rcli ping > /dev/null 2>&1 && break; sleep 0.1; done
  rcli ping > /dev/null || fail "redis-server did not start, see $out/redis.log"

  # No orchestrator routes around a stopping service here, so the drain delay before it stops is not waited for.
  # BENCH_SERVICE_ENV adds variables for a profiler, e.g. "DOTNET_PerfMapEnabled=1".
  local environment=(ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production Shutdown__DrainDelay=00:00:00
    ${BENCH_SERVICE_ENV:-})
  log "RPC server on $rpc_port"
  (cd "$root/Chat.RpcServer/bin/Release/net10.0" && exec env "${environment[@]}" OTEL_SERVICE_NAME=rpcserver \
    ASPNETCORE_URLS="http://127.0.0.1:$rpc_port" ConnectionStrings__redis="127.0.0.1:$redis_port" \
    dotnet Chat.RpcServer.dll > "$out/rpcserver.log" 2>&1) &
  rpc_pid=$!
  system_pids+=("$rpc_pid")

  log "HTTP server on $http_port"
  # The load comes from one address, which the per-client rate limit exists to stop: it stays on, so that its cost is
  # measured, with a rate that one address cannot reach here.
  (cd "$root/Chat.HttpServer/bin/Release/net10.0" && exec env "${environment[@]}" OTEL_SERVICE_NAME=httpserver \
    ASPNETCORE_URLS="$http" services__rpcserver__http__0="http://127.0.0.1:$rpc_port" \
    ChatApi__RateLimitPerSecond=1000000 ChatApi__RateLimitBurst=1000000 \
    dotnet Chat.HttpServer.dll > "$out/httpserver.log" 2>&1) &
  http_pid=$!
  system_pids+=("$http_pid")

  # /health of the HTTP server is ready only when the RPC server, and through it Redis, answer.
  for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$http/health" || true) == 200 ]] && break
    kill -0 "$rpc_pid" 2> /dev/null || fail "the RPC server exited, see $out/rpcserver.log"
    kill -0 "$http_pid" 2> /dev/null || fail "the HTTP server exited, see $out/httpserver.log"
    sleep 0.2
  done
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$http/health") == 200 ]] || fail "the services did not become ready"
  log "ready: $http (pids: redis $redis_pid, rpcserver $rpc_pid, httpserver $http_pid)"
}

# chat:{base64url(canonical name)}: as ConversationKeys makes it.
key_prefix() { printf 'chat:{%s}:' "$(printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }

# seed CANONICAL_NAME COUNT: COUNT sends of 100-character texts with alternating senders, run by Redis itself as the
# store's own send script (read from SendScript.cs) through one pipeline, with the arguments MessageStore gives it.
# Each carries its own 32-character idempotency key, as the RPC server's key for a send without a client key, and is
# published on the conversation's live channel, so the data is exactly what the RPC server writes, at a fraction of
# the time. The keys are kept an hour, not the server's minute, so that none expires while a million are written.
seed() {
  local chat=$1 count=$2 prefix script sha
  script=$(awk '/public const string Source = """/ { on = 1; next } /^ *""";/ { on = 0 } on' \
    "$root/Chat.RpcServer/Storage/SendScript.cs")
  [[ -n $script ]] || fail "the send script was not found in Chat.RpcServer/Storage/SendScript.cs"
  sha=$(rcli script load "$script")
  prefix=$(key_prefix "$chat")
  awk -v sha="$sha" -v prefix="$prefix" -v count="$count" -v run="$(date -u +%s)" 'BEGIN {
    fill = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
    for (i = 1; i <= count; i++) {
      text = substr(sprintf("message %d of %s ", i, run) fill, 1, 100)
      n = split("EVALSHA|" sha "|2|" prefix "messages|" prefix "sent:" sprintf("%032x", i) "|" (i % 2) "|" text "|3600|" \
        prefix "live", a, "|")
      printf "*%d\r\n", n
      for (j = 1; j <= n; j++) printf "$%d\r\n%s\r\n", length(a[j]), a[j]
    }
  }' | rcli --pipe > "$out/seed-$chat.log" 2>&1 || fail "seeding $chat, see $out/seed-$chat.log"
  grep -q 'errors: 0' "$out/seed-$chat.log" || fail "seeding $chat had errors, see $out/seed-$chat.log"
}

used_memory() { rcli info memory | awk -F: '/^used_memory:/ { print $2 + 0 }'; }
