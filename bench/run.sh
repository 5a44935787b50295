#!/usr/bin/env bash
# The load test: bench/run.sh [--calls N] [--concurrency C[,C...]] [--blocks B] [--faults] [--warm-up W] [--instances I]
#                [--output file.json]
#   Publishes the app and the floor server, dials N phones into each at every concurrency against one emulator, checks
#   the app's outcome, prints a table with the ratios and the goals. --instances 2: two app instances sharing a
#   redis-server the tool starts (Debian's /usr/bin/redis-server), the emulator's webhooks spread over both.
# Medians of several runs: bench/run.sh --median bench/results/load-A.json bench/results/load-B.json ...
# Page to published: bench/run.sh --page [--loads N]
#   Loads the call page N times in headless Chromium and prints navigation start → published microphone.
# See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--page" ]; then
  shift
  exec dotnet run -c Release --project bench/PageTiming -- "$@"
fi
exec dotnet run -c Release --project bench/LoadTest -- "$@"
