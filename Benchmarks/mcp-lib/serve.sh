# Shared by Benchmarks/mcp and Benchmarks/mcp-ab (sourced, not run): starting `bmm serve`, driving it
# with wrk and reading a server's CPU time. Expects the caller to have set python (the bench venv's),
# lib (this folder), out (bench-out), bin (the folder of bmm and bmm-sandbox-worker), threads,
# connections and duration.

helper() { "$python" "$lib/hosting.py" "$@"; }
field() { "$python" -c $'import json, sys\nv = json.loads(sys.argv[1])\nfor k in sys.argv[2:]: v = v[k]\nprint(v)' "$@"; }
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {
  for _ in $(seq 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "$1 did not come up" >&2; return 1
}

# Starts `bmm serve` from $serve_bin (default $bin) on a free port with a data dir of its own; sets
# served_base and served_pid. Tool-call rate limits off: the load is one token on one server far past
# any plan's figure (Benchmarks/mcp-ratelimit measures what the limiter costs).
serve_bmm() { # data-dir log-name [VAR=value ...]
  local dir=$1 name=$2 port
  shift 2
  port=$(free_port)
  served_base=http://127.0.0.1:$port
  mkdir -p "$dir"
  env -u DATABASE_URL BMM_DATA_DIR="$dir" BMM_PORT="$port" BMM_PUBLIC_URL="$served_base" BMM_SIGNIN_SENDS_PER_IP=1000 \
    BMM_TOOL_CALLS_PER_MINUTE=off "$@" "${serve_bin:-$bin}/bmm" serve --log warning >"$out/$name.log" 2>&1 &
  served_pid=$!
  wait_http "$served_base/healthz"
}

# Prints wrk's RESULT line; fails when any response was not a successful tool result.
load() { # url seconds [env...]
  local url=$1 seconds=$2; shift 2
  local text
  text=$(env "$@" wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$lib/tools_call.lua" "$url")
  local line
  line=$(grep '^RESULT' <<<"$text")
  grep '^FIRST_BAD' <<<"$text" >&2 || true
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); if ((kv[1] == "not200" || kv[1] == "wrong_body" || kv[1] == "socket_errors" || kv[1] == "timeouts") && kv[2] > 0) bad = 1 } } END { exit bad }' <<<"$line" ||
    { echo "load on $url: not every response was a successful tools/call result: $line" >&2; return 1; }
  echo "$line"
}
get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# GET /healthz under the same load client, as a RESULT line like the tools/call script's.
plain_load() { # url seconds
  local text
  text=$(wrk -t"$threads" -c"$connections" -d"$2s" --timeout 10s "$1")
  ! grep -qE "Non-2xx|Socket errors" <<<"$text" || { echo "load on $1 was not all 200s: $text" >&2; return 1; }
  awk '/requests in/ { n = $1 } /^Requests\/sec:/ { r = $2 } END { printf "RESULT rps=%s requests=%s\n", r, n }' <<<"$text"
}

# Whether RESULT line $2 has more requests/s than $1 (true when $1 is empty).
better() { [ -z "$1" ] || awk -v a="$(get rps "$2")" -v b="$(get rps "$1")" 'BEGIN { exit !(a > b) }'; }
cpu() { field "$(helper cpu --pid "$1")" seconds; }
# The load line plus cpu_ms: CPU time of the server's process tree (bmm: with its sandbox
# workers, recycled ones included) per request, which a busy machine disturbs far less than requests/s.
measured() { # pid url env... (url .../healthz: a plain GET)
  local pid=$1 url=$2; shift 2
  local before line after
  before=$(cpu "$pid")
  if [[ $url == */healthz ]]; then line=$(plain_load "$url" "$duration"); else line=$(load "$url" "$duration" "$@"); fi
  after=$(cpu "$pid")
  echo "$line cpu_ms=$(awk -v a="$before" -v b="$after" -v n="$(get requests "$line")" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')"
}
