#!/usr/bin/env bash
# Runs the browser test of the chat page against a system started here on free loopback ports (see
# ../local-system.sh). Needs redis-server and chromium (Debian packages), dotnet, node and npm.
# Saves the screenshot to docs/chat-page.png.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../local-system.sh"

(cd "$here" && npm ci --no-audit --no-fund --silent)
chat_start
# The README shows docs/chat-page.png; CI points SCREENSHOT elsewhere so that it leaves the tree as it was.
screenshot=${SCREENSHOT:-$chat_root/docs/chat-page.png}
mkdir -p "$(dirname "$screenshot")"
node "$here/chat-page.test.mjs" "$CHAT_HTTP" "$screenshot"
