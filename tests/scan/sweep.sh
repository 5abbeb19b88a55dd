#!/usr/bin/env bash
# Run inside a fresh network namespace (unshare -n): the simulated estate on 127.55.0.0/27 and
# camsweep's sweeps of it. Packets never leave the namespace. Writes results into $1.
#   full.jsonl            one whole sweep, recorded in $1/inv.db
#   full-sim.log          what the simulator answered during it (one line per answer)
#   thorough.jsonl        the same sweep asking every question (--thorough)
#   thorough-sim.log      and what the simulator answered during that one
#   closer-sim.log        RTSP to a device that closes the connection after each answer
#   late-{calm,stopped}.jsonl  a /22 of about 500 devices swept undisturbed, and swept while
#                         camsweep is stopped (SIGSTOP) for longer than its timeout
#   udp.jsonl             the Hikvision and Dahua devices with every UDP inquiry (--udp)
#   shard-{1,2,3}.jsonl   the same space split three ways (same seed)
#   resumed-*.jsonl       a sweep interrupted by SIGINT, then --resume'd
set -u
out=$1
bin=${CS_TEST_BIN:-./camsweep}
sim=${CS_SIM_BIN:-./camsweep-sim}
ip link set lo up
"$sim" --estate sim/demo.estate --quiet --hold 5 --log 2>"$out/sim.log" &
simpid=$!
trap 'kill $simpid 2>/dev/null; wait $simpid 2>/dev/null' EXIT
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.55.0.1/80) 2>/dev/null && break
	sleep 0.1
done
common=(--no-progress --format jsonl --timeout 600 --seed 42)
"$bin" scan "${common[@]}" --db "$out/inv.db" 127.55.0.0/27 >"$out/full.jsonl" 2>"$out/full.err"
echo "$?" >"$out/full.rc"
# The simulator logs an answer as it sends it: a moment for the last lines to be written.
sleep 0.3
cp "$out/sim.log" "$out/full-sim.log"
# Every question to every port (--thorough): the verdicts must not change, only the cost.
"$bin" scan "${common[@]}" --no-store --thorough 127.55.0.0/27 >"$out/thorough.jsonl" \
	2>"$out/thorough.err"
sleep 0.3
tail -n +"$(($(wc -l <"$out/full-sim.log") + 1))" "$out/sim.log" >"$out/thorough-sim.log"
# Every UDP inquiry (--udp) to the Hikvision and Dahua devices: SADP and DHIP name serials.
"$bin" scan "${common[@]}" --no-store --udp 127.55.0.1-8 >"$out/udp.jsonl" 2>"$out/udp.err"
for i in 1 2 3; do
	"$bin" scan "${common[@]}" --no-store --shard "$i/3" 127.55.0.0/27 >"$out/shard-$i.jsonl" 2>/dev/null
done
# Interrupt a slow sweep (one connection at a time) part-way, then resume it.
"$bin" scan --no-progress --format jsonl --timeout 600 --seed 7 --concurrency 2 --rate 40 \
	--db "$out/resume.db" 127.55.0.0/27 >"$out/resumed-1.jsonl" 2>"$out/resumed-1.err" &
scanpid=$!
sleep 2
kill -INT $scanpid
wait $scanpid
echo "$?" >"$out/resumed-1.rc"
"$bin" scan --no-progress --format jsonl --db "$out/resume.db" --resume \
	>"$out/resumed-2.jsonl" 2>"$out/resumed-2.err"
echo "$?" >"$out/resumed-2.rc"
"$bin" devices --db "$out/inv.db" --format json >"$out/devices.json" 2>/dev/null
# Rate: 32 addresses x 9 ports is at least 288 connections; at 60 a second that takes >= 4.8 s.
start=$(date +%s%N)
"$bin" scan --no-progress --no-store --format jsonl --timeout 600 --rate 60 127.55.0.0/27 \
	>/dev/null 2>&1
echo $((($(date +%s%N) - start) / 1000000)) >"$out/rate.ms"
# Deadlines: the seven hostile devices (trickling, endless, lying, silent...) with a 300 ms
# timeout must not hold the sweep: each step is cut at four timeouts.
start=$(date +%s%N)
"$bin" scan --no-progress --no-store --format jsonl --timeout 300 127.55.0.19-25 \
	>"$out/hostile.jsonl" 2>/dev/null
echo $((($(date +%s%N) - start) / 1000000)) >"$out/hostile.ms"
# RTSP to a device that closes the connection after each answer (byte-at-a-time, whose
# answers take about 3 s each): DESCRIBE must still be asked, on a fresh connection.
sleep 0.3
mark=$(wc -l <"$out/sim.log")
"$bin" scan --no-progress --no-store --format jsonl --timeout 1000 -p 554 127.55.0.19 \
	>"$out/closer.jsonl" 2>"$out/closer.err"
sleep 0.3
tail -n +"$((mark + 1))" "$out/sim.log" >"$out/closer-sim.log"
# A scanner starved of CPU: stopped for 2.5 s while thousands of connections are under way, its
# deadlines (1 s) all pass while the answers wait in their sockets, more of them than one epoll
# batch. They are the devices' answers all the same: the verdicts must equal a calm sweep's.
"$sim" --make-estate 127.57.0.0/22 --live 50% --seed 3 >"$out/late.estate"
"$sim" --estate "$out/late.estate" --quiet --hold 5 &
sim2=$!
trap 'kill $simpid $sim2 2>/dev/null; wait $simpid $sim2 2>/dev/null' EXIT
first=$(awk '$1 ~ /^127\./ && $2 == "nginx" { print $1; exit }' "$out/late.estate")
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/"$first"/80) 2>/dev/null && break
	sleep 0.1
done
late=(--no-progress --no-store --format jsonl --no-udp --rate 0 --timeout 1000 --seed 5)
"$bin" scan "${late[@]}" 127.57.0.0/22 >"$out/late-calm.jsonl" 2>"$out/late-calm.err"
"$bin" scan "${late[@]}" 127.57.0.0/22 >"$out/late-stopped.jsonl" 2>"$out/late-stopped.err" &
scanpid=$!
sleep 0.3
kill -STOP $scanpid
sleep 2.5
kill -CONT $scanpid
wait $scanpid
exit 0
