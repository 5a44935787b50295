#!/usr/bin/env bash
# The load and fault test: bench/run.sh [--calls N] [--concurrency C] [--faults] [--output file.json]
# Starts the app in emulator mode on a free loopback port, dials N phones in, checks the outcome, prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/LoadTest -- "$@"
