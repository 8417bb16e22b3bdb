#!/usr/bin/env bash
# Start-up figures for docs/measurements.md ("Start-up, measured"): how long a command takes from exec to its answer.
#   send    COMMAND send tcp://127.0.0.1:PORT hi, against a running echo server, until it exits (stdout must be hi)
#   help    COMMAND --help, until it exits
#   serve   COMMAND serve echo tcp://127.0.0.1:0 -q, until its `listening` line is on stdout (then it is stopped)
# For each run: wall time, and the CPU time (user + system) the command and its children used, which a busy machine
# changes far less than the wall time. Variants run interleaved, run by run, so drift on this shared box hits each
# alike; each figure is the median of the runs, with the min-max spread; the 1-minute load average is shown too.
# Not run by the build.
#
#   benchmarks/startup.sh [--runs N] [--cases send,help,serve] [--nice N] [--raw FILE] [NAME=COMMAND ...]
#
# COMMAND is what runs socketkit: a launcher, or `java FLAGS -jar cli/target/socketkit.jar`; `env VAR=VALUE COMMAND`
# sets a variable. Default: one variant, launcher=./socketkit. Runs under `nice -n -5` when allowed (root), so other
# work on the machine takes less of it; --nice 0 turns that off. The echo server is the harness's C epoll echo
# (../shared/bench/peers/cecho, built into a temporary directory), or a Python one where it or cc is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=11
cases=send,help,serve
niceness=-5
raw=""
variants=()
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --nice) niceness="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *=*) variants+=("$1"); shift ;;
    *) echo "startup.sh: '$1' is neither an option nor NAME=COMMAND (see --help)" >&2; exit 2 ;;
  esac
done
((${#variants[@]})) || variants=("launcher=./socketkit")
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "startup.sh: --runs must be a positive count, not '$runs'" >&2; exit 2; }
IFS=, read -r -a case_list <<<"$cases"
for c in "${case_list[@]}"; do
  [[ $c == send || $c == help || $c == serve ]] || { echo "startup.sh: no case '$c' (send, help, serve)" >&2; exit 2; }
done
nice_cmd=()
if [[ $niceness != 0 ]] && nice -n "$niceness" true 2>/dev/null; then nice_cmd=(nice -n "$niceness"); fi

work="$(mktemp -d)"
echo_pid=""
cleanup() {
  [[ -n $echo_pid ]] && kill "$echo_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cecho=../shared/bench/peers/cecho/cecho.c
if [[ -f $cecho ]] && command -v cc >/dev/null && cc -O2 -o "$work/cecho" "$cecho" 2>/dev/null; then
  "$work/cecho" tcp "127.0.0.1:$port" &
else
  python3 -c '
import socketserver, sys
class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(65536):
            self.request.sendall(data)
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()' "$port" &
fi
echo_pid=$!
for _ in $(seq 100); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.1).close()' "$port" \
    2>/dev/null && break
  sleep 0.05
done

hz=$(getconf CLK_TCK)
tree_ticks() { # pid -> utime+stime of the process and its descendants, in clock ticks
  local total child
  total=$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0)
  for child in $(pgrep -P "$1" || true); do total=$((total + $(tree_ticks "$child"))); done
  echo "$total"
}

# One run of one case: prints "WALL_MS CPU_MS", or fails with what went wrong.
run_once() { # command case
  local command="$1" case="$2" TIMEFORMAT='%R %U %S' times start pid line ticks
  case "$case" in
    send | help)
      local args="send tcp://127.0.0.1:$port hi"
      [[ $case == help ]] && args="--help"
      times=$({ time eval "${nice_cmd[*]} $command $args" >"$work/out" 2>"$work/err"; } 2>&1) \
        || { echo "startup.sh: '$command $args' failed: $(tail -1 "$work/err")" >&2; return 1; }
      if [[ $case == send && "$(cat "$work/out")" != hi ]]; then
        echo "startup.sh: '$command $args' printed '$(head -c 80 "$work/out")', not hi" >&2
        return 1
      fi
      awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}' <<<"$times"
      ;;
    serve)
      rm -f "$work/fifo" && mkfifo "$work/fifo"
      start=$EPOCHREALTIME
      eval "exec ${nice_cmd[*]} $command serve echo tcp://127.0.0.1:0 -q" >"$work/fifo" 2>"$work/err" &
      pid=$!
      if ! read -r line <"$work/fifo" || [[ $line != listening* ]]; then
        wait "$pid" 2>/dev/null || true
        echo "startup.sh: '$command serve' did not listen: $(tail -1 "$work/err")" >&2
        return 1
      fi
      local end=$EPOCHREALTIME
      ticks=$(tree_ticks "$pid")
      kill -TERM "$pid"
      wait "$pid" 2>/dev/null || true
      awk -v s="$start" -v e="$end" -v t="$ticks" -v hz="$hz" 'BEGIN {printf "%.0f %.0f\n", (e - s) * 1000, t * 1000 / hz}'
      ;;
  esac
}

# Warm the page cache (and let a launcher build or make its class archive) outside the measurements.
for v in "${variants[@]}"; do
  for c in "${case_list[@]}"; do run_once "${v#*=}" "$c" >/dev/null; done
done

: >"$work/results"
loads=()
for ((run = 1; run <= runs; run++)); do
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  for c in "${case_list[@]}"; do
    for v in "${variants[@]}"; do
      echo "${v%%=*} $c $(run_once "${v#*=}" "$c")" >>"$work/results"
    done
  done
done
loads+=("$(cut -d' ' -f1 /proc/loadavg)")
[[ -n $raw ]] && cp "$work/results" "$raw"

echo "| variant | case | wall ms, median (min-max) | CPU ms, median (min-max) |"
echo "| --- | --- | --- | --- |"
# median (min-max) of one column of one variant's case, in whole milliseconds
stat() { # variant case column
  awk -v v="$1" -v c="$2" -v k="$3" '$1 == v && $2 == c {print $k}' "$work/results" | sort -n | awk '
    { a[NR] = $1 }
    END { printf "%d (%d-%d)", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2, a[1], a[NR] }'
}
for v in "${variants[@]}"; do
  for c in "${case_list[@]}"; do
    echo "| ${v%%=*} | $c | $(stat "${v%%=*}" "$c" 3) | $(stat "${v%%=*}" "$c" 4) |"
  done
done
printf '\n%s runs of each, interleaved; %s; 1-minute load average %s\n' "$runs" \
  "$([[ ${#nice_cmd[@]} -gt 0 ]] && echo "nice $niceness" || echo "not niced")" \
  "$(printf '%s\n' "${loads[@]}" | sort -n | sed -n '1p;$p' | paste -sd- -)"
