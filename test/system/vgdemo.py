#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Helpers of demo.sh and the system tests: the data plane's telemetry
(DPDK telemetry v2 socket, /voxgate/... commands), a SIP OPTIONS probe, the
progress lines while calls run, RTP counts from packet captures, and the
summary.

usage:
  vgdemo.py telemetry PREFIX COMMAND            print the reply (JSON)
  vgdemo.py snapshot PREFIX OUT.json            lcores/ports/sessions + time
  vgdemo.py wait-dp PREFIX SECONDS              until both ports' links are up
  vgdemo.py options SRC DST [SECONDS]           OPTIONS until a 200 (or fail)
  vgdemo.py progress PREFIX UAC_STAT PID SECONDS INTERVAL TOTAL
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
import struct
import sys
import time

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


def cmd_progress(prefix, stat, pid, seconds, interval, total):
    """A line every interval seconds while the SIPp caller (pid) runs."""
    pid, total = int(pid), int(total)
    end = time.monotonic() + float(seconds)
    t0 = time.monotonic()
    base = snapshot(prefix)
    base_rel = relayed(base["lcores"])
    nxt = t0 + float(interval)
    while pid_alive(pid) and time.monotonic() < end:
        time.sleep(0.2)
        if time.monotonic() < nxt:
            continue
        nxt += float(interval)
        row = last_row(stat)
        snap = snapshot(prefix)
        lc = snap["lcores"]
        drops = sum(lc.get(w + "_drops", 0) for w in workers(lc))
        print("demo: %5s calls up=%d done=%d/%d failed=%d | data plane: "
              "sessions=%s relayed=%d drops=%d" % (
                  elapsed(row, time.monotonic() - t0),
                  num(row, "CurrentCall"),
                  num(row, "SuccessfulCall(C)"), total,
                  num(row, "FailedCall(C)"),
                  snap["sessions"].get("active", "?"),
                  max(0, relayed(lc) - base_rel), drops), flush=True)
    return 0 if not pid_alive(pid) else 1


# ---------------------------------------------------------------------------
# RTP counts from a pcap (libpcap format, Ethernet or Linux cooked v1).
# ---------------------------------------------------------------------------

def rtp_streams(path, local_ip, port):
    """RTP (version 2) from and to local_ip:port in a capture:
    ({ssrc: [(time, seq, remote port), ...] in the order sent},
     {ssrc: {seq: remote port}} received). The remote port is the
    appliance's media port of the call on this side."""
    local = socket.inet_aton(local_ip)
    port = int(port)
    sent, recv = {}, {}
    try:
        f = open(path, "rb")
    except OSError:
        return sent, recv
    with f:
        gh = f.read(24)
        if len(gh) < 24:
            return sent, recv
        magic = struct.unpack("<I", gh[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            endian = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            endian = ">"
        else:
            raise ValueError("%s: not a pcap file (dumpcap -P)" % path)
        frac = 1e-9 if magic in (0xa1b23c4d, 0x4d3cb2a1) else 1e-6
        linktype = struct.unpack(endian + "I", gh[20:24])[0]
        l2 = {1: 14, 113: 16}.get(linktype)
        if l2 is None:
            raise ValueError("%s: link type %d" % (path, linktype))
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            sec, sub, incl, _ = struct.unpack(endian + "IIII", rh)
            pkt = f.read(incl)
            if len(pkt) < l2 + 20 + 8 + 12 or pkt[l2 - 2:l2] != b"\x08\x00":
                continue
            ip = pkt[l2:]
            ihl = (ip[0] & 0x0F) * 4
            if ip[9] != 17 or len(ip) < ihl + 8 + 12:
                continue
            sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
            rtp = ip[ihl + 8:]
            if (rtp[0] >> 6) != 2:
                continue
            seq = struct.unpack("!H", rtp[2:4])[0]
            ssrc = struct.unpack("!I", rtp[8:12])[0]
            if ip[12:16] == local and sport == port:
                sent.setdefault(ssrc, []).append((sec + sub * frac, seq,
                                                  dport))
            elif ip[16:20] == local and dport == port:
                recv.setdefault(ssrc, {})[seq] = sport
    return sent, recv


def rtp_direction(x_sent, y_recv, y_sent):
    """One direction, X -> appliance -> Y: (sent, received, tail, lost).

    Streams are matched by SSRC and packets by sequence number (the relay
    keeps both on a leg that does not change). A packet that did not
    arrive is "tail" when X sent it after Y had stopped sending on the
    same call, that is while the call was being hung up (the callee
    streams until the caller's BYE reaches it; the appliance has ended the
    media session by then); otherwise it is lost. Y's stream of the same
    call is the one Y sent to the appliance port X's packets came out of.
    When streams cannot be matched, every missing packet counts as lost.
    """
    n_sent = sum(len(v) for v in x_sent.values())
    n_recv = sum(len(v) for v in y_recv.values())
    if not set(y_recv) <= set(x_sent):
        return n_sent, n_recv, 0, max(0, n_sent - n_recv)
    y_by_port = {}
    for pk in y_sent.values():
        y_by_port.setdefault(pk[0][2], []).append((pk[0][0], pk[-1][0]))
    tail = lost = 0
    for ssrc, pk in x_sent.items():
        got = y_recv.get(ssrc, {})
        ports = set(got.values())
        stop = None
        if len(ports) == 1:
            first, last = pk[0][0], pk[-1][0]
            ends = [e for b, e in y_by_port.get(ports.pop(), [])
                    if b <= last and e >= first]
            stop = max(ends) if ends else None
        for t, seq, _ in pk:
            if seq in got:
                continue
            if stop is not None and t > stop:
                tail += 1
            else:
                lost += 1
    return n_sent, n_recv, tail, lost


def rtp_count(path, local_ip, port):
    sent, recv = rtp_streams(path, local_ip, port)
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


def cmd_summary(run):
    env = read_env(os.path.join(run, "summary.env"))
    users = int(env.get("users", 0))
    calls = int(env.get("calls", 0))
    reg = last_row(os.path.join(run, "register_stat.csv"))
    uac = last_row(os.path.join(run, "calls_uac_stat.csv"))
    uas = last_row(os.path.join(run, "calls_uas_stat.csv"))
    reg_ok = num(reg, "SuccessfulCall(C)")
    reg_fail = users - reg_ok
    calls_ok = num(uac, "SuccessfulCall(C)")
    calls_fail = calls - calls_ok
    ch401 = counts_sum(os.path.join(run, "register_*_counts.csv"),
                       "_401_Recv")
    ch407 = counts_sum(os.path.join(run, "call_uac_*_counts.csv"),
                       "_407_Recv")

    a_ip, b_ip = env.get("caller_ip"), env.get("callee_ip")
    mport = env.get("media_port", "6000")
    a_sent, a_recv = rtp_streams(os.path.join(run, "rtp_access.pcap"), a_ip,
                                 mport)
    b_sent, b_recv = rtp_streams(os.path.join(run, "rtp_core.pcap"), b_ip,
                                 mport)
    ab = rtp_direction(a_sent, b_recv, b_sent)
    ba = rtp_direction(b_sent, a_recv, a_sent)
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

    cdr = os.path.join(run, "cdr.jsonl")
    try:
        with open(cdr) as f:
            cdr_rows = [json.loads(l) for l in f if l.strip()]
    except (OSError, ValueError):
        cdr_rows = []
    causes = {}
    for r in cdr_rows:
        causes[r.get("cause", "?")] = causes.get(r.get("cause", "?"), 0) + 1

    p = print
    p("")
    p("==================== voxgate demo: summary ====================")
    p("registrations   %d ok, %d failed of %d (REGISTER / 401 / REGISTER"
      " / 200)" % (reg_ok, reg_fail, users))
    p("calls           %d ok, %d failed of %d (INVITE / 407 / ACK / INVITE"
      " / 100 / 180 / 200 / ACK / RTP / BYE / 200)" % (calls_ok, calls_fail,
                                                       calls))
    p("                callee side: %d answered and completed" %
      num(uas, "SuccessfulCall(C)"))
    p("auth challenges %d (401 to REGISTER: %d, 407 to INVITE: %d)" % (
        ch401 + ch407, ch401, ch407))
    for name, d in (("access->core", ab), ("core->access", ba)):
        p("RTP %s sent %d, received %d, lost %d (%.2f%%)%s" % (
            name, d[0], d[1], d[3], pct(d[3], d[0] - d[2]),
            ", and %d sent while the call was hanging up" % d[2] if d[2]
            else ""))
    p("transcoded      %d frames (RTP packets written by transcoding, "
      "PCMA <-> PCMU)" % xcoded)
    p("SRTP            %d packets (SIPp 3.6.1 sends plain RTP only: the "
      "SRTP <-> RTP path is shown by the dp-media test)" % srtp)
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
    p("CDRs            %s (%d lines: %s)" % (cdr, len(cdr_rows), ", ".join(
        "%s=%d" % kv for kv in sorted(causes.items())) or "none"))
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
    ok = reg_ok == users and calls_ok == calls and in_call > 0 and \
        loss <= max_loss
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
