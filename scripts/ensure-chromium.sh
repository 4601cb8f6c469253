#!/usr/bin/env bash
# `npm test` runs the reference page in a real headless Chromium (Debian's package). On a fresh
# machine it is missing: install it when we can (root with apt), otherwise say how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test (one time)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs Debian's chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
exit 1
