#!/usr/bin/env bash
# Runs bench/jmeter/chat.jmx headless against the system started as the benchmark starts it, then stops everything.
# Extra arguments go to JMeter, e.g.: bash bench/jmeter/run.sh -Jduration=60 -Jrate=5000 -Jsend_threads=10
# Results: bench/results/jmeter-<UTC time>/ (samples.jtl, jmeter.log, the services' logs).
#   BENCH_SKIP_BUILD=1  use the Release build already there
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench="$root/bench"
source "$bench/lib/system.sh"
out=$(results_dir jmeter)

system_tools jmeter
[[ -n ${BENCH_SKIP_BUILD:-} ]] || system_build
system_start
seed bench100k:reader "${BENCH_PULL_MESSAGES:-100000}"

# Debian 12's JMeter 2.13 cannot read any plan with the XStream that Debian ships (ForbiddenClassException):
# HeadlessJMeter.java allows JMeter's own types and then starts JMeter as its launcher would.
jmeter_command=(jmeter)
if [[ $(cd "$out" && jmeter --version 2>&1) == *"Version 2.13"* ]]; then
  jmeter_command=(java -Djmeter.home=/usr/share/jmeter -cp /usr/share/jmeter/bin/ApacheJMeter.jar
    "$bench/jmeter/HeadlessJMeter.java")
fi

log "JMeter: chat.jmx against $http $*"
"${jmeter_command[@]}" -n -t "$bench/jmeter/chat.jmx" -Jhost=127.0.0.1 -Jport="${http##*:}" \
  -Jsummariser.interval=10 -l "$out/samples.jtl" -j "$out/jmeter.log" "$@" | tee "$out/jmeter.out"

# The last cumulative line of JMeter's own summariser has the totals: requests, rate, latency and errors.
grep 'summary =' "$out/jmeter.out" | tail -1
log "results in $out"
