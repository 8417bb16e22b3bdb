#!/usr/bin/env bash
# Relay figures for docs/measurements.md ("Relay, measured"), in one run on loopback: the harness's load generator
# (../shared/bench/loadgen) against one echo server, the harness's C epoll echo (the floor, so the backend costs the
# same for every row), reached through
#   socketkit  ./socketkit relay tcp://127.0.0.1:P tcp://127.0.0.1:B
#   socat      socat TCP-LISTEN:P,fork,reuseaddr TCP:127.0.0.1:B          (a process per connection)
#   haproxy    HAProxy in TCP mode, nbthread 1, one frontend and one backend (Debian's haproxy)
#   direct     no relay: the load generator talks to the echo server itself
# Cases: stream 4 x 16 KiB (echoed MB/s), pingpong 64 connections x 64 B (round trips/s, p50/p99 latency; the
# latency a relay adds is its figure less direct's in the same round) and pingpong 1 x 64 B, where nothing queues, so
# that the added latency is the relay's hop alone (with 64 round trips in flight, latency is mostly 64 / rate).
# Pinning as compare.sh pins: the relays on CPU 0, the load generator on CPU 1. The echo server is on CPU 1 too, so
# that a relay has its CPU to itself and its CPU time (utime+stime over the measured window, children included, from
# the load generator's --server-pid) is the relay's alone: each figure is also given per relay CPU-second. `direct`
# therefore runs client and server on one CPU; `direct0` (a second echo server on CPU 0, compare.sh's layout) brackets
# it. Rounds run round-robin over the rows, so drift on this shared box hits each alike; the summary gives the median
# of the rounds with the min-max spread, and the ratios are taken round by round. Not run by the build.
#
#   benchmarks/relay.sh [--rounds N] [--seconds S] [--warmup S] [--raw FILE] [--only a,b,...]
#
# --raw FILE appends every load generator JSON result (one line each, with "row" and "round" added) to FILE.
# Needs cc, go (or a built ../shared/bench/bin/loadgen), socat, haproxy, taskset, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
seconds=5
warmup=2
raw=""
only=""
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "relay.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$rounds" "$seconds" "$warmup"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "relay.sh: '$n' is not a positive whole number" >&2; exit 2; }
done
rows=(direct direct0 socketkit socat haproxy)
if [[ -n $only ]]; then IFS=, read -r -a rows <<<"$only"; fi
for row in "${rows[@]}"; do
  [[ " direct direct0 socketkit socat haproxy " == *" $row "* ]] \
    || { echo "relay.sh: no row '$row' (direct, direct0, socketkit, socat, haproxy)" >&2; exit 2; }
done
for tool in cc socat haproxy taskset python3; do
  command -v "$tool" >/dev/null || { echo "relay.sh: $tool is not installed" >&2; exit 1; }
done
if ! taskset -c 0 true 2>/dev/null || ! taskset -c 1 true 2>/dev/null; then
  echo "relay.sh: CPUs 0 and 1 are not both allowed here (taskset)" >&2
  exit 1
fi

bench=../shared/bench
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cc -O2 -o "$work/cecho" "$bench/peers/cecho/cecho.c"
loadgen="$bench/bin/loadgen"
if [[ ! -x $loadgen ]]; then
  command -v go >/dev/null || { echo "relay.sh: go is not installed and $loadgen is not built" >&2; exit 1; }
  (cd "$bench/loadgen" && go build -o "$work/loadgen" .)
  loadgen="$work/loadgen"
fi
./socketkit --help >/dev/null # builds the CLI once, outside the measurements

free_port() { "$loadgen" freeport; }

started() { # name pid port: waits until an echo comes back through port
  if ! "$loadgen" probe --proto tcp --addr "127.0.0.1:$3" --wait 60s >>"$work/$1.err" 2>&1 || ! kill -0 "$2" 2>/dev/null
  then
    echo "relay.sh: $1 did not start: $(tail -3 "$work/$1.err")" >&2
    exit 1
  fi
}

backend_port=$(free_port)
taskset -c 1 "$work/cecho" tcp "127.0.0.1:$backend_port" >"$work/direct.err" 2>&1 &
pids+=("$!"); pid_direct=$!; port_direct=$backend_port
started direct "$pid_direct" "$port_direct"

port_direct0=$(free_port)
taskset -c 0 "$work/cecho" tcp "127.0.0.1:$port_direct0" >"$work/direct0.err" 2>&1 &
pids+=("$!"); pid_direct0=$!
started direct0 "$pid_direct0" "$port_direct0"

port_socketkit=$(free_port)
taskset -c 0 ./socketkit relay "tcp://127.0.0.1:$port_socketkit" "tcp://127.0.0.1:$backend_port" \
  >"$work/socketkit.out" 2>"$work/socketkit.err" &
pids+=("$!"); pid_socketkit=$!
started socketkit "$pid_socketkit" "$port_socketkit"

port_socat=$(free_port)
taskset -c 0 socat "TCP-LISTEN:$port_socat,fork,reuseaddr" "TCP:127.0.0.1:$backend_port" 2>"$work/socat.err" &
pids+=("$!"); pid_socat=$!
started socat "$pid_socat" "$port_socat"

port_haproxy=$(free_port)
cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 4000
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend relay
  bind 127.0.0.1:$port_haproxy
  default_backend echo
backend echo
  server s1 127.0.0.1:$backend_port
EOF
taskset -c 0 haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.err" 2>&1 &
pids+=("$!"); pid_haproxy=$!
started haproxy "$pid_haproxy" "$port_haproxy"

cases=("stream:4:16384" "pingpong:64:64" "pingpong:1:64")

echo "# relay.sh $(date -u +%FT%TZ): $rounds rounds, ${warmup} s warm-up, ${seconds} s windows; $(nproc) CPUs;" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# relays on CPU 0, load generator and echo server on CPU 1; haproxy $(haproxy -v | awk 'NR==1{print $3}')," \
  "socat $(socat -V | awk '/socat version/{print $3}'), $(java -version 2>&1 | head -1)"
results="$work/results.jsonl"
for round in $(seq "$rounds"); do
  for spec in "${cases[@]}"; do
    IFS=: read -r scenario conns size <<<"$spec"
    for row in "${rows[@]}"; do
      port_var="port_$row"; pid_var="pid_$row"
      rc=0
      out=$(taskset -c 1 "$loadgen" "$scenario" --addr "127.0.0.1:${!port_var}" --conns "$conns" --size "$size" \
        --warmup "${warmup}s" --duration "${seconds}s" --json --server-pid "${!pid_var}" --label "$row" \
        2>>"$work/loadgen.err") || rc=$?
      # A failed run (errors, mismatches, a stall) is recorded and reported, and the run goes on.
      python3 - "$row" "$round" "$rc" "$out" "$results" <<'PY'
import json, sys
row, rnd, rc, text, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
try:
    out = json.loads(text)
except ValueError:
    out = {"ok": False, "errors": -1, "mismatches": 0, "error_samples": [text[-200:] or "no output"]}
out["row"], out["round"] = row, rnd
out["failed"] = rc != 0 or bool(out["errors"]) or bool(out["mismatches"])
with open(path, "a") as f:
    f.write(json.dumps(out) + "\n")
if out["failed"]:
    print(f"  round {rnd} {out.get('scenario', '?'):<8} {row:<9} FAILED (exit {rc}): {out['errors']} errors,"
          f" {out['mismatches']} mismatches: {'; '.join(out.get('error_samples') or [])[:300]}", file=sys.stderr)
    sys.exit()
cpu = out["server"]["cpu_s"] / out["window_s"]
lat = out.get("lat_us") or {}
head = f"{out['mb_per_s']:8.1f} MB/s" if out["scenario"] == "stream" else f"{out['ops_per_s']:9,.0f} rt/s"
extra = f"  p50 {lat['p50']:6.1f} us  p99 {lat['p99']:7.1f} us" if out["scenario"] == "pingpong" else ""
print(f"  round {rnd} {out['scenario']:<8} {row:<9} {head}{extra}  relay CPU {cpu:.2f}"
      f"  client CPU {out['client_cpu_pct']:.0f} %", file=sys.stderr)
PY
    done
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n $raw ]] && cat "$results" >>"$raw"

python3 - "$results" <<'PY'
import json, statistics, sys
res = [json.loads(line) for line in open(sys.argv[1])]
failed = [r for r in res if r["failed"]]
by = {}
for r in (r for r in res if not r["failed"]):
    by.setdefault((r["scenario"], r["conns"], r["size"]), {}).setdefault(r["row"], {})[r["round"]] = r
order = ["direct", "direct0", "socketkit", "socat", "haproxy"]

def spread(values, fmt):
    values = sorted(values)
    m = statistics.median(values)
    return fmt.format(m) if len(values) == 1 else f"{fmt.format(m)} ({fmt.format(values[0])} to {fmt.format(values[-1])})"

def per_cpu(r, value):
    cpu = r["server"]["cpu_s"]
    return value * r["window_s"] / cpu if cpu > 0 else float("nan")

def head(r):
    return r["mb_per_s"] if r["scenario"] == "stream" else r["ops_per_s"]

for (scenario, conns, size), rows in by.items():
    stream = scenario == "stream"
    print()
    print(f"{scenario}, {conns} connections x {size} B ({'echoed MB/s' if stream else 'round trips/s'};"
          " the CPU column is the relay's, the echo server's for direct and direct0)")
    print()
    if stream:
        print("| row | MB/s | per relay CPU-s | relay CPU | client CPU % |")
        print("| --- | ---: | ---: | ---: | ---: |")
    else:
        print("| row | rt/s | per relay CPU-s | p50 µs | p99 µs | added p50 / p99 µs | relay CPU | client CPU % |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    direct = rows.get("direct", {})
    for row in [x for x in order if x in rows]:
        rs = rows[row].values()
        cells = [row, spread([head(r) for r in rs], "{:,.0f}"), spread([per_cpu(r, head(r)) for r in rs], "{:,.0f}")]
        if not stream:
            cells.append(spread([r["lat_us"]["p50"] for r in rs], "{:,.0f}"))
            cells.append(spread([r["lat_us"]["p99"] for r in rs], "{:,.0f}"))
            added = [(r["lat_us"]["p50"] - direct[n]["lat_us"]["p50"], r["lat_us"]["p99"] - direct[n]["lat_us"]["p99"])
                     for n, r in rows[row].items() if n in direct]
            cells.append(spread([a[0] for a in added], "{:,.0f}") + " / " + spread([a[1] for a in added], "{:,.0f}")
                         if added and row != "direct" else "")
        cells.append(spread([r["server"]["cpu_s"] / r["window_s"] for r in rs], "{:.2f}"))
        cells.append(spread([r["client_cpu_pct"] for r in rs], "{:.0f}"))
        print("| " + " | ".join(cells) + " |")
    print()
    mine = rows.get("socketkit", {})
    for other in ("socat", "haproxy"):
        theirs = rows.get(other, {})
        common = [n for n in mine if n in theirs]
        if not common:
            continue
        q = [head(mine[n]) / head(theirs[n]) for n in common]
        c = [per_cpu(mine[n], head(mine[n])) / per_cpu(theirs[n], head(theirs[n])) for n in common]
        line = (f"- socketkit / {other}, round by round: {'MB/s' if stream else 'rt/s'} {spread(q, '{:.2f}x')}"
                f" ({', '.join(f'{v:.2f}' for v in q)}); per relay CPU-s {spread(c, '{:.2f}x')}")
        if not stream:
            for p in ("p50", "p99"):
                d = [mine[n]["lat_us"][p] - theirs[n]["lat_us"][p] for n in common]
                line += f"; {p} socketkit less {other} {spread(d, '{:+,.0f}')} µs ({', '.join(f'{v:+,.0f}' for v in d)})"
        print(line)
if failed:
    print()
    print("Failed, left out of the tables: " + ", ".join(
        f"{r['row']} {r.get('scenario', '?')} {r.get('conns', '?')} x {r.get('size', '?')} round {r['round']}"
        for r in failed))
PY
