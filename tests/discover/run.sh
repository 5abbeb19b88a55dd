#!/usr/bin/env bash
# Run inside a fresh network namespace (unshare -n): a veth pair to a second namespace where
# camsweep-sim --mcast-if plays five devices on 198.51.100.10-14 and three hostile ones on .15-17 (TEST-NET-2, never routed), and
# camsweep discover on the other end. Packets never leave the two namespaces. Writes into $1:
#   all.jsonl / all.err / all.rc      discover, every protocol, recorded in $1/inv.db
#   one.jsonl                         --protocols sadp --repeat 1
#   all.csv / all.table               the same in the other formats
#   fetch.jsonl / fetch.rc            --fetch: ONVIF GetDeviceInformation to advertised XAddrs
#   quick.rc / quick.ms               --timeout 0.5 with nobody slow: how long it took
#   two.err / two.rc                  a second interface up and no --interface: refused
#   all.sadp / one.sadp               SADP answers of the Hikvision camera the sim logged by then
#   sim.log                           the simulator's log of every answer
set -u
out=$1
bin=${CS_TEST_BIN:-./camsweep}
sim=${CS_SIM_BIN:-./camsweep-sim}
here=$(dirname "$0")
ip link set lo up
# The far side: a namespace of its own, held open by a sleeping child.
unshare -n sleep 600 &
farpid=$!
cleanup() {
	[ -n "${simpid:-}" ] && kill "$simpid" 2>/dev/null && wait "$simpid" 2>/dev/null
	echo "$?" >"$out/sim.rc"
	kill "$farpid" 2>/dev/null
	wait "$farpid" 2>/dev/null
}
trap cleanup EXIT
sleep 0.2
far() { nsenter -t "$farpid" -n "$@"; }
ip link add cs0 type veth peer name cs1 netns "$farpid" || exit 3
ip addr add 198.51.100.1/24 dev cs0
ip link set cs0 up
far ip link set lo up
for h in 10 11 12 13 14 15 16 17; do far ip addr add 198.51.100.$h/24 dev cs1; done
far ip link set cs1 up
nsenter -t "$farpid" -n "$sim" --estate "$here/estate" --mcast-if cs1 --log --quiet \
	>"$out/sim.out" 2>"$out/sim.log" &
simpid=$!
for _ in $(seq 50); do
	grep -q ready "$out/sim.out" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5 # veth carrier and IPv4 DAD-free addresses: let the link settle
"$bin" discover --timeout 2 --format jsonl --db "$out/inv.db" >"$out/all.jsonl" 2>"$out/all.err"
echo "$?" >"$out/all.rc"
sadp_count() { sleep 0.2; grep -c '37020/udp .* hikvision-camera ' "$out/sim.log"; }
sadp_count >"$out/all.sadp"
"$bin" discover --interface cs0 --protocols sadp --repeat 1 --timeout 1 --no-store \
	--format jsonl >"$out/one.jsonl" 2>"$out/one.err"
echo "$?" >"$out/one.rc"
sadp_count >"$out/one.sadp"
"$bin" discover --interface cs0 --timeout 2 --format csv --no-store >"$out/all.csv" 2>/dev/null
"$bin" discover --interface cs0 --timeout 1 --format table --no-store >"$out/all.table" 2>/dev/null
"$bin" discover --interface cs0 --timeout 1 --fetch --format jsonl --no-store \
	>"$out/fetch.jsonl" 2>"$out/fetch.err"
echo "$?" >"$out/fetch.rc"
start=$(date +%s%N)
"$bin" discover --interface cs0 --timeout 0.5 --no-store --format jsonl >/dev/null 2>&1
echo "$?" >"$out/quick.rc"
echo $((($(date +%s%N) - start) / 1000000)) >"$out/quick.ms"
"$bin" devices --db "$out/inv.db" --format json >"$out/devices.json" 2>/dev/null
# A second interface up: discover must refuse to guess.
ip link add cs2 type veth peer name cs3 && ip addr add 203.0.113.1/24 dev cs2 && ip link set cs2 up
"$bin" discover --timeout 0.5 --no-store >/dev/null 2>"$out/two.err"
echo "$?" >"$out/two.rc"
exit 0
