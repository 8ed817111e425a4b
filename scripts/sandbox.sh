# Sourced by scripts/demo.sh and scripts/try.sh. start_sandbox LOG ARGS... starts
# build/klarna-sandbox on a free port with ARGS, its output in LOG, stops it when the
# script exits, and sets sandbox_url once it listens.
start_sandbox() {
  local log=$1
  shift
  build/klarna-sandbox --port 0 "$@" > "$log" 2>&1 &
  # shellcheck disable=SC2064 # the pid is meant to be expanded now
  trap "kill $! 2>/dev/null || true" EXIT
  for _ in $(seq 100); do
    grep -q "listening on" "$log" 2>/dev/null && break
    sleep 0.1
  done
  sandbox_url=$(awk '/listening on/ {print $4; exit}' "$log")
}
