#!/usr/bin/env bash
# Starts the chat system with the README's run command, runs the Postman collection against
# http://localhost:8080 with newman, and stops the system again, whatever happened.
# The exit code is newman's (or 1 when the system did not come up).
#
# Settings (environment variables):
#   CHAT_START_TIMEOUT  seconds to wait for the HTTP server to answer (default 300)
#   CHAT_STOP_TIMEOUT   seconds to wait for a graceful stop before killing (default 60)
#   CHAT_BASE_URL       where the HTTP server listens (default http://localhost:8080)
set -euo pipefail
# Without job control a background job stays in this script's process group, so setsid below needs no fork and $!
# is the new group's id.
set +m

postman_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$postman_dir/.." && pwd)"
base_url="${CHAT_BASE_URL:-http://localhost:8080}"
start_timeout="${CHAT_START_TIMEOUT:-300}"
stop_timeout="${CHAT_STOP_TIMEOUT:-60}"

# Every process of this run carries this variable, so that stragglers outside the process group can be found.
run_mark="CHAT_NEWMAN_RUN=$$-$(date +%s%N)"
log_file="$(mktemp -t chat-apphost.XXXXXX.log)"
data_dir="$(mktemp -d -t chat-newman-data.XXXXXX)"
apphost_pid=""

# newman as locked in package-lock.json, installed into postman/node_modules on first use.
newman_command() {
    if [[ ! -x "$postman_dir/node_modules/.bin/newman" ]]; then
        echo "Installing newman: npm ci in $postman_dir" >&2
        (cd "$postman_dir" && npm ci --no-audit --no-fund >&2)
    fi
    echo "$postman_dir/node_modules/.bin/newman"
}

# Process groups holding a process of this run: the app host's own, and those of the orchestrator (DCP), which
# detaches into new sessions and starts the services and the Redis server in its groups.
run_process_groups() {
    local environ pid own_group
    own_group="$(ps -o pgid= -p $$ | tr -d ' ')"
    for environ in /proc/[0-9]*/environ; do
        pid="${environ#/proc/}"
        pid="${pid%/environ}"
        if grep -qzxF "$run_mark" "$environ" 2>/dev/null; then
            ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' '
        fi
    done | sort -u | grep -vxF "$own_group" || true
}

group_alive() {
    pgrep -g "$1" >/dev/null 2>&1
}

stop_system() {
    local groups=() group deadline
    [[ -n "$apphost_pid" ]] || return 0

    mapfile -t groups < <(run_process_groups)
    echo "Stopping the chat system (process groups: ${groups[*]:-none})."

    # SIGTERM, not SIGINT: a background job of a script ignores SIGINT. The app host then stops its resources.
    for group in "${groups[@]}"; do
        [[ "$group" == "$apphost_pid" ]] && kill -TERM -- "-$group" 2>/dev/null || true
    done

    deadline=$((SECONDS + stop_timeout))
    while ((SECONDS < deadline)); do
        local alive=0
        for group in "${groups[@]}"; do
            group_alive "$group" && alive=1
        done
        ((alive == 0)) && break
        sleep 1
    done

    # Whatever did not stop in time, and any group that appeared meanwhile, is killed.
    mapfile -t -O "${#groups[@]}" groups < <(run_process_groups)
    for group in "${groups[@]}"; do
        if group_alive "$group"; then
            echo "Killing process group $group, still running after ${stop_timeout} s."
            kill -KILL -- "-$group" 2>/dev/null || true
        fi
    done

    apphost_pid=""
}

cleanup() {
    stop_system
    rm -rf "$data_dir"
    rm -f "$log_file"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if curl -s -o /dev/null -m 2 "$base_url/ping"; then
    echo "Something already answers at $base_url; stop it first, so that the collection runs against this build." >&2
    exit 1
fi

newman="$(newman_command)"

echo "Starting the chat system: dotnet run --project Chat.AppHost (log: $log_file)"
cd "$repo_root"
# setsid gives the app host its own process group (its id is the app host's pid) so that it can be stopped whole;
# the data folder is a fresh one, so that runs leave nothing in the working tree.
env "$run_mark" "LocalRedis__DataDirectory=$data_dir" \
    setsid dotnet run --project Chat.AppHost </dev/null >"$log_file" 2>&1 &
apphost_pid=$!

echo "Waiting up to ${start_timeout} s for $base_url/ping and $base_url/health."
started=$SECONDS
deadline=$((started + start_timeout))
until curl -sf -o /dev/null -m 2 "$base_url/ping" && curl -sf -o /dev/null -m 5 "$base_url/health"; do
    if ! kill -0 "$apphost_pid" 2>/dev/null; then
        echo "The app host exited before the HTTP server answered. Its log:" >&2
        cat "$log_file" >&2
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        echo "The HTTP server did not answer within ${start_timeout} s. The app host's log:" >&2
        cat "$log_file" >&2
        exit 1
    fi
    sleep 2
done
echo "The chat system answers after $((SECONDS - started)) s."

newman_rc=0
(cd "$postman_dir" && "$newman" run chat-api.postman_collection.json \
    --environment local.postman_environment.json \
    --env-var "baseUrl=$base_url" \
    --timeout-request 30000) || newman_rc=$?

if ((newman_rc != 0)); then
    echo "newman failed (exit code $newman_rc). The app host's log:" >&2
    cat "$log_file" >&2
fi

exit "$newman_rc"
