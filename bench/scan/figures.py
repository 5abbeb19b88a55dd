#!/usr/bin/env python3
"""figures.py - the arithmetic of bench/scan/run: what to scan, and what the scan achieved.

bench/scan/run (bash) starts and times the programs; this file only reads and writes files in
the work directory, so it can be re-run on a kept work directory without scanning again:

  figures.py prepare WORK SUBPREFIX   from WORK/truth.tsv (camsweep-sim --dump): the live lists,
                                      the nftables ruleset, the nmap sub-range
  figures.py report WORK              from everything the run measured: the table of figures

Ground truth is the simulator's own --dump (address, persona, ...); what camsweep should say
about each persona is EXPECTED_MAKER below, not the simulator's column, so that the benchmark
states its own definition of a right answer.
"""

import collections
import ipaddress
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# What a right identification is, per persona of docs/sim.md: the company that really made the
# hardware (a relabelled Dahua sold as Amcrest is still Dahua's). None: not a surveillance
# device (a web server, a printer, a hostile device), where the right answer is "no maker".
EXPECTED_MAKER = {
    "hikvision-camera": "Hikvision",
    "hikvision-camera-old": "Hikvision",
    "hikvision-nvr": "Hikvision",
    "hikvision-relabel": "Hikvision",
    "dahua-camera": "Dahua",
    "dahua-nvr": "Dahua",
    "dahua-relabel": "Dahua",
    "dahua-relabel-lorex": "Dahua",
    "uniview": "Uniview",
    "axis": "Axis",
    "hanwha": "Hanwha",
    "bosch": "Bosch",
    "vivotek": "Vivotek",
    "reolink": "Reolink",
    "ubiquiti": "Ubiquiti",
    "xiongmai-dvr": "Xiongmai",
    "nginx": None,
    "printer": None,
    "byte-at-a-time": None,
    "endless-headers": None,
    "garbage": None,
    "reset-mid-reply": None,
    "lying-length": None,
    "script-in-title": None,
    "slowloris-accept": None,
}

# How nmap "names the maker": its product, version, extra info, device type, OS type, host name
# or CPE mentions one of these words (case-insensitive). Each maker's own name, plus the names
# its products are sold or fingerprinted under in nmap-service-probes.
NMAP_WORDS = {
    "Hikvision": ["hikvision"],
    "Dahua": ["dahua"],
    "Uniview": ["uniview", "unv"],
    "Axis": ["axis"],
    # Hanwha Vision was Samsung Techwin: nmap names its cameras "Samsung SNB-2000 ...".
    "Hanwha": ["hanwha", "samsung", "techwin", "wisenet"],
    "Bosch": ["bosch"],
    "Vivotek": ["vivotek"],
    "Reolink": ["reolink"],
    "Ubiquiti": ["ubiquiti", "unifi", "ubnt"],
    "Xiongmai": ["xiongmai", "xmeye"],
}

# Personas nmap -sV never finishes with (it reads their endless answer for ever, --host-timeout
# notwithstanding): nmap's sub-range is chosen without them, which flatters nmap's rate.
NMAP_NEVER_ENDS = {"endless-headers"}

# Personas that exist to test robustness, not to be scanned fast: left out of the live-host
# rate comparison (the minimal loop has no defence against them and would only measure its
# own timeout).
HOSTILE_TYPE = "hostile"


def read_truth(work):
    """The simulator's --dump: {ip: {"persona", "type", "ports": [tcp ports]}}."""
    truth = {}
    with open(os.path.join(work, "truth.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            ip, persona, dtype, ports = cols[0], cols[1], cols[4], cols[8]
            tcp = [int(p) for p in ports.split(",") if p and not p.endswith("/udp")]
            truth[ip] = {"persona": persona, "type": dtype, "ports": tcp, "maker": cols[2]}
    return truth


def expected(dev):
    if dev["persona"] in EXPECTED_MAKER:
        return EXPECTED_MAKER[dev["persona"]]
    # A persona added to the simulator after this table: trust its own maker column.
    return None if dev["maker"] == "-" else dev["maker"]


def prepare(work, subprefix):
    truth = read_truth(work)
    addrs = sorted(truth, key=lambda a: int(ipaddress.IPv4Address(a)))
    unknown = sorted({truth[a]["persona"] for a in addrs} - set(EXPECTED_MAKER))
    if unknown:
        print("figures: personas not in EXPECTED_MAKER (their maker taken from the "
              "simulator): " + ", ".join(unknown), file=sys.stderr)
    with open(os.path.join(work, "live.txt"), "w") as f:
        for a in addrs:
            f.write(a + "\n")
    good = [a for a in addrs if truth[a]["type"] != HOSTILE_TYPE]
    with open(os.path.join(work, "live-good.txt"), "w") as f:
        for a in good:
            f.write(a + "\n")

    # nftables: addresses outside the live set drop everything (a sparse network's silence);
    # a live address refuses (RST) the TCP ports its persona does not serve, as a real host's
    # kernel does, instead of the simulator accepting and then resetting them.
    estate = ipaddress.IPv4Network(open(os.path.join(work, "cidr")).read().strip())
    live = ",\n\t\t\t".join(addrs) or "127.255.255.254"
    svc = ",\n\t\t\t".join(f"{a} . {p}" for a in addrs for p in truth[a]["ports"])
    svc = svc or "127.255.255.254 . 1"
    with open(os.path.join(work, "nft.conf"), "w") as f:
        f.write(f"""# generated by bench/scan/figures.py prepare: the sparse network of bench/scan/run
table inet camsweep_bench {{
	set live {{
		type ipv4_addr
		elements = {{ {live} }}
	}}
	set live_tcp {{
		type ipv4_addr . inet_service
		elements = {{ {svc} }}
	}}
	# Connection attempts to live hosts (a SYN there is answered at once, so never resent):
	# bench/scan/run resets and reads it around each phase.
	counter live_syn {{ }}
	chain input {{
		type filter hook input priority filter; policy accept;
		ip daddr @live tcp flags & (syn | ack) == syn counter name "live_syn"
		ip daddr {estate} ip daddr != @live drop
		ip daddr {estate} meta l4proto tcp ip daddr . tcp dport != @live_tcp reject with tcp reset
	}}
}}
""")

    # The nmap sub-range: of the estate's /SUBPREFIX blocks without a device nmap never
    # finishes with (NMAP_NEVER_ENDS), the one whose live and hostile counts are nearest the
    # estate's averages (nmap -sV spends most of its time on the hostile
    # devices, so a block without any would flatter it), then the one with the most personas,
    # then the lowest.
    blocks = collections.defaultdict(list)
    for a in addrs:
        blocks[ipaddress.IPv4Network(f"{a}/{subprefix}", strict=False)].append(a)
    nblocks = 2 ** (subprefix - estate.prefixlen)
    mean = len(addrs) / nblocks

    hostile_mean = (len(addrs) - len(good)) / nblocks

    def hostile(b):
        return sum(1 for a in blocks[b] if truth[a]["type"] == HOSTILE_TYPE)

    def key(b):
        return (abs(len(blocks[b]) - mean) + abs(hostile(b) - hostile_mean),
                -len({truth[a]["persona"] for a in blocks[b]}), int(b.network_address))

    usable = [b for b in blocks
              if not any(truth[a]["persona"] in NMAP_NEVER_ENDS for a in blocks[b])] or blocks
    sub = min(usable, key=key) if usable else ipaddress.IPv4Network(
        f"{estate.network_address}/{subprefix}")
    with open(os.path.join(work, "subrange"), "w") as f:
        f.write(str(sub) + "\n")
    print(f"live={len(addrs)} good={len(good)} hostile={len(addrs) - len(good)} "
          f"subrange={sub} subrange_live={len(blocks.get(sub, []))} "
          f"subrange_hostile={hostile(sub) if sub in blocks else 0} "
          f"mean_per_block={mean:.1f} hostile_per_block={hostile_mean:.2f}")


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k:
                    env[k] = v
    return env


def read_jsonl(path):
    """camsweep scan --format jsonl: {ip: manufacturer or None}, and unparsable line count."""
    out, bad = {}, 0
    if not os.path.exists(path):
        return out, bad
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError:
                bad += 1
                continue
            out[o.get("ip")] = o.get("manufacturer")
    return out, bad


def read_time_v(path):
    """GNU time -v: (peak RSS in KiB, wall seconds) or (None, None)."""
    rss = wall = None
    if not os.path.exists(path):
        return rss, wall
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("Maximum resident set size (kbytes):"):
            rss = int(line.rsplit(":", 1)[1])
        elif line.startswith("Elapsed (wall clock) time"):
            t = line.rsplit(" ", 1)[1].split(":")
            wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
    return rss, wall


def read_nmap(path):
    """nmap -oX: {ip: [(port, state, text naming the service)]}."""
    hosts = {}
    if not os.path.exists(path):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    for h in root.iter("host"):
        addr = h.find("address")
        if addr is None:
            continue
        ports = []
        for p in h.iter("port"):
            st = p.find("state")
            svc = p.find("service")
            text = []
            if svc is not None:
                for k in ("product", "version", "extrainfo", "devicetype", "ostype", "hostname"):
                    if svc.get(k):
                        text.append(svc.get(k))
                text += [c.text or "" for c in svc.iter("cpe")]
            ports.append((int(p.get("portid")), st.get("state") if st is not None else "",
                          " ".join(text)))
        hosts[addr.get("addr")] = ports
    return hosts


def nmap_maker(ports):
    """The makers nmap's service descriptions of one host mention."""
    text = " ".join(t for _, state, t in ports if state == "open").lower()
    return sorted(m for m, words in NMAP_WORDS.items()
                  if any(re.search(r"\b" + re.escape(w) + r"\b", text) for w in words))


def score_camsweep(truth, scope, named):
    """(right, total, per-persona Counter of (expected, said)) for the addresses in scope."""
    right, rows = 0, collections.defaultdict(collections.Counter)
    for a in scope:
        exp, said = expected(truth[a]), named.get(a)
        ok = said == exp if exp is not None else said is None
        right += ok
        rows[truth[a]["persona"]][(ok, said)] += 1
    return right, len(scope), rows


def score_nmap(truth, scope, hosts):
    right = 0
    rows = collections.defaultdict(collections.Counter)
    for a in scope:
        exp = expected(truth[a])
        said = nmap_maker(hosts.get(a, []))
        ok = said == [exp] if exp is not None else not said
        right += ok
        rows[truth[a]["persona"]][(ok, ",".join(said) or None)] += 1
    return right, len(scope), rows


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def num(x, fmt="{:,.0f}"):
    return fmt.format(x) if x is not None else "n/a"


def ratio(a, b, fmt="{:,.1f}"):
    return fmt.format(a / b) if a is not None and b else "n/a"


def report(work):
    env = read_env(os.path.join(work, "measured.env"))
    truth = read_truth(work)
    cidr = ipaddress.IPv4Network(open(os.path.join(work, "cidr")).read().strip())
    sub = ipaddress.IPv4Network(open(os.path.join(work, "subrange")).read().strip())
    nports = int(env.get("ports_n", "9"))
    live = sorted(truth)
    good = [a for a in live if truth[a]["type"] != HOSTILE_TYPE]
    sub_live = [a for a in live if ipaddress.IPv4Address(a) in sub]
    L = []

    def out(s=""):
        L.append(s)

    # camsweep over the whole estate.
    cs, cs_bad = read_jsonl(os.path.join(work, "camsweep-estate.jsonl"))
    cs_rss, cs_wall = read_time_v(os.path.join(work, "camsweep-estate.time"))
    cs_s = float(env["camsweep_estate_s"]) if "camsweep_estate_s" in env else cs_wall
    cs_aps = cidr.num_addresses / cs_s if cs_s else None
    found = [a for a in cs if a in truth]
    phantom = [a for a in cs if a not in truth]
    cs_right, cs_total, cs_rows = score_camsweep(truth, live, cs)
    cs_sub_right, cs_sub_total, _ = score_camsweep(truth, sub_live, cs)

    # camsweep over the well-behaved live hosts only.
    csl, _ = read_jsonl(os.path.join(work, "camsweep-live.jsonl"))
    csl_rss, csl_wall = read_time_v(os.path.join(work, "camsweep-live.time"))
    csl_s = float(env["camsweep_live_s"]) if "camsweep_live_s" in env else csl_wall
    csl_hps = len(good) / csl_s if csl_s else None
    csl_conns = int(env["camsweep_live_live_syn"]) if "camsweep_live_live_syn" in env else None
    csl_cps = csl_conns / csl_s if csl_conns is not None and csl_s else None

    # ... and again with no rate limit (--rate 0), LIVE_PAIRS times, each after a run of the
    # TLS loop (read below): the medians are the figures.
    def median(xs):
        xs = sorted(x for x in xs if x is not None)
        return xs[len(xs) // 2] if xs else None
    pairs = int(env.get("live_pairs", "1"))
    cslm_runs = []
    for i in range(1, pairs + 1):
        _, wall = read_time_v(os.path.join(work, f"camsweep-live-max-{i}.time"))
        secs = float(env[f"camsweep_live_max_{i}_s"]) if f"camsweep_live_max_{i}_s" in env else wall
        conns = (int(env[f"camsweep_live_max_{i}_live_syn"])
                 if f"camsweep_live_max_{i}_live_syn" in env else None)
        cslm_runs.append((len(good) / secs if secs else None,
                          conns / secs if conns is not None and secs else None,
                          conns))
    cslm_hps = median(r[0] for r in cslm_runs)
    cslm_cps = median(r[1] for r in cslm_runs)
    cslm_conns = median(r[2] for r in cslm_runs)

    # The minimal loop: port 80 of each host, then every port of each host.
    def read_minloop(name):
        d = {}
        path = os.path.join(work, name)
        if os.path.exists(path):
            for line in open(path):
                if line.startswith("minloop "):
                    d = dict(kv.split("=", 1) for kv in line.split()[1:])
        return d
    ml = read_minloop("minloop.out")
    ml_hps = float(ml["hosts_per_s"]) if "hosts_per_s" in ml else None
    mlp = read_minloop("minloop-ports.out")
    mlp_cps = float(mlp["conns_per_s"]) if "conns_per_s" in mlp else None
    mlp_hps = mlp_cps / nports if mlp_cps else None
    mlt_runs = [read_minloop(f"minloop-tls-{i}.out") for i in range(1, pairs + 1)]
    mlt_cps = median(float(m["conns_per_s"]) for m in mlt_runs if "conns_per_s" in m)
    mlt_hps = mlt_cps / nports if mlt_cps else None
    mlt = mlt_runs[0] if mlt_runs else {}
    pair_ratios = []
    for (hps, _, _), m in zip(cslm_runs, mlt_runs):
        if hps and "conns_per_s" in m and float(m["conns_per_s"]) > 0:
            pair_ratios.append(hps / (float(m["conns_per_s"]) / nports))

    # nmap over the sub-range.
    nm = read_nmap(os.path.join(work, "nmap.xml"))
    nm_rss, nm_s = read_time_v(os.path.join(work, "nmap.time"))
    nm_aps = sub.num_addresses / nm_s if nm_s and nm is not None else None
    if nm is not None:
        nm_right, nm_total, nm_rows = score_nmap(truth, sub_live, nm)
        nm_live = sum(1 for a, ps in nm.items() if any(s == "open" for _, s, _ in ps))

    mib = 1024.0
    out(f"camsweep scan benchmark: {env.get('when', '')}  ({env.get('mode', 'full')} run)")
    out(f"  machine: {env.get('cpus', '?')} CPUs, {env.get('kernel', '?')}; camsweep "
        f"{env.get('version', '?')}; {env.get('nmap_version', 'nmap ?')}")
    out(f"  estate: {cidr} ({cidr.num_addresses:,} addresses), {len(live):,} live devices "
        f"({len(live) - len(good)} hostile), seed {env.get('seed', '?')}; silent addresses "
        f"drop every packet (nftables), closed ports of live hosts answer RST")
    out(f"  ports: {env.get('ports', '?')} ({nports}); camsweep options: "
        f"{env.get('camsweep_opts', '') or 'defaults'}")
    out("")
    out(f"{'':34} {'camsweep':>14} {'nmap -sT -sV':>14} {'minimal loop':>14}")
    out(f"{'range':34} {str(cidr):>14} {str(sub):>14} {'live hosts':>14}")
    out(f"{'addresses':34} {cidr.num_addresses:>14,} {sub.num_addresses:>14,} "
        f"{(ml.get('targets') or 'n/a'):>14}")
    out(f"{'seconds (wall)':34} {num(cs_s, '{:,.1f}'):>14} {num(nm_s, '{:,.1f}'):>14} "
        f"{num(float(ml['seconds']) if 'seconds' in ml else None, '{:,.2f}'):>14}")
    out(f"{'addresses/s':34} {num(cs_aps, '{:,.1f}'):>14} {num(nm_aps, '{:,.2f}'):>14} "
        f"{'':>14}")
    out(f"{'ports/s (addresses x ports / s)':34} {num(cs_aps * nports if cs_aps else None):>14} "
        f"{num(nm_aps * nports if nm_aps else None, '{:,.1f}'):>14} {'':>14}")
    out(f"{'live hosts/s (live hosts only)':34} {num(csl_hps, '{:,.1f}'):>14} {'':>14} "
        f"{num(ml_hps, '{:,.1f}'):>14}  (loop: port 80 only)")
    out(f"{'  camsweep --rate 0 --no-udp':34} {num(cslm_hps, '{:,.1f}'):>14} {'':>14} "
        f"{num(mlt_hps, '{:,.1f}'):>14}  (loop: all {nports} ports, TLS on "
        f"{env.get('tls_ports', '?')})")
    out(f"{'':34} {'':>14} {'':>14} "
        f"{num(mlp_hps, '{:,.1f}'):>14}  (loop: all {nports} ports, no TLS)")
    out(f"{'connections to live hosts/s':34} {num(csl_cps):>14} {'':>14} "
        f"{num(ml_hps, '{:,.0f}'):>14}")
    out(f"{'  camsweep --rate 0 --no-udp':34} {num(cslm_cps):>14} {'':>14} "
        f"{num(mlt_cps, '{:,.0f}'):>14}  (TLS; no TLS: {num(mlp_cps, '{:,.0f}')})")
    out(f"{'connections per live host':34} "
        f"{num(csl_conns / len(good) if csl_conns is not None and good else None, '{:.1f}'):>14} "
        f"{'':>14} {'1 or ' + str(nports):>14}")
    out(f"{'peak RSS':34} {num(cs_rss / mib if cs_rss else None, '{:,.1f} MiB'):>14} "
        f"{num(nm_rss / mib if nm_rss else None, '{:,.1f} MiB'):>14} {'':>14}")
    if nm is not None:
        out(f"{'identified, sub-range':34} "
            f"{f'{cs_sub_right}/{cs_sub_total}':>14} {f'{nm_right}/{nm_total}':>14}")
        out(f"{'  accuracy, sub-range':34} {pct(cs_sub_right, cs_sub_total):>14} "
            f"{pct(nm_right, nm_total):>14}")
    out(f"{'identified, whole estate':34} {f'{cs_right}/{cs_total}':>14}")
    out(f"{'  accuracy, whole estate':34} {pct(cs_right, cs_total):>14}")
    out(f"{'live hosts found':34} {f'{len(found)}/{len(live)}':>14} "
        f"{(f'{nm_live}/{len(sub_live)}' if nm is not None else 'n/a'):>14}")
    out("")
    out("ratios and targets (reported, not enforced):")
    r1 = cs_aps / nm_aps if cs_aps and nm_aps else None
    out(f"  per-address rate, camsweep / nmap:        {ratio(cs_aps, nm_aps):>10} x   "
        f"target >= 1,000 x: {'met' if r1 and r1 >= 1000 else 'MISSED'}")
    if nm is not None:
        ok = cs_sub_right >= nm_right
        out(f"  identification on {str(sub):<18}      {pct(cs_sub_right, cs_sub_total):>10}"
            f" vs {pct(nm_right, nm_total)}   target >= nmap: {'met' if ok else 'MISSED'}")
    r2 = cslm_hps / mlt_hps if cslm_hps and mlt_hps else None
    out(f"  live hosts/s, camsweep --rate 0 --no-udp / loop over the same ports: "
        f"{ratio(cslm_hps, mlt_hps, '{:.3f}'):>7}   "
        f"target >= 0.5: {'met' if r2 and r2 >= 0.5 else 'MISSED'}")
    if pair_ratios:
        out(f"    (medians of {len(pair_ratios)} alternating runs; each pair's ratio: "
            f"{', '.join(f'{r:.3f}' for r in pair_ratios)})")
    out(f"  the same, against the loop that sends GET / to the TLS ports in clear: "
        f"{ratio(cslm_hps, mlp_hps, '{:.3f}'):>5}   (no handshakes: a lower bound no "
        f"HTTPS client reaches)")
    out(f"  live hosts/s, camsweep (default --rate) / the TLS loop:             "
        f"{ratio(csl_hps, mlt_hps, '{:.3f}'):>7}   (the default rate is a politeness limit)")
    out(f"  live hosts/s, camsweep --rate 0 / minimal loop on port 80 alone:   "
        f"{ratio(cslm_hps, ml_hps, '{:.4f}'):>7}   (one connection a host against "
        f"{num(cslm_conns / len(good) if cslm_conns is not None and good else None, '{:.1f}')})")
    out(f"  connections/s, camsweep --rate 0 / the TLS loop over the same ports: "
        f"{ratio(cslm_cps, mlt_cps, '{:.3f}'):>6}")
    out(f"  peak RSS for the estate:                  "
        f"{num(cs_rss / mib if cs_rss else None, '{:,.1f}'):>10} MiB "
        f"target < 64 MiB: {'met' if cs_rss and cs_rss < 64 * 1024 else 'MISSED'}")
    out("")
    out("what the figures are (docs/bench.md):")
    out(f"  camsweep: camsweep scan --no-store --format jsonl --no-progress over {cidr} "
        f"(every address, default ports); seconds are the wall time of the process, RSS its "
        f"peak (GNU time -v).")
    sub_hostile = sorted(truth[a]["persona"] for a in sub_live
                         if truth[a]["type"] == HOSTILE_TYPE)
    out(f"  nmap: nmap -sT -sV -Pn -n --host-timeout {env.get('nmap_host_timeout', '?')} "
        f"over {sub} with the same ports: the /{sub.prefixlen} "
        f"nearest the estate's average density ({len(sub_live)} live, hostile: "
        f"{', '.join(sub_hostile) or 'none'}). -Pn because camsweep does no host discovery "
        f"either. nmap's time is mostly that of its slowest device.")
    out(f"  minimal loop: bench-minloop, one connection per well-behaved live host to port 80 "
        f"(every persona serves HTTP on 80), GET / HTTP/1.0, read to EOF, close; "
        f"{ml.get('rounds', '?')} rounds, concurrency {ml.get('concurrency', '?')}; "
        f"{ml.get('ok', '?')} answered, {ml.get('failed', '?')} failed, "
        f"{ml.get('timeouts', '?')} timed out.")
    out(f"  minimal loop over every port: the same loop over each (host, port) pair of those "
        f"hosts ({nports} ports: answered or refused, as a port scanner meets them); "
        f"{mlp.get('rounds', '?')} rounds; {mlp.get('ok', '?')} answered, "
        f"{mlp.get('failed', '?')} failed or refused, {mlp.get('timeouts', '?')} timed out. "
        f"Its hosts/s is its connections/s divided by {nports}.")
    out(f"  minimal loop with TLS: the same pairs, but a TLS handshake first on "
        f"{env.get('tls_ports', '?')} (as camsweep does; OpenSSL's default client, no session "
        f"reuse), run {pairs} times alternately with camsweep --rate 0 --no-udp (medians); "
        f"the first run: {mlt.get('rounds', '?')} rounds; {mlt.get('ok', '?')} answered, "
        f"{mlt.get('handshakes', '?')} handshakes, {mlt.get('failed', '?')} failed or refused, "
        f"{mlt.get('timeouts', '?')} timed out. The reference for the live-host target.")
    out(f"  camsweep live hosts/s: camsweep scan -iL over the same {len(good):,} well-behaved "
        f"live hosts (hostile personas left out of both), default ports, once with the default "
        f"options (UDP inquiries included) and once with --rate 0 --no-udp (the loop has no rate "
        f"limit and asks only the TCP ports); connections counted by nftables (SYNs to live "
        f"addresses).")
    when = "after camsweep" if env.get("sequential") == "1" else "alongside camsweep's scan"
    gave_up = []
    if os.path.exists(os.path.join(work, "nmap.out")):
        gave_up = [l.split()[2] for l in open(os.path.join(work, "nmap.out"), errors="replace")
                   if "due to host timeout" in l]
    out(f"  nmap ran {when} of the estate, with --host-timeout "
        f"{env.get('nmap_host_timeout', '?')}; it gave up on {len(gave_up)} host(s)"
        + (": " + ", ".join(f"{a} ({truth[a]['persona'] if a in truth else 'no device'})"
                            for a in gave_up) if gave_up else "") + ".")
    if env.get("nmap_rc") == "124":
        out("  NMAP WAS STOPPED by the wall-clock limit: its figures cover the hosts it finished "
            "(none, if it never finished its host group).")
    sim = [l.strip() for l in open(os.path.join(work, "sim.err"), errors="replace")
           if "connections accepted" in l] if os.path.exists(os.path.join(work, "sim.err")) else []
    if sim:
        out(f"  simulator at exit: {sim[-1]}")
    out("  right identification: camsweep's manufacturer (nmap: a maker named in product, "
        "version, info, device type or CPE) is the persona's real maker; for a non-camera "
        "persona, that no maker is named.")
    out("")
    out("camsweep on the whole estate, by persona (right/total; the commonest wrong answers):")
    for persona in sorted(cs_rows, key=lambda p: (-sum(cs_rows[p].values()), p)):
        c = cs_rows[persona]
        n = sum(c.values())
        r = sum(v for (ok, _), v in c.items() if ok)
        wrong = ", ".join(f"{said or 'none'} x{v}" for (ok, said), v in c.most_common()
                          if not ok)
        exp = EXPECTED_MAKER.get(persona, "?") or "none"
        out(f"  {persona:22} {r:5}/{n:<5} expected {exp:10} {('wrong: ' + wrong) if wrong else ''}")
    if nm is not None:
        out("")
        out(f"nmap on {sub}, by persona:")
        for persona in sorted(nm_rows, key=lambda p: (-sum(nm_rows[p].values()), p)):
            c = nm_rows[persona]
            n = sum(c.values())
            r = sum(v for (ok, _), v in c.items() if ok)
            wrong = ", ".join(f"{said or 'none'} x{v}" for (ok, said), v in c.most_common()
                              if not ok)
            out(f"  {persona:22} {r:5}/{n:<5} {('wrong: ' + wrong) if wrong else ''}")
    if phantom or cs_bad:
        out("")
        out(f"anomalies: {len(phantom)} camsweep results for addresses with no device "
            f"(e.g. {', '.join(phantom[:5])}); {cs_bad} unparsable jsonl lines")
    missed = [a for a in live if a not in cs]
    if missed:
        by = collections.Counter(truth[a]["persona"] for a in missed)
        out(f"live devices camsweep did not report: {len(missed)} ("
            + ", ".join(f"{p} x{n}" for p, n in by.most_common()) + ")")
    text = "\n".join(L) + "\n"
    sys.stdout.write(text)
    return text


def main(argv):
    if len(argv) == 4 and argv[1] == "prepare":
        prepare(argv[2], int(argv[3]))
        return 0
    if len(argv) >= 3 and argv[1] == "report":
        text = report(argv[2])
        if len(argv) == 4:
            with open(argv[3], "w") as f:
                f.write(text)
        return 0
    print("usage: figures.py prepare WORK SUBPREFIX | report WORK [OUTFILE]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
