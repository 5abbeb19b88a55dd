#!/usr/bin/env bash
# Run inside a fresh network namespace (unshare -n): the simulated estate on 127.55.0.0/27,
# three sweeps recorded in one inventory, then `diff`, `findings` and `check` over it. Packets
# never leave the namespace. Writes results into $1:
#   diff-12.json   sweep 1 (the /27) against sweep 2 (only the /28): the rest is "unseen"
#   diff-13.json   sweep 1 against sweep 3 (the /27 again): nothing new, nothing gone
#   findings.json  the findings of the inventory; check.rc the exit status of `check`
set -u
out=$1
bin=${CS_TEST_BIN:-./camsweep}
sim=${CS_SIM_BIN:-./camsweep-sim}
ip link set lo up
"$sim" --estate sim/demo.estate --quiet --hold 5 &
simpid=$!
trap 'kill $simpid 2>/dev/null; wait $simpid 2>/dev/null' EXIT
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.55.0.1/80) 2>/dev/null && break
	sleep 0.1
done
common=(--no-progress --format jsonl --timeout 600 --seed 42 --db "$out/inv.db")
"$bin" scan "${common[@]}" 127.55.0.0/27 >/dev/null 2>"$out/scan1.err"
"$bin" scan "${common[@]}" 127.55.0.0/28 >/dev/null 2>"$out/scan2.err"
"$bin" scan "${common[@]}" 127.55.0.0/27 >/dev/null 2>"$out/scan3.err"
"$bin" diff --db "$out/inv.db" --format json 1 2 >"$out/diff-12.json" 2>"$out/diff.err"
"$bin" diff --db "$out/inv.db" --format json 1 3 >"$out/diff-13.json" 2>>"$out/diff.err"
"$bin" findings --db "$out/inv.db" --format json >"$out/findings.json" 2>"$out/findings.err"
"$bin" check --db "$out/inv.db" --threshold medium --quiet
echo "$?" >"$out/check.rc"
exit 0
