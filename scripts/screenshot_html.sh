#!/usr/bin/env bash
# Render an HTML report to PNG in headless Chromium (Debian's `chromium` package), network off:
# the report must need nothing from outside. Usage: scripts/screenshot_html.sh report.html out.png [height]
set -euo pipefail
html=$(realpath "$1"); png=$2; height=${3:-2400}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --proxy-server="127.0.0.1:9" --proxy-bypass-list="<-loopback>" \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1200,"$height" \
  --screenshot="$png" "file://$html" >/dev/null 2>&1
test -s "$png"
echo "wrote $png"
