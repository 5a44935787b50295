#!/usr/bin/env bash
# The load and fault test: bench/run.sh [--calls N] [--concurrency C] [--faults] [--warm-up W] [--output file.json] (see bench/README.md)
# Starts the app in emulator mode on a free loopback port, dials N phones in, checks the outcome, prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/LoadTest -- "$@"
