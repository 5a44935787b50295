#!/usr/bin/env bash
# The framework's own idle memory: bench/blank-floor.sh [--runs N]
#   Creates .NET's empty Blazor Server template (dotnet new blazor --interactivity Server --empty) in a temporary
#   directory, publishes it with the app's memory settings (workstation GC with background GC, no dynamic PGO,
#   ReadyToRun: HelloWorld.Blazor.csproj), starts it N times (default 5) and prints its resident memory 3 s after it
#   first answers, the moment bench/run.sh calls the app's idle. Nothing of the app is in it: it is what any Blazor Server
#   app costs on this machine before its first line of code. See bench/README.md, "Where issue 16's goals stand".
set -euo pipefail
runs=5
if [ "${1:-}" = "--runs" ]; then runs=$2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet new blazor --interactivity Server --empty -n Blank -o "$work/Blank" > /dev/null
dotnet publish "$work/Blank" -c Release -o "$work/publish" -r "$(dotnet --info | awk '/^ *RID:/{print $2; exit}')" \
  --self-contained false -p:PublishReadyToRun=true -p:ServerGarbageCollection=false \
  -p:ConcurrentGarbageCollection=true -p:TieredPGO=false > /dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mib() { awk -v key="$1:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$2/status"; }

echo "run  VmRSS  RssFile  RssAnon  RssShmem (MiB)"
rss=()
for run in $(seq "$runs"); do
  port=$(free_port)
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production "$work/publish/Blank" > "$work/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  sleep 3
  echo "$run    $(mib VmRSS $pid)  $(mib RssFile $pid)     $(mib RssAnon $pid)     $(mib RssShmem $pid)"
  rss+=("$(mib VmRSS $pid)")
  kill "$pid"
  wait "$pid" 2> /dev/null || true
done
printf '%s\n' "${rss[@]}" | sort -n | awk '{v[NR] = $1} END {printf "median VmRSS %.1f MiB over %d runs (issue 16 goal for the app idle: 80 MiB)\n", v[int((NR + 1) / 2)], NR}'
