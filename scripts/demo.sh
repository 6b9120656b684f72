#!/usr/bin/env bash
# The main job, end to end: build, start the bundled simulator of the Mihu API over TLS (with a
# CA made for this run), then plan, apply and plan again the repository in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
work=build/demo
rm -rf "$work" && mkdir -p "$work"

# A throwaway CA and a server certificate for 127.0.0.1, trusted only by this demo.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=reconcile demo CA" \
  -keyout "$work/ca-key.pem" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/server-key.pem" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" -CAcreateserial \
  -days 1 -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null

export MIHU_SIM_TOKEN="demo-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
build/src/sim/mihu-sim --cert "$work/server.pem" --key "$work/server-key.pem" \
  --seed examples/seed.json --port 0 --port-file "$work/port" 2>"$work/sim.log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "the simulator did not start; see $work/sim.log" >&2; exit 1; }

export MIHU_API_URL="https://127.0.0.1:$(cat "$work/port")"
export MIHU_API_TOKEN="$MIHU_SIM_TOKEN"
reconcile=(build/reconcile --repo examples --ca-file "$work/ca.pem")

step() { printf '\n\033[1m$ reconcile %s\033[0m\n' "$*"; }
step validate;                  "${reconcile[@]}" validate
step plan;                      "${reconcile[@]}" plan
step apply --auto-approve;      "${reconcile[@]}" apply --auto-approve
step plan --detailed-exitcode;  "${reconcile[@]}" plan --detailed-exitcode
echo
echo "Demo complete: the second plan shows no changes."
