#!/usr/bin/env bash
# Where the time goes: starts the system as the benchmark does (with the runtime's perf maps on, so that perf can
# name JIT-compiled methods), warms it up, puts one scenario on it at saturation and samples both services' CPU
# with perf. Prints each service's CPU time by component (assembly, runtime, kernel) and its hottest methods.
#   bash bench/profile.sh [SCENARIO] [SECONDS]   SCENARIO as in bench/wrk/chat.lua (default send-spread), 10 s
# Needs perf (Debian package linux-perf). Results: bench/results/profile-<UTC time>/ (perf data and reports).
#   BENCH_SKIP_BUILD=1  use the Release build already there
set -euo pipefail

scenario=${1:-send-spread}
seconds=${2:-10}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
source "$bench/lib/system.sh"
out=$(results_dir profile)

system_tools wrk perf:linux-perf
[[ -n ${BENCH_SKIP_BUILD:-} ]] || system_build
# Without W^X the JIT's code stays at the addresses that the perf map names.
BENCH_SERVICE_ENV="${BENCH_SERVICE_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"
system_start
seed bench100k:reader 100000

# Long enough for tiered compilation to finish, so that the JIT is not what the profile shows.
log "warming up with $scenario for 30s"
BENCH_SCENARIO=$scenario wrk -t 2 -c 128 -d 30s -s "$bench/wrk/chat.lua" "$http" > /dev/null

log "sampling both services for ${seconds}s under $scenario"
BENCH_SCENARIO=$scenario wrk -t 2 -c 128 -d "$((seconds + 4))s" -s "$bench/wrk/chat.lua" "$http" > "$out/wrk.txt" &
load_pid=$!
sleep 2
perf record -e cpu-clock -F 999 -g -p "$http_pid" -o "$out/httpserver.perf" -- sleep "$seconds" 2> /dev/null &
perf_pid=$!
perf record -e cpu-clock -F 999 -g -p "$rpc_pid" -o "$out/rpcserver.perf" -- sleep "$seconds" 2> /dev/null
wait "$perf_pid" "$load_pid"

# Self time grouped by where the code lives: the managed assembly of a JIT-compiled method, or the native library.
by_component() {
  perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | awk '
  {
    pct = $1; sub(/%/, "", pct); line = $0
    if (line ~ /\[kernel/) part = "kernel (network stack, scheduler, system calls)"
    else if (line ~ /libcoreclr/) part = "runtime (libcoreclr: GC, allocation, type checks, stubs)"
    else if (line ~ /libclrjit/) part = "JIT compiler"
    else if (line ~ /libc\.so|ld-linux/) part = "libc"
    else if (match(line, /\[\.\] [^[]*\[[A-Za-z][A-Za-z0-9_.]*\]/)) {
      part = substr(line, RSTART, RLENGTH); sub(/^.*\[/, "", part); sub(/\]$/, "", part)
    }
    else part = "other (stubs, native libraries)"
    sum[part] += pct
  }
  END { for (p in sum) printf "%6.1f%%  %s\n", sum[p], p }' | sort -rn | sed -n '1,20p'
}

for service in httpserver rpcserver; do
  {
    echo "== $service: CPU by component under $scenario"
    by_component "$out/$service.perf"
    echo
    echo "== $service: hottest methods (self time)"
    perf report -i "$out/$service.perf" --no-children --sort sym --stdio -g none 2> /dev/null \
      | grep -E '^ +[0-9]' | sed -n '1,25p' | cut -c1-160
    echo
  } | tee "$out/$service.txt"
done
grep '^RESULT' "$out/wrk.txt" | cut -f2-10
log "results in $out"
