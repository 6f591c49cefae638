#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file System tests of the appliance (issue 6): voxgate-dp and voxgate-cp
in the appliance's namespace of test/system/topology.sh with the demo's
configuration, callers in the access namespace, the carrier (a trunk) in
the core namespace, SIP and RTP through the data plane's af_packet ports.

One case per run (--case NAME), each on a network and an appliance of its
own, output TAP. Everything started is stopped by pid and the namespaces
removed, also on failure (Appliance.down() in a finally block); every SIPp
run, RTP stream and wait is bounded in count and time.

usage: system_test.py --case NAME --dp VOXGATE_DP --cp VOXGATE_CP
                      --ctl VOXGATECTL [--topo-prefix vgt] [--keep]
"""

import argparse
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vgdemo  # noqa: E402
import vgsys  # noqa: E402
from sipua import (SETTLE_S, UA, RtpPump, RtpStream,  # noqa: E402
                   rtp_packet, rtp_payload)

SIP = 5060
RTP_CALLER, RTP_CALLEE = 7000, 7002      # not SIPp's 6000
N_USERS = 5
ANTI_BLEED = "source not allowed or not latched (anti-bleed)"
NO_SESSION_DROP = "no session on media port"


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, desc, diag=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond:
            self.failed += 1
            for line in str(diag).splitlines()[-60:]:
                print("# " + line)
        sys.stdout.flush()
        return bool(cond)

    def note(self, text):
        for line in str(text).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def finish(self):
        print("1..%d" % self.n)
        return 1 if self.failed or self.n == 0 else 0


class Ctx:
    """One case: the appliance, TAP, and the UAs and sockets to close."""

    def __init__(self, app, tap):
        self.app, self.tap = app, tap
        self.closers = []

    def close(self):
        for c in reversed(self.closers):
            try:
                c()
            except OSError:
                pass
        self.closers = []

    def sock(self, ns, ip, port):
        s = ns.socket((ip, port))
        self.closers.append(s.close)
        return s

    def caller(self, user="30001", ip=None, port=SIP, password=None):
        app = self.app
        ip = ip or app.ip_caller
        ua = UA(app.access.socket((ip, port)), (app.ip_access, SIP),
                "caller%s" % user, user, password or app.users[user],
                media=(ip, RTP_CALLER))
        self.closers.append(ua.close)
        return ua

    def callee(self):
        """The carrier: the trunk of demo.toml.in is CALLEE_IP:5060."""
        app = self.app
        ua = UA(app.core.socket((app.ip_callee, SIP)), (app.ip_core, SIP),
                "callee", "2000", media=(app.ip_callee, RTP_CALLEE),
                auto_answer=True)
        self.closers.append(ua.close)
        return ua


# ---------------------------------------------------------------------------
# Steps the cases are made of
# ---------------------------------------------------------------------------

def place_call(ctx, caller, callee, what="call"):
    """caller -> 2000 (the core trunk) with the 407 flow; the callee
    answers. @return (caller's dialog, callee's dialog) or raise."""
    app, tap = ctx.app, ctx.tap
    d_a, st = caller.call("2000", "%s:%d" % (app.ip_access, SIP))
    finals = [s for s in st if s >= 200]
    ok = tap.ok(finals == [407, 200] and 180 in st,
                "%s: INVITE / 407 / ACK / INVITE with credentials / 180 / "
                "200 / ACK (%s)" % (what, st),
                caller.transcript() + app.cp_log_text()[-2000:])
    try:
        d_b = callee.incoming.get(timeout=10)
    except queue.Empty:
        d_b = None
    ok = tap.ok(ok and d_b is not None and d_b.confirmed.wait(10),
                "%s: the callee behind the trunk got the INVITE and the "
                "ACK of its 200" % what, callee.transcript()) and ok
    if not ok:
        raise RuntimeError("%s was not set up" % what)
    return d_a, d_b


def media_streams(ctx, d_a, d_b, a_rtp, b_rtp):
    """The two RTP directions of a call, each toward the appliance's
    address and port its side's SDP gave."""
    app = ctx.app
    a_sdp, b_sdp = d_a.remote_sdp, d_b.remote_sdp
    ab = RtpStream(b"A->B", a_rtp, (a_sdp[0], a_sdp[1]), b_rtp)
    ba = RtpStream(b"B->A", b_rtp, (b_sdp[0], b_sdp[1]), a_rtp)
    ab.appliance = (app.ip_core, b_sdp[1])     # where A's RTP reaches B from
    ba.appliance = (app.ip_access, a_sdp[1])
    return ab, ba


def arrived(stream, since, until):
    """stream.result(since, until) once what was sent in that window has
    arrived (or SETTLE_S passed), while a pump may still be sending."""
    want = {idx for t, idx, _ in list(stream.sent) if since <= t <= until}
    vgsys.wait_for(lambda: want <= stream.got, SETTLE_S, 0.05)
    return stream.result(since, until)


def answered_call(app):
    calls = app.ctl_doc("calls")["calls"]
    up = [c for c in calls if c["state"] == "answered"]
    return up[0] if len(up) == 1 else None


def session_of(app, sess_id):
    return app.ctl_doc("session", str(sess_id))["session"]


def check_direction(tap, name, stream):
    """A direction lost nothing, came from the appliance's address and
    port of the SDP, byte for byte. @return True when all three hold."""
    sent, got, missing, bad, srcs = stream.result()
    ok = tap.ok(sent > 0 and got == sent,
                "%s: %d RTP packets sent, %d arrived (loss 0)" %
                (name, sent, got), "missing indexes: %s" % missing[:50])
    ok &= tap.ok(srcs == {stream.appliance},
                 "%s: every packet from %s:%d, the appliance's address and "
                 "port of that side's SDP" % ((name,) + stream.appliance),
                 "sources seen: %s" % srcs)
    ok &= tap.ok(not bad, "%s: every payload arrived byte for byte" % name,
                 "payloads that differ or were never sent: %s" % bad[:10])
    return ok


def registrations(app):
    """{aor: sorted contact URIs} as voxgatectl shows them."""
    doc = app.ctl_doc("registrations")
    return {r["aor"]: sorted(c["uri"] for c in r["contacts"])
            for r in doc["registrations"]}


def has_user(aor, user):
    return re.search(r"(^|:)%s(@|$)" % re.escape(user), aor) is not None


SIPP_MSG = re.compile(r"message received \[\d+\] bytes :\s*\n\s*\n([^\r\n]+)"
                      r"(.*?)(?=\n-{10,}|\Z)", re.S)


def sipp_received(path):
    """[(Call-ID, CSeq, first line)] of what a SIPp received (-trace_msg)."""
    out = []
    for first, rest in SIPP_MSG.findall(vgsys.file_text(path)):
        m = re.search(r"^(?:Call-ID|i)\s*:\s*(\S+)", rest, re.M | re.I)
        c = re.search(r"^CSeq\s*:\s*(.+?)\s*$", rest, re.M | re.I)
        out.append((m.group(1) if m else "", c.group(1) if c else "",
                    first.strip()))
    return out


def sipp_ok(p, rc, calls):
    row = vgdemo.last_row(p.stat)
    return (rc == 0 and vgdemo.num(row, "SuccessfulCall(C)") == calls and
            vgdemo.num(row, "FailedCall(C)") == 0)


def sipp_diag(p):
    return (vgsys.file_text(p.errors)[-2000:] + p.text()[-1500:])


def users_csv(app, path, users):
    """SIPp injection file: user; the whole [authentication ...] keyword
    (LIBRE-NOTES: SIPp does not expand [fieldN] inside it)."""
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for u in users:
            f.write("%s;[authentication username=%s password=%s];\n"
                    % (u, u, app.users[u]))


def listening(ns, port):
    r = ns.run("ss", "-Hlun", "sport = :%d" % port)
    return r.returncode == 0 and r.stdout.strip() != ""


# ---------------------------------------------------------------------------
# 1. The reference flows (SIPp) and a wrong password
# ---------------------------------------------------------------------------

def case_flows(ctx):
    app, tap = ctx.app, ctx.tap
    users = ["30001", "30002", "30003", "30004"]
    csv = os.path.join(app.work, "users.csv")
    users_csv(app, csv, users)
    remote = "%s:%d" % (app.ip_access, SIP)

    # REGISTER / 401 / REGISTER with Authorization / 200, demo's scenario
    reg = app.sipp(app.access, "register", "register.xml", [
        "-i", app.ip_caller, "-p", 5062, "-inf", csv, "-auth_uri", remote,
        "-m", len(users), "-r", 10, "-recv_timeout", 10000], 60, remote)
    rc = reg.wait(90)
    tap.ok(sipp_ok(reg, rc, len(users)),
           "SIPp: REGISTER / 401 / REGISTER with Authorization / 200 for "
           "%d subscribers (exit %s)" % (len(users), rc), sipp_diag(reg))
    # per subscriber: the REGISTER without credentials is answered 401
    # (as often as SIPp retransmitted it), the one with them 200
    by_reg = {}
    for cid, cseq, first in sipp_received(reg.messages):
        by_reg.setdefault(cid, []).append((cseq, first[8:11]))
    tap.ok(len(by_reg) == len(users) and all(
        {c for q, c in r if q == r[0][0]} == {"401"} and
        r[0][0].startswith("1 ") and r[-1][1] == "200"
        for r in by_reg.values()),
        "each REGISTER without credentials was challenged (401 with "
        "WWW-Authenticate), each with them accepted (200)", by_reg)
    regs = registrations(app)
    ok = all(any(has_user(aor, u) and any("%s:5062" % app.ip_caller in c
                                          for c in cs)
                 for aor, cs in regs.items()) for u in users)
    tap.ok(ok and len(regs) == len(users),
           "voxgatectl registrations: the %d subscribers, contact %s:5062"
           % (len(users), app.ip_caller), regs)

    # INVITE / 407 / ACK / INVITE / 100 / 180 / 200 / ACK / RTP / BYE / 200
    # the demo's callers speak PCMA, its trunk PCMU (transcoded calls)
    for name in ("media.ulaw", "media.alaw"):
        rc = subprocess.run([sys.executable,
                             os.path.join(HERE, "gen_ulaw.py"),
                             os.path.join(app.work, name), "1", "440"],
                            timeout=60).returncode
        if rc != 0:
            raise RuntimeError("gen_ulaw.py failed")
    n_calls = 2
    uas = app.sipp(app.core, "call_uas", "call_uas.xml", [
        "-i", app.ip_callee, "-mi", app.ip_callee, "-mp", 6000, "-p", SIP,
        "-m", n_calls, "-recv_timeout", 30000], 90)
    vgsys.wait_for(lambda: listening(app.core, SIP), 20)
    uac = app.sipp(app.access, "call_uac", "call_uac.xml", [
        "-s", "2000", "-i", app.ip_caller, "-mi", app.ip_caller, "-mp", 6000,
        "-p", 5064, "-inf", csv, "-auth_uri", "2000@" + remote,
        "-m", n_calls, "-r", 1, "-l", n_calls, "-d", 1000,
        "-recv_timeout", 20000], 80, remote)
    rc_a = uac.wait(110)
    rc_b = uas.wait(40)
    tap.ok(sipp_ok(uac, rc_a, n_calls),
           "SIPp caller: INVITE / 407 / ACK / INVITE with Proxy-Authorization"
           " / 100 / 180 / 200 / ACK / RTP / BYE / 200, %d calls (exit %s)"
           % (n_calls, rc_a), sipp_diag(uac) + app.cp_log_text()[-2000:])
    tap.ok(sipp_ok(uas, rc_b, n_calls),
           "SIPp callee behind the trunk route: INVITE / 180 / 200 / ACK / "
           "RTP / BYE / 200, %d calls (exit %s)" % (n_calls, rc_b),
           sipp_diag(uas))
    by_call = {}
    for cid, _, first in sipp_received(uac.messages):
        code = re.match(r"SIP/2\.0 (\d{3})", first)
        if code:
            by_call.setdefault(cid, []).append(int(code.group(1)))
    # the order in which the caller heard its answers, per call: the
    # challenge first, ringing before the answer, the BYE's 200 last
    ok = len(by_call) == n_calls and all(
        c[0] == 407 and 180 in c and 200 in c and
        c.index(180) < c.index(200) and c[-1] == 200 and c.count(200) == 2
        for c in by_call.values())
    tap.ok(ok, "each call heard 407, then 180 before 200, then the 200 of "
           "its BYE", by_call)
    rows = app.cdrs()
    tap.ok(len(rows) == n_calls and all(
        r.get("cause") == "normal_a" and r.get("route") == "access-to-core"
        for r in rows), "%d CDR lines: answered, ended by the caller's BYE, "
           "route access-to-core" % n_calls, rows)

    # a wrong password, from addresses of their own: the lockout holds the
    # source and the user (controlplane/auth.c count_failure())
    max_failures = app.config_value("sip.auth", "max_failures")
    net = app.ip_caller.rsplit(".", 1)[0]
    bad_src, other_src = net + ".98", net + ".97"
    for ip in (bad_src, other_src):
        app.add_address(app.access, ip)
    victim = "30005"
    ua = ctx.caller(victim, ip=bad_src, password="not-" + app.users[victim])
    codes = ua.register()
    tap.ok(codes == [401] * max_failures + [403],
           "REGISTER with a wrong password: 401, 401 again for each wrong "
           "answer, 403 at the %d-th ([sip.auth] max_failures)"
           % max_failures, "%s\n%s" % (codes, ua.transcript()))
    codes = ua.register(password=app.users[victim])
    tap.ok(codes == [403], "locked out: the right password from %s gets 403"
           % bad_src, codes)
    ua2 = ctx.caller(victim, ip=other_src)
    codes = ua2.register()
    tap.ok(codes == [401, 403], "locked out: user %s with the right password"
           " from another address gets 403" % victim, codes)
    ua3 = ctx.caller("30004", ip=other_src, port=SIP + 1)
    codes = ua3.register()
    tap.ok(codes == [401, 200], "another subscriber from that address still "
           "registers (401, 200)", codes)
    # the same for an INVITE (407 flow), another user from a third address
    inv_src = net + ".96"
    app.add_address(app.access, inv_src)
    ua4 = ctx.caller("30003", ip=inv_src, password="wrong")
    _, st = ua4.call("2000", remote)
    finals = [s for s in st if s >= 200]
    tap.ok(finals == [407] * max_failures + [403],
           "INVITE with a wrong password: 407 until the %d-th wrong answer, "
           "then 403" % max_failures, "%s\n%s" % (st, ua4.transcript()))


# ---------------------------------------------------------------------------
# 2. RTP both ways through the data plane
# ---------------------------------------------------------------------------

def case_rtp(ctx):
    app, tap = ctx.app, ctx.tap
    caller, callee = ctx.caller(), ctx.callee()
    a_rtp = ctx.sock(app.access, app.ip_caller, RTP_CALLER)
    b_rtp = ctx.sock(app.core, app.ip_callee, RTP_CALLEE)
    d_a, d_b = place_call(ctx, caller, callee)
    tap.ok(d_a.remote_sdp and d_a.remote_sdp[0] == app.ip_access and
           0 in d_a.remote_sdp[2],
           "the caller's answer: PCMU at the appliance's access address %s"
           % app.ip_access, d_a.remote_sdp)
    tap.ok(d_b.remote_sdp and d_b.remote_sdp[0] == app.ip_core and
           0 in d_b.remote_sdp[2],
           "the callee's offer: PCMU at the appliance's core address %s"
           % app.ip_core, d_b.remote_sdp)
    ab, ba = media_streams(ctx, d_a, d_b, a_rtp, b_rtp)
    n = 150     # 3 s each way, 20 ms apart
    RtpPump([ab, ba], count=n).start().wait()
    check_direction(tap, "caller -> callee", ab)
    check_direction(tap, "callee -> caller", ba)

    call = answered_call(app)
    sess = session_of(app, call["sess_id"]) if call else None
    legs = sess["legs"] if sess else []
    ok = len(legs) == 2 and \
        legs[0]["latched"] == "%s:%d" % (app.ip_caller, RTP_CALLER) and \
        legs[1]["latched"] == "%s:%d" % (app.ip_callee, RTP_CALLEE) and \
        all(l["rx_pkts"] == n and l["fwd_pkts"] == n and not l["drops"]
            for l in legs)
    tap.ok(ok, "voxgatectl session %s: each leg latched to its side's SDP "
           "address, %d received, %d relayed, no drop" %
           (call and call["sess_id"], n, n), sess)
    st = caller.bye(d_a)
    tap.ok(st == 200 and d_b.ended.wait(10),
           "BYE from the caller: 200, and the callee got the appliance's BYE",
           caller.transcript() + callee.transcript())


# ---------------------------------------------------------------------------
# 3. Nothing of the access side's SIP on the core side
# ---------------------------------------------------------------------------

def tshark(path, *args):
    r = subprocess.run(["tshark", "-n", "-r", path, "-Y", "sip"] + list(args),
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("tshark -r %s: %s" % (path, r.stderr))
    return r.stdout


def case_topology_hiding(ctx):
    app, tap = ctx.app, ctx.tap
    cap = app.capture(app.core, "core_sip", "udp port %d" % SIP)
    caller, callee = ctx.caller(), ctx.callee()
    d_a, d_b = place_call(ctx, caller, callee)
    st = callee.bye(d_b)
    tap.ok(st == 200 and d_a.ended.wait(10),
           "BYE from the callee: 200, and the caller got the appliance's BYE",
           caller.transcript() + callee.transcript())
    time.sleep(0.5)
    cap.stop()
    fields = ["sip.Method", "sip.Status-Code", "sip.CSeq.method",
              "sip.Via", "sip.Contact", "sip.Record-Route", "sip.Call-ID",
              "sip.from.tag", "sip.to.tag"]
    rows = []
    for line in tshark(cap.path, "-T", "fields", "-E", "separator=\t",
                       "-E", "occurrence=a", "-E", "aggregator=|",
                       *sum((["-e", f] for f in fields), [])).splitlines():
        rows.append(dict(zip(fields, line.split("\t"))))
    seen = [(r["sip.Method"] or r["sip.Status-Code"], r["sip.CSeq.method"])
            for r in rows]
    tap.ok(all(x in seen for x in (("INVITE", "INVITE"), ("180", "INVITE"),
                                   ("200", "INVITE"), ("ACK", "ACK"),
                                   ("BYE", "BYE"), ("200", "BYE"))),
           "tshark on the core side decodes the call: INVITE, 180, 200, "
           "ACK, BYE, 200", seen)

    # what the access side must not give away
    a_branches = re.findall(r"branch=([^;\s]+)",
                            "\n".join(caller.messages(">")))
    secrets = {
        "the caller's address %s" % app.ip_caller: app.ip_caller,
        "the appliance's access address %s" % app.ip_access: app.ip_access,
        "the caller's Call-ID": d_a.callid,
        "the caller's From tag": d_a.local_tag,
        "the appliance's To tag toward the caller": d_a.remote_tag,
    }
    for i, b in enumerate(a_branches):
        secrets["the caller's Via branch %d" % (i + 1)] = b
    access_net = app.ip_caller.rsplit(".", 1)[0] + "."
    for hdr in ("sip.Via", "sip.Contact", "sip.Record-Route", "sip.Call-ID",
                "sip.from.tag", "sip.to.tag"):
        vals = sorted({v for r in rows for v in r[hdr].split("|") if v})
        leaked = [v for v in vals if access_net in v or
                  any(s in v for s in secrets.values())]
        tap.ok(not leaked, "core side %s: nothing of the access side (%s)"
               % (hdr.split(".", 1)[1], ", ".join(vals) or "none"), leaked)
    vias = {v for r in rows if r["sip.Method"] for v in
            r["sip.Via"].split("|") if v}
    tap.ok(vias and all(app.ip_core in v for v in vias),
           "the appliance's requests on the core side carry its core "
           "address %s in Via" % app.ip_core, vias)
    text = tshark(cap.path, "-V")
    leaks = [name for name, s in secrets.items() if s in text]
    if access_net in text:
        leaks.append("an address of %s0/24" % access_net)
    tap.ok(not leaks, "the whole decoded SIP of the core side (headers and "
           "SDP) holds none of: %s" % ", ".join(sorted(secrets)), leaks)
    got = "\n".join(callee.messages("<"))
    tap.ok(not [s for s in secrets.values() if s in got] and
           access_net not in got,
           "nor does any message the callee received", got[-3000:])


# ---------------------------------------------------------------------------
# 4. RTP from a third address to a latched port (anti-bleed)
# ---------------------------------------------------------------------------

def case_anti_bleed(ctx):
    app, tap = ctx.app, ctx.tap
    intruder = app.ip_caller.rsplit(".", 1)[0] + ".99"
    app.add_address(app.access, intruder)
    caller, callee = ctx.caller(), ctx.callee()
    a_rtp = ctx.sock(app.access, app.ip_caller, RTP_CALLER)
    b_rtp = ctx.sock(app.core, app.ip_callee, RTP_CALLEE)
    d_a, d_b = place_call(ctx, caller, callee)
    ab, ba = media_streams(ctx, d_a, d_b, a_rtp, b_rtp)
    RtpPump([ab, ba], count=50).start().wait()
    call = answered_call(app)
    sess = session_of(app, call["sess_id"])
    latched = "%s:%d" % (app.ip_caller, RTP_CALLER)
    tap.ok(sess["legs"][0]["latched"] == latched,
           "the access leg latched to the caller's %s" % latched, sess)

    # the port the caller's media goes to, from a third address and from
    # the caller's address but another port
    n_inj = 25
    target = ab.dest
    injectors = [ctx.sock(app.access, intruder, RTP_CALLER),
                 ctx.sock(app.access, app.ip_caller, RTP_CALLER + 10)]
    for s in injectors:
        for i in range(n_inj):
            s.sendto(rtp_packet(i, 160 * i, 0x0badf00d,
                                rtp_payload(b"BLED", i)), target)
            time.sleep(0.002)
    # the caller's own media after them: the path is alive, so what did
    # not arrive was dropped, not late
    RtpPump([ab, ba], count=50).start().wait()
    sent, got, missing, bad, srcs = ab.result()
    tap.ok(not bad, "%d packets from %s and %d from %s:%d to the latched "
           "port %d: none reached the callee" %
           (n_inj, intruder, n_inj, app.ip_caller, RTP_CALLER + 10,
            target[1]), bad[:10])
    tap.ok(got == sent and srcs == {ab.appliance},
           "the caller's own RTP before and after: %d of %d arrived" %
           (got, sent), missing[:20])
    check_direction(tap, "callee -> caller", ba)
    sess = session_of(app, call["sess_id"])
    a = sess["legs"][0]
    tap.ok(a["drops"].get(ANTI_BLEED) == 2 * n_inj and
           a["fwd_pkts"] == sent and a["rx_pkts"] == sent + 2 * n_inj,
           "voxgatectl session: the access leg counts the %d as dropped "
           "(%s), relayed only the caller's %d" %
           (2 * n_inj, ANTI_BLEED, sent), a)
    st = caller.bye(d_a)
    tap.ok(st == 200 and d_b.ended.wait(10), "BYE from the caller: 200",
           caller.transcript())


# ---------------------------------------------------------------------------
# 5. BYE from either side frees the data-plane session and its ports
# ---------------------------------------------------------------------------

def no_call_left(app, sess_id):
    calls = app.ctl_doc("calls")["calls"]
    sessions = app.ctl_doc("sessions")["sessions"]
    stats = app.ctl_doc("stats")
    if calls or sessions or stats["calls_active"] or \
            stats["media_ports_in_use"]:
        return None
    return calls, sessions, stats


def case_bye(ctx):
    app, tap = ctx.app, ctx.tap
    caller, callee = ctx.caller(), ctx.callee()
    a_rtp = ctx.sock(app.access, app.ip_caller, RTP_CALLER)
    b_rtp = ctx.sock(app.core, app.ip_callee, RTP_CALLEE)
    for who, cause in (("caller", "normal_a"), ("callee", "normal_b")):
        d_a, d_b = place_call(ctx, caller, callee, "call hung up by the "
                              + who)
        ab, ba = media_streams(ctx, d_a, d_b, a_rtp, b_rtp)
        RtpPump([ab, ba], count=25).start().wait()
        call = answered_call(app)
        sid = call["sess_id"] if call else None
        st = app.ctl_doc("stats")
        tap.ok(sid is not None and ab.result()[1] > 0 and
               ba.result()[1] > 0 and st["media_ports_in_use"] == 2,
               "during the call: session %s in the data plane, 2 media ports "
               "in use, RTP both ways" % sid, (call, st))
        if who == "caller":
            code, ended = caller.bye(d_a), d_b.ended.wait(10)
        else:
            code, ended = callee.bye(d_b), d_a.ended.wait(10)
        tap.ok(code == 200 and ended,
               "BYE from the %s: 200, and the other side got the "
               "appliance's BYE" % who,
               caller.transcript() + callee.transcript())
        left = vgsys.wait_for(lambda: no_call_left(app, sid), 15, 0.5)
        tap.ok(left is not None,
               "after the BYE: voxgatectl calls and sessions are empty, "
               "stats show no active call and no media port in use",
               (app.ctl("calls"), app.ctl("sessions"), app.ctl("stats")))
        rc, _, err = app.ctl("session", str(sid))
        tap.ok(rc == 1 and "no session" in err,
               "voxgatectl session %s: no such session" % sid, err)
        status = app.ctl_doc("status")["data_plane"]
        tap.ok(status["sessions"] == 0, "voxgatectl status: 0 sessions in "
               "the data plane", status)

        # the call's old ports lead nowhere now; the data plane counts
        # what still comes as "no session" drops
        drops0 = app.worker_drops()
        got0 = (ab.result()[1], ba.result()[1])
        n = 10
        for i in range(n):
            a_rtp.sendto(rtp_packet(i, 0, 1, rtp_payload(b"LATE", i)),
                         ab.dest)
            b_rtp.sendto(rtp_packet(i, 0, 2, rtp_payload(b"LATE", i)),
                         ba.dest)
        # once the data plane counted them all, nothing of them is on the
        # way any more
        drops = vgsys.wait_for(lambda: app.worker_drops() - drops0 >= 2 * n
                               and app.worker_drops() - drops0, SETTLE_S)
        time.sleep(0.2)
        ab.drain()
        ba.drain()
        tap.ok(drops == 2 * n and (ab.result()[1], ba.result()[1]) == got0
               and not ab.result()[3] and not ba.result()[3],
               "RTP to the call's old media ports (%d each side) reaches "
               "nobody and is counted as dropped by the data plane" % n,
               "drops %s" % drops)
        rows = app.cdrs()
        tap.ok(rows and rows[-1].get("cause") == cause,
               "CDR: ended by the %s (%s)" % (who, cause), rows[-1:])


# ---------------------------------------------------------------------------
# 6. voxgate-cp stops and restarts during a call
# ---------------------------------------------------------------------------

CP_RESTART_TIMEOUT_S = 5


def case_cp_restart(ctx):
    app, tap = ctx.app, ctx.tap
    for i, u in enumerate(("30002", "30003", "30004")):
        ua = ctx.caller(u, port=5080 + i)
        codes = ua.register()
        if codes != [401, 200]:
            raise RuntimeError("REGISTER %s: %s" % (u, codes))
    before = registrations(app)
    tap.ok(len(before) == 3, "3 subscribers registered", before)

    caller, callee = ctx.caller(), ctx.callee()
    a_rtp = ctx.sock(app.access, app.ip_caller, RTP_CALLER)
    b_rtp = ctx.sock(app.core, app.ip_callee, RTP_CALLEE)
    d_a, d_b = place_call(ctx, caller, callee)
    sid = answered_call(app)["sess_id"]
    ab, ba = media_streams(ctx, d_a, d_b, a_rtp, b_rtp)
    pump = RtpPump([ab, ba], max_s=150).start()
    try:
        time.sleep(1.0)
        t_stop = time.monotonic()
        rc = app.stop_cp()
        tap.ok(rc == 0, "voxgate-cp stops on SIGTERM during the call "
               "(exit %s)" % rc)
        active = app.telemetry("/voxgate/sessions")["active"]
        tap.ok(active == 1, "the data plane keeps the call's session",
               active)
        time.sleep(4.0)
        t_mark = time.monotonic()
        # what was sent while no control plane ran arrives (still without
        # one: voxgate-cp starts again only after this)
        for name, s in (("caller -> callee", ab), ("callee -> caller", ba)):
            sent, got, missing, bad, _ = arrived(s, t_stop, t_mark)
            tap.ok(sent >= 100 and got == sent and not bad,
                   "%s with voxgate-cp stopped: %d of %d RTP packets arrived"
                   " intact" % (name, got, sent), missing[:30])
        tap.ok(not d_a.ended.is_set() and not d_b.ended.is_set() and
               not caller.unexpected and not callee.unexpected,
               "no BYE reached either side",
               caller.transcript() + callee.transcript())

        app.start_cp()
        after = registrations(app)
        tap.ok(after == before, "after the restart voxgatectl registrations "
               "shows the same 3 subscribers and contacts", (before, after))
        st = app.ctl_doc("stats")
        tap.ok(st["dp"]["orphan_sessions"] == 1 and
               st["media_ports_in_use"] == 2 and st["dp"]["state"] == "up",
               "the new voxgate-cp adopted the session and its 2 media ports"
               " (voxgatectl stats)", st)
        ids = [s["id"] for s in app.ctl_doc("sessions")["sessions"]]
        tap.ok(ids == [sid], "voxgatectl sessions: the same session %d" % sid,
               ids)
        time.sleep(1.0)
    finally:
        pump.stop()
    for name, s in (("caller -> callee", ab), ("callee -> caller", ba)):
        sent, got, missing, bad, _ = s.result()
        tap.ok(got == sent and not bad, "%s across the stop and the restart:"
               " %d of %d arrived, none lost" % (name, got, sent),
               missing[:30])
    # the adopted session goes when its media stops ([media] timeout_s)
    gone = vgsys.wait_for(lambda: no_call_left(app, sid) and
                          app.ctl_doc("stats")["dp"]["orphan_sessions"] == 0,
                          CP_RESTART_TIMEOUT_S + 20, 0.5)
    tap.ok(gone, "silent for [media] timeout_s = %d: the new voxgate-cp "
           "frees the adopted session and its ports" % CP_RESTART_TIMEOUT_S,
           (app.ctl("stats"), app.cp_log_text()[-1500:]))


# ---------------------------------------------------------------------------

CASES = {
    "flows": (case_flows, ()),
    "rtp": (case_rtp, ()),
    "topology_hiding": (case_topology_hiding, ()),
    "anti_bleed": (case_anti_bleed, ()),
    "bye": (case_bye, ()),
    # media timeout short enough to see the adopted session freed
    "cp_restart": (case_cp_restart, (
        ("\ntimeout_s = 30\n", "\ntimeout_s = %d\n" % CP_RESTART_TIMEOUT_S),)),
}


def skip_reason(args):
    if os.geteuid() != 0:
        return "needs root (network namespaces, DPDK)"
    for tool in ("sipp", "tshark", "dumpcap", "ip", "ethtool", "ss"):
        if shutil.which(tool) is None:
            return "%s is not installed (test/host-setup.sh installs it)" \
                % tool
    try:
        with open("/proc/meminfo") as f:
            free = int(re.search(r"HugePages_Free:\s+(\d+)",
                                 f.read()).group(1))
    except (OSError, AttributeError):
        free = 0
    if free < 160:
        return ("needs 160 free 2 MB hugepages, %d free (test/host-setup.sh"
                " reserves them)" % free)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--dp", required=True, help="voxgate-dp binary")
    ap.add_argument("--cp", required=True, help="voxgate-cp binary")
    ap.add_argument("--ctl", required=True, help="voxgatectl binary")
    ap.add_argument("--topo-prefix",
                    default=os.environ.get("VG_TOPO_PREFIX", "vgt"))
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    args = ap.parse_args()
    # meson passes the programs relative to the build directory
    for k in ("dp", "cp", "ctl"):
        setattr(args, k, os.path.abspath(getattr(args, k)))
    why = skip_reason(args)
    if why:
        print("1..0 # SKIP " + why)
        return 0
    tap = Tap()
    # meson's timeout sends SIGTERM: unwind through the finally blocks
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="vg-sys-%s-" % args.case)
    lock = app = ctx = None
    try:
        lock = vgsys.Lock(args.topo_prefix, 150)
        app = vgsys.Appliance(args, work)
        ctx = Ctx(app, tap)
        fn, replace = CASES[args.case]
        app.up([("%d" % (30001 + i), "pw-%s" % vgsys.rand_hex())
                for i in range(N_USERS)], replace)
        fn(ctx)
    except Exception as e:  # report, then stop everything below
        tap.ok(False, "case %s: %s: %s" % (args.case, type(e).__name__, e),
               traceback.format_exc() +
               (app.cp_log_text()[-2000:] if app else ""))
    finally:
        if ctx:
            ctx.close()
        if app:
            problems = app.down()
            for n in app.notes:
                tap.note(n)
            tap.ok(not problems, "voxgate-dp and voxgate-cp ran and stopped "
                   "cleanly (exit 0, no sanitizer report)",
                   "\n".join(problems))
        if lock:
            lock.release()
        if tap.failed or args.keep:
            tap.note("work dir kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
