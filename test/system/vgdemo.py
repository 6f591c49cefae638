#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Helpers of demo.sh and the system tests: the data plane's telemetry
(DPDK telemetry v2 socket, /voxgate/... commands), a SIP OPTIONS probe, the
progress lines while calls run, RTP counts from packet captures (vgmedia.py),
and the summary.

usage:
  vgdemo.py telemetry PREFIX COMMAND            print the reply (JSON)
  vgdemo.py snapshot PREFIX OUT.json            lcores/ports/sessions + time
  vgdemo.py wait-dp PREFIX SECONDS              until both ports' links are up
  vgdemo.py options SRC DST [SECONDS]           OPTIONS until a 200 (or fail)
  vgdemo.py progress PREFIX UAC_STATS PIDS SECONDS INTERVAL TOTAL
                                                UAC_STATS, PIDS: one or
                                                more, comma-separated
  vgdemo.py stat SIPP_STAT_CSV COLUMN           a column of the last line
  vgdemo.py rtp-count PCAP LOCAL_IP PORT        "sent received" RTP packets
  vgdemo.py summary RUN_DIR                     the summary, last line for
                                                scripts (reads RUN_DIR/summary.env)

Plain Python 3 standard library; no process is started here.
"""

import glob
import json
import os
import random
import signal
import socket
import sys
import time

import vgmedia

TEL_DIR = "/var/run/dpdk"


# ---------------------------------------------------------------------------
# DPDK telemetry (lib/telemetry, protocol v2): a SOCK_SEQPACKET socket that
# greets with a JSON object holding max_output_len, then answers one JSON
# object per command.
# ---------------------------------------------------------------------------

def telemetry(prefix, cmd, timeout=2.0):
    path = os.path.join(TEL_DIR, prefix, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    try:
        s.connect(path)
        hello = json.loads(s.recv(1024).decode())
        s.send(cmd.encode())
        reply = s.recv(int(hello.get("max_output_len", 16384)))
        return json.loads(reply.decode()).get(cmd.split(",")[0])
    finally:
        s.close()


def snapshot(prefix):
    snap = {"time": time.monotonic()}
    for what in ("lcores", "ports", "sessions"):
        try:
            snap[what] = telemetry(prefix, "/voxgate/" + what) or {}
        except (OSError, ValueError):
            snap[what] = {}
    return snap


def workers(lc):
    """Names of the worker lcores in a /voxgate/lcores reply."""
    return sorted({k.split("_")[0] for k in lc if k.startswith("worker")})


def relayed(lc):
    """Packets the workers sent minus what the exception path (TAP output
    and ARP requests of the main lcore, carried by worker 0) sent: the
    relayed media plus the ARP/ICMP replies, which are few."""
    tx = sum(lc.get(w + "_tx_pkts", 0) for w in workers(lc))
    return max(0, tx - lc.get("main_tx_pkts", 0))


def cmd_wait_dp(prefix, seconds):
    end = time.monotonic() + float(seconds)
    last = ""
    while time.monotonic() < end:
        try:
            ports = telemetry(prefix, "/voxgate/ports") or {}
            ups = [v for k, v in ports.items() if k.endswith("_link_up")]
            if ups and all(ups):
                return 0
            last = "links: %s" % ports
        except (OSError, ValueError) as e:
            last = str(e)
        time.sleep(0.2)
    print("vgdemo: data plane telemetry not ready: %s" % last,
          file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------
# SIP OPTIONS probe: the exception path works both ways when it is answered.
# ---------------------------------------------------------------------------

def cmd_options(src, dst, seconds="10"):
    end = time.monotonic() + float(seconds)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(0.5)
    port = s.getsockname()[1]
    try:
        while time.monotonic() < end:
            callid = "probe-%d@%s" % (random.randint(1, 1 << 30), src)
            msg = ("OPTIONS sip:%s:5060 SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%d;rport\r\n"
                   "Max-Forwards: 70\r\n"
                   "From: <sip:probe@%s>;tag=%d\r\n"
                   "To: <sip:probe@%s>\r\n"
                   "Call-ID: %s\r\nCSeq: 1 OPTIONS\r\n"
                   "Content-Length: 0\r\n\r\n") % (
                       dst, src, port, random.randint(1, 1 << 30), src,
                       random.randint(1, 1 << 30), dst, callid)
            s.sendto(msg.encode(), (dst, 5060))
            try:
                while True:
                    data, _ = s.recvfrom(65535)
                    text = data.decode(errors="replace")
                    if callid in text and text.startswith("SIP/2.0 200"):
                        return 0
            except socket.timeout:
                continue
    finally:
        s.close()
    print("vgdemo: no 200 to OPTIONS from %s to %s" % (src, dst),
          file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------
# SIPp -trace_stat CSV (';'-separated, a header line then one line a period)
# and -trace_counts CSV.
# ---------------------------------------------------------------------------

def last_row(path):
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
    except OSError:
        return {}
    if len(lines) < 2:
        return {}
    head = lines[0].split(";")
    row = lines[-1].split(";")
    return dict(zip(head, row))


def num(row, key):
    try:
        return int(row.get(key, "0") or 0)
    except ValueError:
        return 0


def counts_sum(pattern, suffix):
    """Sum of the columns ending in suffix (e.g. _407_Recv) of the last row
    of every SIPp counts file matching pattern."""
    total = 0
    for path in glob.glob(pattern):
        row = last_row(path)
        total += sum(num(row, k) for k in row if k.endswith(suffix))
    return total


def elapsed(row, fallback):
    """SIPp's ElapsedTime(C) (HH:MM:SS:uuuuuu) as "Ns"."""
    try:
        h, m, sec = row["ElapsedTime(C)"].split(":")[:3]
        return "%ds" % (int(h) * 3600 + int(m) * 60 + int(sec))
    except (KeyError, ValueError):
        return "%.0fs" % fallback


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie has exited: /proc says Z
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def cmd_progress(prefix, stats, pids, seconds, interval, total):
    """A line every interval seconds while any SIPp caller (pids, their
    -trace_stat files stats: comma-separated lists) runs; calls summed."""
    stats = [x for x in stats.split(",") if x]
    pids = [int(x) for x in pids.split(",") if x]
    total = int(total)
    end = time.monotonic() + float(seconds)
    t0 = time.monotonic()
    base = snapshot(prefix)
    base_rel = relayed(base["lcores"])
    nxt = t0 + float(interval)

    def running():
        return any(pid_alive(p) for p in pids)

    while running() and time.monotonic() < end:
        time.sleep(0.2)
        if time.monotonic() < nxt:
            continue
        nxt += float(interval)
        rows = [last_row(x) for x in stats]
        snap = snapshot(prefix)
        lc = snap["lcores"]
        drops = sum(lc.get(w + "_drops", 0) for w in workers(lc))
        print("demo: %5s calls up=%d done=%d/%d failed=%d | data plane: "
              "sessions=%s relayed=%d drops=%d" % (
                  elapsed(rows[0] if rows else {}, time.monotonic() - t0),
                  sum(num(r, "CurrentCall") for r in rows),
                  sum(num(r, "SuccessfulCall(C)") for r in rows), total,
                  sum(num(r, "FailedCall(C)") for r in rows),
                  snap["sessions"].get("active", "?"),
                  max(0, relayed(lc) - base_rel), drops), flush=True)
    return 1 if running() else 0


# ---------------------------------------------------------------------------
# RTP counts from a pcap (vgmedia.py reads it).
# ---------------------------------------------------------------------------

def rtp_count(path, local_ip, port):
    """RTP packets the far end at local_ip:port sent and received."""
    sent, recv = vgmedia.rtp_packets(path, local_ip, [port])
    return (sum(len(v) for v in sent.values()),
            sum(len(v) for v in recv.values()))


# ---------------------------------------------------------------------------
# The summary.
# ---------------------------------------------------------------------------

def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    return env


def pct(lost, sent):
    return 100.0 * lost / sent if sent else 0.0


def busy_share(a, b, who):
    db = b.get(who + "_busy_cycles", 0) - a.get(who + "_busy_cycles", 0)
    di = b.get(who + "_idle_cycles", 0) - a.get(who + "_idle_cycles", 0)
    return 100.0 * db / (db + di) if db + di > 0 else 0.0


KIND_TEXT = {
    "transcoded": "transcoded (callers PCMA, trunk PCMU)",
    "srtp": "SRTP <-> RTP (callers SRTP PCMU, trunk RTP PCMU)",
}
KIND_SHORT = {"transcoded": "transcoded", "srtp": "SRTP", "relayed":
              "relayed", "unmatched": "of no call found (no SIP or CDR)"}


def kind_order(item):
    (kind, _), _ = item
    order = ["transcoded", "srtp", "relayed", "unmatched"]
    return order.index(kind) if kind in order else len(order)


def cmd_summary(run):
    env = read_env(os.path.join(run, "summary.env"))
    users = int(env.get("users", 0))
    calls = int(env.get("calls", 0))
    reg = last_row(os.path.join(run, "register_stat.csv"))
    uas = last_row(os.path.join(run, "calls_uas_stat.csv"))
    reg_ok = num(reg, "SuccessfulCall(C)")
    reg_fail = users - reg_ok
    # the callers: one SIPp per kind of call, each its -trace_stat file
    kinds = []
    for kind, stat in (("transcoded", "calls_uac_stat.csv"),
                       ("srtp", "calls_uac_srtp_stat.csv")):
        planned = int(env.get("calls_" + kind,
                              calls if kind == "transcoded" else 0))
        if planned:
            ok = num(last_row(os.path.join(run, stat)), "SuccessfulCall(C)")
            kinds.append((kind, ok, planned))
    calls_ok = sum(k[1] for k in kinds)
    calls_fail = calls - calls_ok
    ch401 = counts_sum(os.path.join(run, "register_*_counts.csv"),
                       "_401_Recv")
    ch407 = counts_sum(os.path.join(run, "call_uac_*_counts.csv"),
                       "_407_Recv")

    a_ip, b_ip = env.get("caller_ip"), env.get("callee_ip")
    mport = env.get("media_port", "6000")
    a_ports = env.get("caller_media_ports", mport).split(",")
    cdr = os.path.join(run, "cdr.jsonl")
    cdr_rows = vgmedia.read_cdrs(cdr)
    acc = vgmedia.account(
        vgmedia.rtp_packets(os.path.join(run, "rtp_access.pcap"), a_ip,
                            a_ports),
        vgmedia.rtp_packets(os.path.join(run, "rtp_core.pcap"), b_ip,
                            [mport]),
        vgmedia.sip_calls(os.path.join(run, "sip_access.pcap"), a_ip),
        vgmedia.sip_calls(os.path.join(run, "sip_core.pcap"), b_ip),
        cdr_rows)
    ab, ba = vgmedia.totals(acc, "ab"), vgmedia.totals(acc, "ba")
    got = ab[1] + ba[1]
    # loss: of what was sent while the call was up (sent minus tail)
    in_call = ab[0] - ab[2] + ba[0] - ba[2]
    loss = pct(ab[3] + ba[3], in_call) if in_call else 100.0

    try:
        with open(os.path.join(run, "dp_before.json")) as f:
            before = json.load(f)
        with open(os.path.join(run, "dp_after.json")) as f:
            after = json.load(f)
    except (OSError, ValueError):
        before = after = {"time": 0, "lcores": {}, "ports": {},
                          "sessions": {}}
    la, lb = before.get("lcores", {}), after.get("lcores", {})
    secs = max(1e-9, after.get("time", 0) - before.get("time", 0))
    ws = workers(lb)
    rx = sum(lb.get(w + "_rx_pkts", 0) - la.get(w + "_rx_pkts", 0)
             for w in ws)
    tx = sum(lb.get(w + "_tx_pkts", 0) - la.get(w + "_tx_pkts", 0)
             for w in ws)
    drops = sum(lb.get(w + "_drops", 0) - la.get(w + "_drops", 0)
                for w in ws)
    rel = max(0, relayed(lb) - relayed(la))
    xcoded = sum(lb.get(w + "_xcode_pkts", 0) - la.get(w + "_xcode_pkts", 0)
                 for w in ws)
    srtp = sum(lb.get(w + "_srtp_pkts", 0) - la.get(w + "_srtp_pkts", 0)
               for w in ws)
    busy = ", ".join("%s %.1f%%" % (w, busy_share(la, lb, w))
                     for w in ws + (["main"] if "main_busy_cycles" in lb
                                    else []))

    causes, cdr_kinds = {}, {}
    for r in cdr_rows:
        causes[r.get("cause", "?")] = causes.get(r.get("cause", "?"), 0) + 1
        k = vgmedia.call_kind(r)
        cdr_kinds[k] = cdr_kinds.get(k, 0) + 1

    p = print
    p("")
    p("==================== voxgate demo: summary ====================")
    p("registrations   %d ok, %d failed of %d (REGISTER / 401 / REGISTER"
      " / 200)" % (reg_ok, reg_fail, users))
    p("calls           %d ok, %d failed of %d (INVITE / 407 / ACK / INVITE"
      " / 100 / 180 / 200 / ACK / RTP / BYE / 200)" % (calls_ok, calls_fail,
                                                       calls))
    for kind, ok, planned in kinds:
        p("                %s: %d ok, %d failed of %d" % (
            KIND_TEXT[kind], ok, planned - ok, planned))
    p("                callee side: %d answered and completed" %
      num(uas, "SuccessfulCall(C)"))
    p("auth challenges %d (401 to REGISTER: %d, 407 to INVITE: %d)" % (
        ch401 + ch407, ch401, ch407))
    for key, name, d in (("ab", "access->core", ab),
                         ("ba", "core->access", ba)):
        p("RTP %s sent %d, received %d, lost %d (%.2f%%)%s" % (
            name, d[0], d[1], d[3], pct(d[3], d[0] - d[2]),
            ", and %d sent after the call was hung up" % d[2] if d[2]
            else ""))
        p("                " + "; ".join(
            "%s sent %d, received %d, lost %d%s" % (
                KIND_SHORT[k], v[0], v[1], v[3],
                ", after hang-up %d" % v[2] if v[2] else "")
            for (k, dk), v in sorted(acc.items(), key=kind_order)
            if dk == key))
    p("transcoded      %d frames (RTP packets written by transcoding, "
      "PCMA <-> PCMU)" % xcoded)
    p("SRTP            %d packets (authenticated and decrypted from the "
      "SRTP callers, encrypted toward them; SIPp 3.6.1 has no SRTP and "
      "replays a stream gen-srtp-pcap protected with their key)" % srtp)
    p("data plane      %.6f Mpps in, %.6f Mpps out (%.0f / %.0f pkt/s) "
      "over %.0f s of calls; relayed %d, dropped %d" % (
          rx / secs / 1e6, tx / secs / 1e6, rx / secs, tx / secs, secs,
          rel, drops))
    p("                lcore busy share: %s (workers poll the rest of "
      "the time; the main lcore naps)" % (busy or "n/a"))
    legs = {"a": [0, 0, 0], "b": [0, 0, 0]}
    for r in cdr_rows:
        for side in legs:
            m = (r.get("media") or {}).get(side) or {}
            legs[side][0] += int(m.get("rx_pkts", 0) or 0)
            legs[side][1] += int(m.get("fwd_pkts", 0) or 0)
            legs[side][2] += int(m.get("lost", 0) or 0)
    if any(any(v) for v in legs.values()):
        p("                per the CDRs: access->core received %d, "
          "forwarded %d, RTP-lost %d; core->access received %d, "
          "forwarded %d, RTP-lost %d" % tuple(legs["a"] + legs["b"]))
    ctl = os.path.join(run, "voxgatectl-stats.txt")
    try:
        with open(ctl) as f:
            st = dict(l.split(None, 1) for l in f if len(l.split()) == 2)
        p("control plane   registrations %s, calls total %s, rejected "
          "(overload) %s, data plane %s (voxgatectl stats)" % (
              st.get("registrations", "?").strip(),
              st.get("calls_total", "?").strip(),
              st.get("calls_rejected_overload", "?").strip(),
              st.get("dp.state", "?").strip()))
    except (OSError, ValueError):
        pass
    p("CDRs            %s (%d lines: %s; %s)" % (
        cdr, len(cdr_rows),
        ", ".join("%s=%d" % kv for kv in sorted(causes.items())) or "none",
        ", ".join("%s=%d" % kv for kv in sorted(cdr_kinds.items()))
        or "no calls"))
    p("logs            %s" % run)
    if in_call and got == 0:
        p("note            no RTP reached the far ends: the data plane "
          "relayed nothing (is voxgate-cp programming media sessions in "
          "voxgate-dp?)")
    p("demo: registrations=%d/%d calls=%d/%d rtp_packets=%d rtp_loss=%.2f%% "
      "transcoded_frames=%d srtp_packets=%d" % (reg_ok, users, calls_ok,
                                                calls, got, loss, xcoded,
                                                srtp))
    max_loss = float(env.get("max_loss", "1"))
    srtp_calls = int(env.get("calls_srtp", 0))
    ok = reg_ok == users and calls_ok == calls and in_call > 0 and \
        loss <= max_loss and (srtp_calls == 0 or srtp > 0)
    return 0 if ok else 1


def main(argv):
    # Ctrl-C ends us by the signal itself, so the calling shell sees it
    # and runs its INT trap (a Python exit status 130 would not do that)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "telemetry":
            print(json.dumps(telemetry(args[0], args[1])))
            return 0
        if cmd == "snapshot":
            with open(args[1], "w") as f:
                json.dump(snapshot(args[0]), f)
            return 0
        if cmd == "wait-dp":
            return cmd_wait_dp(*args)
        if cmd == "options":
            return cmd_options(*args)
        if cmd == "progress":
            return cmd_progress(*args)
        if cmd == "stat":
            print(num(last_row(args[0]), args[1]))
            return 0
        if cmd == "rtp-count":
            print("%d %d" % rtp_count(*args))
            return 0
        if cmd == "summary":
            return cmd_summary(args[0])
    except (TypeError, IndexError):
        sys.exit(__doc__)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
