#!/usr/bin/env bash
# TLS figures for docs/measurements.md ("TLS, measured"), in one run on loopback: handshakes a second (bench --mode connrate)
# and echo throughput of 4 x 16 KiB streams (bench --mode stream), against
#   plain      serve echo, no TLS (the baseline)
#   jdk        serve echo --tls --tls-engine jdk
#   openssl    serve echo --tls --tls-engine openssl (BoringSSL through netty-tcnative)
#   haproxy    HAProxy terminating TLS in front of the plain server (Debian's haproxy, OpenSSL 3)
# Each figure is also given per server CPU-second (server process utime+stime over the window; haproxy's CPU plus
# the plain server's), so a busy box shifts the absolute numbers more than the ratios.
# The server is pinned to CPU 0 and the load to CPU 1 (taskset), as the harness does. Not run by the build.
#
#   benchmarks/tls.sh [SECONDS]      (default 5 s per measurement, 1 s warmup)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-5}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v haproxy >/dev/null || { echo "tls.sh: haproxy is not installed (apt-get install haproxy)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "tls.sh: openssl is not installed" >&2; exit 1; }

# One EC P-256 certificate for every server, so that only the engines differ.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/haproxy.pem"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./socketkit --help >/dev/null # builds the CLI once, outside the measurements

start_serve() { # name port args...
  local name="$1" port="$2"
  shift 2
  taskset -c 0 ./socketkit serve echo "$@" "tcp://127.0.0.1:$port" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=("$!")
  eval "pid_$name=$!"
  for _ in $(seq 100); do grep -q listening "$work/$name.out" 2>/dev/null && return; sleep 0.1; done
  echo "tls.sh: $name did not start: $(cat "$work/$name.err")" >&2
  exit 1
}

plain_port=$(free_port); jdk_port=$(free_port); openssl_port=$(free_port); haproxy_port=$(free_port)
start_serve plain "$plain_port"
start_serve jdk "$jdk_port" --tls --tls-engine jdk --cert "$work/cert.pem" --key "$work/key.pem"
start_serve openssl "$openssl_port" --tls --tls-engine openssl --cert "$work/cert.pem" --key "$work/key.pem"

cat > "$work/haproxy.cfg" <<EOF
global
  maxconn 4000
  nbthread 1
  ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend tls
  bind 127.0.0.1:$haproxy_port ssl crt $work/haproxy.pem
  default_backend plain
backend plain
  server s1 127.0.0.1:$plain_port
EOF
taskset -c 0 haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=("$!")
pid_haproxy=$!
sleep 0.5

cpu_ticks() { # pid... -> utime+stime in clock ticks, summed
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

hz=$(getconf CLK_TCK)
printf '%-8s %-9s %14s %12s %16s\n' server mode "ops/s" "MiB/s" "per server CPU-s"
for name in plain jdk openssl haproxy; do
  port_var="${name}_port"
  port="${!port_var}"
  tls=(--tls --insecure --tls-engine openssl)
  [[ $name == plain ]] && tls=()
  if [[ $name == haproxy ]]; then watched=("$pid_haproxy" "$pid_plain"); else pid_var="pid_$name"; watched=("${!pid_var}"); fi
  for mode in connrate stream; do
    args=(--mode "$mode" --connections 4 --warmup 1s --duration "${seconds}s" --json)
    [[ $mode == stream ]] && args+=(--size 16384)
    # Server CPU over the measured window only: sampled after the warmup and at the window's end.
    taskset -c 1 ./socketkit bench "${args[@]}" "${tls[@]}" "tcp://127.0.0.1:$port" >"$work/report.json" \
      2>>"$work/bench.err" &
    bench=$!
    sleep 1
    before=$(cpu_ticks "${watched[@]}")
    sleep "$seconds"
    after=$(cpu_ticks "${watched[@]}")
    wait "$bench" || { echo "tls.sh: bench against $name failed: $(tail -1 "$work/bench.err")" >&2; exit 1; }
    python3 - "$name" "$mode" "$work/report.json" "$((after - before))" "$hz" <<'PY'
import json, sys
name, mode, path, ticks, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
report = json.load(open(path))
if report["errors"] or report["mismatches"]:
    sys.exit(f"tls.sh: {name} {mode}: {report['errors']} errors, {report['mismatches']} mismatches")
ops, mib = report["ops_per_sec"], report["mb_per_sec"] * 1e6 / (1 << 20)
cpu = ticks / hz / report["duration_s"]  # server cores busy on average
per_cpu = (ops if mode == "connrate" else mib) / cpu if cpu > 0 else float("nan")
unit = "handshakes" if mode == "connrate" else "MiB"
print(f"{name:<8} {mode:<9} {ops:>14,.0f} {mib:>12.1f} {per_cpu:>12,.0f} {unit}   (server CPU {cpu:.2f})")
PY
  done
done
