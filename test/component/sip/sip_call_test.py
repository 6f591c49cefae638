#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Component tests of the B2BUA of voxgate-cp: the real program on
127.0.0.1, a SIPp UAC with digest credentials as the caller (side A) and a
SIPp UAS as the callee (side B, reached as a trunk on 127.0.0.1:<port>).

One case per run (--case NAME); output is TAP. Uses the helpers of
sip_component_test.py (same directory). Every process started here is
stopped by pid in a finally block, also on failure; every SIPp run is
bounded by -m and -timeout.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip_component_test as sct  # noqa: E402

USERS = [("1001", "pw-1001"), ("1002", "pw-1002")]
MEDIA_MIN, MEDIA_MAX = 30000, 30099


def extra_config(callee_port, cdr, max_calls=100, max_cps=100, srtp="off"):
    return "\n".join([
        "", "[media]", "port_min = %d" % MEDIA_MIN,
        "port_max = %d" % MEDIA_MAX, "",
        "[limits]", "max_calls = %d" % max_calls, "max_cps = %d" % max_cps,
        "retry_after_s = 7", "",
        "[[trunk]]", 'name = "callee"', 'host = "127.0.0.1"',
        "port = %d" % callee_port, 'transport = "udp"',
        'srtp = "%s"' % srtp,
        # not 127.0.0.1 (the default is [host]): the caller is challenged
        'sources = ["192.0.2.1/32"]', "",
        # 2xxx goes to the SIPp callee, 1xxx to registered users
        # a trusted peer: its INVITEs are not challenged
        "[[trunk]]", 'name = "peer"', 'host = "127.0.0.2"', "port = 5060",
        'sources = ["127.0.0.2/32"]', "",
        "[[route]]", 'name = "to-callee"', 'match_prefix = "2"',
        'to = "trunk"', 'trunk = "callee"', "",
        "[[route]]", 'name = "internal"', 'match_pattern = "^1[0-9]{3}$"',
        'to = "user"', "",
    ]) + "\n"


class Sipp:
    """A SIPp instance in the background, stopped by pid."""

    def __init__(self, ctx, scenario, port, role_args, tag, timeout_s=20,
                 calls=1):
        self.stat = os.path.join(ctx.workdir, tag + "_stat.csv")
        self.err = os.path.join(ctx.workdir, tag + "_errors.log")
        self.tag = tag
        cmd = [ctx.sipp] + role_args + [
            "-sf", scenario, "-i", "127.0.0.1", "-p", str(port),
            "-m", str(calls), "-timeout", "%ds" % timeout_s,
            "-timeout_error",
            "-nostdin", "-trace_stat", "-stf", self.stat, "-trace_err",
            "-error_file", self.err, "-trace_msg", "-message_file",
            os.path.join(ctx.workdir, tag + "_messages.log")]
        self.out = open(os.path.join(ctx.workdir, tag + ".out"), "w")
        self.proc = subprocess.Popen(cmd, cwd=ctx.workdir,
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        ctx.procs.append(self)
        self.timeout_s = timeout_s

    def wait(self):
        try:
            return self.proc.wait(timeout=self.timeout_s + 20)
        except subprocess.TimeoutExpired:
            self.stop()
            return -1

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.out.close()

    def messages(self):
        p = os.path.join(os.path.dirname(self.stat),
                         self.tag + "_messages.log")
        try:
            with open(p, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def diag(self):
        text = ""
        for p in (self.err, self.out.name):
            try:
                with open(p, errors="replace") as f:
                    text += f.read()[-2000:]
            except OSError:
                pass
        return text


# The data plane of the media cases: two net_null ports (no traffic: the
# sessions are checked through the control socket and telemetry), the
# first one's address is the media address both sides get.
DP_EAL = "main_lcore = 0\nworker_lcores = [1]\nhuge = true\nmemory_mb = 256\n"
DP_CONFIG = """
[dataplane]
mempool_size = 8191
mempool_cache = 32
max_sessions = 128
idle_sleep_us = 200

[[port]]
name = "access"
device = "net_null0"
address = "198.51.100.1/24"
queues = 1
exception = "none"

[[port]]
name = "core"
device = "net_null1"
address = "203.0.113.1/24"
queues = 1
exception = "none"
"""


class DataPlane:
    """voxgate-dp as a child process, stopped by pid."""

    def __init__(self, binary, conf, workdir):
        self.log = os.path.join(workdir, "voxgate-dp.log")
        with open(self.log, "w") as logf:
            self.proc = subprocess.Popen([binary, "--config", conf],
                                         stdout=logf, stderr=logf,
                                         stdin=subprocess.DEVNULL)

    def wait_running(self, deadline_s=30.0):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and self.proc.poll() is None:
            if "voxgate-dp: running" in self.log_text():
                return True
            time.sleep(0.05)
        return False

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return self.proc.returncode


def start_cp(ctx, callee_port, dp=False, dp_start=True, media_timeout_s=60,
             **limits):
    """voxgate-cp (and, with dp, voxgate-dp first) on one config."""
    port = sct.free_port()
    plane = sct.ControlPlane(ctx.binary, ctx.workdir, port, USERS)
    cdr = os.path.join(ctx.workdir, "cdr.jsonl")
    with open(plane.conf) as f:
        text = f.read()
    text = text.replace('[log]\nlevel = "info"\n',
                        '[log]\nlevel = "debug"\ncdr_file = "%s"\n' % cdr)
    extra = extra_config(callee_port, cdr, **limits)
    if dp:
        text = text.replace("[eal]\n", "[eal]\n" + DP_EAL, 1) + DP_CONFIG
        extra = extra.replace("[media]\n", "[media]\ntimeout_s = %d\n"
                              % media_timeout_s, 1)
    with open(plane.conf, "w") as f:
        f.write(text + extra)
    plane.prefix = "vgsip%d" % port
    if dp and dp_start:
        d = DataPlane(ctx.args.dp, plane.conf, ctx.workdir)
        ctx.dps.append(d)
        if not d.wait_running():
            raise RuntimeError("voxgate-dp did not start:\n"
                               + d.log_text()[-3000:])
    ctx.planes.append(plane)
    # joining the data plane (a DPDK secondary) takes seconds on a busy
    # machine
    if not plane.start(deadline_s=40.0 if dp else 10.0):
        raise RuntimeError("voxgate-cp did not start:\n"
                           + plane.log_text()[-3000:])
    return plane, cdr


def ctl(plane, line, timeout_s=5.0):
    """One command on voxgate-cp's control socket: the JSON reply."""
    path = "/run/voxgate/%s-cp.sock" % plane.prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout_s)
    try:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    return json.loads(data.decode())


def telemetry(prefix, cmd, timeout_s=5.0):
    """One DPDK telemetry command of voxgate-dp (dpdk-telemetry.py's
    protocol): the value of the reply."""
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout_s)
    try:
        s.connect(path)
        s.recv(16384)  # the greeting
        s.send(cmd.encode())
        reply = json.loads(s.recv(1 << 20).decode())
    finally:
        s.close()
    return reply[cmd.split(",")[0]]


def wait_for(pred, deadline_s=5.0):
    end = time.monotonic() + deadline_s
    while True:
        try:
            v = pred()
        except (OSError, ValueError, KeyError):
            v = None
        if v or time.monotonic() > end:
            return v
        time.sleep(0.05)


def read_cdrs(path, deadline_s=3.0):
    end = time.monotonic() + deadline_s
    while True:
        try:
            with open(path) as f:
                rows = [json.loads(l) for l in f if l.strip()]
        except OSError:
            rows = []
        if rows or time.monotonic() > end:
            return rows
        time.sleep(0.05)


def caller(ctx, plane, scenario, service, tag, timeout_s=20):
    csv = os.path.join(ctx.workdir, tag + ".csv")
    sct.write_csv(csv, USERS[:1])
    # SIPp 3.6.1 signs uri="sip:host:port" unless told the Request-URI,
    # which the appliance checks (RFC 2617 §3.2.2.5)
    return Sipp(ctx, sct.scen(ctx, scenario), sct.free_port(),
                ["127.0.0.1:%d" % plane.port, "-s", service, "-inf", csv,
                 "-auth_uri", "%s@127.0.0.1:%d" % (service, plane.port),
                 "-t", "u1"], tag, timeout_s)


def callee(ctx, scenario, port, tag, timeout_s=20, hold_ms=3000):
    # hold_ms: SIPp's default pause, the <pause/> of the scenarios that
    # keep the call up while the test reads it
    return Sipp(ctx, sct.scen(ctx, scenario), port,
                ["-t", "u1", "-d", str(hold_ms)], tag, timeout_s)


def call_through(ctx, tap, uac_scen, uas_scen, name, service="2000",
                 during=None, hold_ms=3000, **cp_args):
    """Run one call from the caller through voxgate-cp to the callee (a
    trunk for 2xxx; for 1xxx the callee registers first); during(plane)
    runs while the call is up (hold_ms in the scenarios with a bare
    <pause/>)."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port, **cp_args)
    if service.startswith("1"):
        c = sct.RawClient(plane.port)
        try:
            pw = dict(USERS)[service]
            res = sct.register_raw(
                c, service, pw, plane.port,
                ["<sip:%s@127.0.0.1:%d>" % (service, callee_port)], 1,
                "reg-%s@127.0.0.1" % service)
        finally:
            c.close()
        tap.ok(res is not None and res[0] == 200,
               "callee %s registered" % service, res)
    b = callee(ctx, uas_scen, callee_port, name + "_uas", hold_ms=hold_ms)
    time.sleep(0.3)  # the UAS socket is bound before the INVITE comes
    a = caller(ctx, plane, uac_scen, service, name + "_uac")
    if during is not None:
        during(plane)
    rc_a = a.wait()
    rc_b = b.wait()
    tap.ok(rc_a == 0, "%s: caller (SIPp uac) succeeded" % name,
           a.diag() + plane.log_text()[-3000:])
    tap.ok(rc_b == 0, "%s: callee (SIPp uas) succeeded" % name, b.diag())
    return plane, cdr, a, b


def case_call_bye(ctx, tap):
    plane, cdr, a, b = call_through(ctx, tap, "call_uac_auth.xml",
                                    "call_uas_bye.xml", "bye")
    seen = b.messages()
    callid_a = re.search(r"Call-ID: *(\S+)", a.messages())
    tap.ok(callid_a is not None and callid_a.group(1) not in seen and
           "uacTag" not in seen,
           "nothing of A's dialog (Call-ID, tags) reaches B",
           seen[-3000:])
    tap.ok("G729" not in seen, "a codec outside codecs_allowed is removed")
    rows = read_cdrs(cdr)
    ok = len(rows) == 1 and rows[0]["cause"] == "normal_b" and \
        rows[0]["from"] == "1001" and rows[0]["to"] == "2000" and \
        rows[0]["route"] == "to-callee" and rows[0]["answer"] != "" and \
        rows[0]["call_id_a"] == callid_a.group(1) and \
        rows[0]["call_id_b"] != rows[0]["call_id_a"] and \
        rows[0]["codecs_b"] == "PCMA,telephone-event"
    tap.ok(ok, "one CDR line: BYE from the callee, both Call-IDs, route",
           repr(rows))


def case_late_offer(ctx, tap):
    """INVITE without SDP: B is offered the allowed codecs, our 200 to A
    offers B's codec first, A answers in the ACK; the call goes on."""
    _, cdr, a, b = call_through(ctx, tap, "call_uac_late.xml",
                                "call_uas_bye.xml", "late")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "normal_b" and
           rows[0]["codecs_b"] == "PCMA,telephone-event" and
           rows[0]["codecs_a"] == "PCMA,telephone-event" and
           rows[0]["transcoded"] is False,
           "CDR: answered, A took B's codec from our offer (relayed)",
           repr(rows))


def case_early_bye(ctx, tap):
    """183 with SDP reaches A with our media; the caller hangs up."""
    _, cdr, _, b = call_through(ctx, tap, "call_uac_early_bye.xml",
                                "call_uas_early_bye.xml", "early_bye")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "normal_a" and
           rows[0]["answer"] != "", "CDR: answered, BYE from the caller",
           repr(rows))


def case_call_registered(ctx, tap):
    """The callee is a registered user: its contact is the destination."""
    _, cdr, _, _ = call_through(ctx, tap, "call_uac_auth.xml",
                                "call_uas_bye.xml", "registered",
                                service="1002")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["to"] == "1002" and
           rows[0]["route"] == "internal" and
           rows[0]["cause"] == "normal_b",
           "CDR: to the registered user 1002, route internal", repr(rows))


def case_call_cancel(ctx, tap):
    _, cdr, _, _ = call_through(ctx, tap, "call_uac_cancel.xml",
                                "call_uas_cancel.xml", "cancel")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "cancelled" and
           rows[0]["answer"] == "", "CDR: cancelled, never answered",
           repr(rows))


def case_call_cancel_early(ctx, tap):
    _, cdr, _, _ = call_through(ctx, tap, "call_uac_cancel_early.xml",
                                "call_uas_cancel_early.xml", "cancel_early")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "cancelled",
           "CDR: cancelled before A was accepted", repr(rows))


def case_busy(ctx, tap):
    """B's 486 reaches A as 486; the CDR says rejected."""
    _, cdr, _, _ = call_through(ctx, tap, "call_uac_486.xml",
                                "call_uas_486.xml", "busy")
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "rejected" and
           rows[0]["status_a"] == 486 and rows[0]["status_b"] == 486,
           "CDR: rejected, 486 from B to A", repr(rows))


def simple_failure(ctx, tap, scenario, service, code):
    plane, cdr = start_cp(ctx, sct.free_port())
    a = caller(ctx, plane, scenario, service, "uac_%d" % code)
    rc = a.wait()
    tap.ok(rc == 0, "INVITE to %s with 407 then %d" % (service, code),
           a.diag() + plane.log_text()[-3000:])
    tap.ok(read_cdrs(cdr, 0.3) == [], "no call, no CDR")


def case_no_route(ctx, tap):
    simple_failure(ctx, tap, "call_uac_404.xml", "999", 404)


def case_not_registered(ctx, tap):
    simple_failure(ctx, tap, "call_uac_480.xml", "1002", 480)


def case_overload(ctx, tap):
    """max_calls = 1: while one call is up, the next INVITE gets 503."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port, max_calls=1)
    b = callee(ctx, "call_uas_bye.xml", callee_port, "ovl_uas")
    time.sleep(0.3)
    a = caller(ctx, plane, "call_uac_auth.xml", "2000", "ovl_uac")
    # the first call holds the only slot from its INVITE to the BYE
    end = time.monotonic() + 5
    while time.monotonic() < end and "call 1 " not in plane.log_text():
        time.sleep(0.02)
    c = sct.RawClient(plane.port)
    try:
        res = c.request("INVITE", user="2001",
                        ruri="sip:2001@127.0.0.1:%d" % plane.port)
    finally:
        c.close()
    tap.ok(res is not None and res[0] == 503 and
           res[1].get("retry-after", [""])[0] == "7",
           "second INVITE: 503 with Retry-After 7", repr(res))
    rc_a, rc_b = a.wait(), b.wait()
    tap.ok(rc_a == 0 and rc_b == 0, "the first call completes",
           a.diag() + b.diag())
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1, "one CDR (the 503 is no call)", repr(rows))


def case_invite_auth(ctx, tap):
    """407 for users, none for a trusted trunk, 403 after wrong passwords,
    420 for an option tag we do not implement (100rel)."""
    plane, _ = start_cp(ctx, sct.free_port())
    ruri = "sip:999@127.0.0.1:%d" % plane.port
    c = sct.RawClient(plane.port)
    try:
        res = c.request("INVITE", user="1001", ruri=ruri)
        tap.ok(res is not None and res[0] == 407, "user INVITE -> 407", res)
        res = c.request("INVITE", user="1001", ruri=ruri,
                        extra=[("Require", "100rel, timer")])
        tap.ok(res is not None and res[0] == 420 and
               res[1].get("unsupported") == ["100rel"],
               "Require: 100rel, timer -> 420 Unsupported: 100rel "
               "(session timers are ours)", res)
        codes = []
        for i in range(5):
            res = c.request("INVITE", user="1001", ruri=ruri)
            if res is None or res[0] != 407:
                codes.append(res and res[0])
                continue
            ch = sct.parse_challenge(res[1]["proxy-authenticate"][0])
            auth = sct.digest_authorization(ch, "1001", "wrong", "INVITE",
                                            ruri)
            res = c.request("INVITE", user="1001", ruri=ruri, cseq=2,
                            extra=[("Proxy-Authorization", auth)])
            codes.append(res and res[0])
        tap.ok(codes[:2] == [407, 407] and codes[-1] == 403,
               "wrong password: 407 again, then 403 (lockout)", codes)
    finally:
        c.close()
    trusted = sct.RawClient(plane.port)
    try:
        trusted.sock.close()
        trusted.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        trusted.sock.bind(("127.0.0.2", 0))
        trusted.sock.settimeout(0.2)
        trusted.lport = trusted.sock.getsockname()[1]
        res = trusted.request("INVITE", user="1001",
                              ruri="sip:999@127.0.0.1:%d" % plane.port)
        tap.ok(res is not None and res[0] == 404,
               "trusted trunk: no challenge (404: no route to 999)", res)
    finally:
        trusted.close()


def case_media_session(ctx, tap):
    """With voxgate-dp: the answered call's media session is programmed
    (both legs as the SDP says), a hold re-INVITE is relayed and updates
    it, the BYE deletes it and frees its ports; the CDR has counters."""
    seen = {}

    def during(plane):
        call = wait_for(lambda: [c for c in ctl(plane, "calls")["calls"]
                                 if c["state"] == "answered"], 10)
        seen["call"] = call[0] if call else None
        if call and call[0]["sess_id"] is not None:
            seen["dp"] = telemetry(plane.prefix, "/voxgate/session,%d"
                                   % call[0]["sess_id"])
            # the quick reads first: voxgatectl starts a DPDK secondary,
            # which takes seconds on a loaded machine, and the call lasts
            # three
            seen["dp_count"] = telemetry(plane.prefix, "/voxgate/sessions")
            seen["stats"] = ctl(plane, "stats")
            if ctx.args.ctl:
                # the session as the data plane holds it (QUERY, passed on
                # by voxgate-cp, the one command sender)
                out = subprocess.run(
                    [ctx.args.ctl, "--config", plane.conf, "--json",
                     "session", str(call[0]["sess_id"])],
                    capture_output=True, text=True, timeout=60)
                try:
                    seen["ctl"] = json.loads(out.stdout)
                except ValueError:
                    seen["ctl"] = out.stdout + out.stderr
        else:
            seen["stats"] = ctl(plane, "stats")

    plane, cdr, a, b = call_through(ctx, tap, "call_uac_hold.xml",
                                    "call_uas_hold.xml", "media",
                                    during=during, dp=True)
    tap.ok("data plane attached" in plane.log_text(),
           "voxgate-cp attached to voxgate-dp", plane.log_text()[-2000:])
    call = seen.get("call")
    legs = call["legs"] if call else []
    tap.ok(call is not None and call["sess_id"] is not None and
           len(legs) == 2 and legs[0]["local"].startswith("198.51.100.1:") and
           legs[0]["remote"].startswith("127.0.0.1:") and
           legs[1]["remote"].startswith("127.0.0.1:"),
           "answered call: a media session, both legs toward the SDP "
           "addresses", repr(call))
    legs_sdp = [l["remote"] for l in legs]
    got = seen.get("ctl")
    text = json.dumps(got)
    tap.ok(isinstance(got, dict) and len(legs_sdp) == 2 and
           all(r in text for r in legs_sdp) and "198.51.100.1:" in text,
           "voxgatectl session: the data plane's legs are the SDP "
           "addresses", repr(got) + repr(legs_sdp))
    tap.ok(seen.get("dp", {}).get("active") == 1 and
           seen.get("dp_count", {}).get("active") == 1,
           "the data plane holds the session", repr(seen))
    st = seen.get("stats", {})
    tap.ok(st.get("dp", {}).get("state") == "up" and
           st.get("media_ports_in_use") == 2 and st.get("calls_active") == 1,
           "stats: data plane up, 2 port pairs, 1 call", repr(st))
    tap.ok("re-offer from A (sendonly) relayed" in plane.log_text(),
           "the hold re-INVITE went on to B", plane.log_text()[-2000:])
    count = wait_for(lambda: telemetry(plane.prefix, "/voxgate/sessions")
                     ["active"] == 0 or None, 5)
    st = ctl(plane, "stats")
    tap.ok(count is True and st["media_ports_in_use"] == 0 and
           st["calls_active"] == 0,
           "after the BYE: no session in the data plane, ports free",
           repr(st))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "normal_a" and
           isinstance(rows[0]["media"], dict) and
           set(rows[0]["media"]) == {"a", "b"} and
           rows[0]["media"]["a"]["rx_pkts"] == 0,
           "CDR: BYE from the caller, media counters of both legs",
           repr(rows))


def case_media_timeout(ctx, tap):
    """No RTP for [media] timeout_s: the data plane reports it and the
    call ends with BYE on both sides."""
    plane, cdr, a, b = call_through(ctx, tap, "call_uac_timeout.xml",
                                    "call_uas_timeout.xml", "timeout",
                                    dp=True, media_timeout_s=2)
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "media_timeout" and
           rows[0]["duration_s"] >= 1.5,
           "CDR: ended by the media timeout after about 2 s", repr(rows))
    tap.ok("no media for" in plane.log_text(), "the timeout is logged",
           plane.log_text()[-2000:])


def case_dp_down(ctx, tap):
    """Ports configured, no voxgate-dp: INVITEs get 503 + Retry-After
    (before any challenge), REGISTER still works."""
    plane, _ = start_cp(ctx, sct.free_port(), dp=True, dp_start=False)
    c = sct.RawClient(plane.port)
    try:
        res = c.request("INVITE", user="1001",
                        ruri="sip:2000@127.0.0.1:%d" % plane.port)
        tap.ok(res is not None and res[0] == 503 and
               res[1].get("retry-after", [""])[0] == "7",
               "INVITE without a data plane: 503, Retry-After 7", repr(res))
        res = c.request("OPTIONS", user="1001",
                        ruri="sip:127.0.0.1:%d" % plane.port)
        tap.ok(res is not None and res[0] == 200, "OPTIONS still 200",
               repr(res))
    finally:
        c.close()
    st = ctl(plane, "stats")
    tap.ok(st["dp"]["state"] == "waiting" and not st["dp"]["attached"],
           "stats: waiting for the data plane", repr(st))
    tap.ok("waiting for voxgate-dp" in plane.log_text(),
           "the log says what it waits for", plane.log_text()[-2000:])


def case_dp_stall(ctx, tap):
    """voxgate-dp stalls as B answers: the session create times out
    (200 ms), A gets 503 (the answer was fine, not 488), B a BYE; once
    voxgate-dp runs again, the session it made late is deleted."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port, dp=True)
    d = ctx.dps[-1]
    b = callee(ctx, "call_uas_dropped.xml", callee_port, "stall_uas")
    time.sleep(0.3)
    d.proc.send_signal(signal.SIGSTOP)
    try:
        a = caller(ctx, plane, "call_uac_503.xml", "2000", "stall_uac")
        rc_a = a.wait()
    finally:
        d.proc.send_signal(signal.SIGCONT)
    rc_b = b.wait()
    tap.ok(rc_a == 0, "data plane stalled at the answer: 503 to the caller",
           a.diag() + plane.log_text()[-3000:])
    tap.ok(rc_b == 0, "the callee got a BYE", b.diag())
    st = wait_for(lambda: (lambda s: s if s["dp"]["late_creates_undone"]
                           == 1 else None)(ctl(plane, "stats")), 10)
    tap.ok(st is not None and st["media_ports_in_use"] == 0 and
           st["calls_active"] == 0 and st["dp"]["state"] == "up",
           "the session made late was deleted, ports free, link up",
           repr(ctl(plane, "stats")))
    count = wait_for(lambda: telemetry(plane.prefix, "/voxgate/sessions")
                     ["active"] == 0 or None, 5)
    tap.ok(count is True, "no session left in the data plane",
           repr(telemetry(plane.prefix, "/voxgate/sessions")))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "error" and
           rows[0]["status_a"] == 503, "CDR: error, 503 to A", repr(rows))


def case_cp_restart(ctx, tap):
    """Stopping voxgate-cp during a call leaves the call's media session
    in the data plane (no BYE to either side); the next voxgate-cp adopts
    it and frees it and its ports once the data plane reports it silent.
    """
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port, dp=True, media_timeout_s=6)
    b = callee(ctx, "call_uas_timeout.xml", callee_port, "restart_uas", 30)
    time.sleep(0.3)
    a = caller(ctx, plane, "call_uac_timeout.xml", "2000", "restart_uac", 30)
    call = wait_for(lambda: [c for c in ctl(plane, "calls")["calls"]
                             if c["state"] == "answered"], 10)
    tap.ok(bool(call) and call[0]["sess_id"] is not None,
           "the call is answered with a media session", repr(call))
    rc = plane.stop()
    tap.ok(rc == 0, "voxgate-cp stops (exit 0) during the call", rc)
    active = telemetry(plane.prefix, "/voxgate/sessions")["active"]
    tap.ok(active == 1, "the data plane keeps the session", active)
    time.sleep(0.5)
    tap.ok(not re.search(r"^BYE sip:", a.messages() + b.messages(), re.M) and
           a.proc.poll() is None and b.proc.poll() is None,
           "no BYE reached either side", b.messages()[-2000:])
    if not plane.start(deadline_s=40.0):
        raise RuntimeError("voxgate-cp did not restart:\n"
                           + plane.log_text()[-3000:])
    st = ctl(plane, "stats")
    tap.ok(st["dp"]["orphan_sessions"] == 1 and
           st["media_ports_in_use"] == 2,
           "the new control plane adopts the session and its ports",
           repr(st))
    gone = wait_for(lambda: telemetry(plane.prefix, "/voxgate/sessions")
                    ["active"] == 0 or None, 15)
    st = ctl(plane, "stats")
    tap.ok(gone is True and st["dp"]["orphan_sessions"] == 0 and
           st["media_ports_in_use"] == 0,
           "silent for timeout_s: session deleted, ports free", repr(st))
    a.stop()
    b.stop()


def case_session_timer(ctx, tap):
    """RFC 4028: an interval below Min-SE gets 422; a caller that asks for
    90 s as refresher and never refreshes is hung up (BYE to both sides)
    at 90 - 30 s; B was asked for a timer too."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port, dp=True, media_timeout_s=600)
    ruri = "sip:2000@127.0.0.1:%d" % plane.port
    c = sct.RawClient(plane.port)
    try:
        res = c.request("INVITE", user="1001", ruri=ruri)
        ch = sct.parse_challenge(res[1]["proxy-authenticate"][0])
        auth = sct.digest_authorization(ch, "1001", "pw-1001", "INVITE", ruri)
        res = c.request("INVITE", user="1001", ruri=ruri, cseq=2,
                        extra=[("Proxy-Authorization", auth),
                               ("Supported", "timer"),
                               ("Session-Expires", "30")])
    finally:
        c.close()
    tap.ok(res is not None and res[0] == 422 and
           res[1].get("min-se") == ["90"],
           "Session-Expires 30 < Min-SE: 422 with Min-SE 90", repr(res))
    b = callee(ctx, "call_uas_timer.xml", callee_port, "timer_uas", 100)
    time.sleep(0.3)
    start = time.monotonic()
    a = caller(ctx, plane, "call_uac_timer.xml", "2000", "timer_uac", 100)
    rc_a, rc_b = a.wait(), b.wait()
    took = time.monotonic() - start
    tap.ok(rc_a == 0 and rc_b == 0,
           "200 confirms the timer; B was asked; both sides get a BYE",
           a.diag() + b.diag() + plane.log_text()[-2000:])
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "session_timer" and
           55 <= took <= 75,
           "ended by the session timer after about 60 s (%.1f s)" % took,
           repr(rows))


def case_session_timer_422(ctx, tap):
    """RFC 4028 s6: B answers 422 with Min-SE 3600 (more than our 1800):
    the INVITE goes to B again asking for 3600, and the call goes on."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port)
    b = Sipp(ctx, sct.scen(ctx, "call_uas_422.xml"), callee_port,
             ["-t", "u1"], "se422_uas", 20, calls=2)
    time.sleep(0.3)
    a = caller(ctx, plane, "call_uac_auth.xml", "2000", "se422_uac")
    rc_a, rc_b = a.wait(), b.wait()
    tap.ok(rc_a == 0, "caller: the call went through after B's 422",
           a.diag() + plane.log_text()[-3000:])
    seen = b.messages()
    invites = re.findall(r"^INVITE .*?(?=^\S|\Z)", seen, re.M | re.S)
    se = re.findall(r"Session-Expires: *(\d+)", seen)
    tap.ok(rc_b == 0 and "422 Session Interval Too Small" in seen and
           se[:2] == ["1800", "3600"],
           "B got Session-Expires 1800, answered 422, then 3600 (%d "
           "INVITEs)" % len(invites), b.diag() + repr(se))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "normal_b" and
           rows[0]["answer"] != "", "one CDR: answered, BYE from B",
           repr(rows))


# ---- transcoding and SRTP (issue 5): what the control plane decides ----

# the a=crypto keys of the SIPp caller (call_uac_srtp.xml) and callee
# (call_uas_srtp.xml)
SCEN_KEYS = ("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
             "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj")


def sip_messages(log):
    """The SIP messages of a SIPp -trace_msg log, in order."""
    msgs = []
    for part in re.split(r"^-{20,}.*$", log, flags=re.M):
        m = re.search(r"^(?:INVITE|ACK|BYE|CANCEL|SIP/2\.0) .*", part,
                      re.M | re.S)
        if m:
            msgs.append(m.group(0).replace("\r\n", "\n").strip("\n"))
    return msgs


def sdp_of(log, start):
    """The SDP body of the last message of log whose first line starts
    with start ("" when none)."""
    body = ""
    for m in sip_messages(log):
        if m.startswith(start) and "\n\n" in m:
            body = m.split("\n\n", 1)[1]
    return body


def mline(body):
    m = re.search(r"^m=audio \d+ (.*)$", body, re.M)
    return m.group(1).strip() if m else None


def crypto_lines(body):
    return re.findall(r"^a=crypto:(.*)$", body, re.M)


def answered_call(plane, deadline_s=10):
    calls = wait_for(lambda: [c for c in ctl(plane, "calls")["calls"]
                              if c["state"] == "answered"], deadline_s)
    return calls[0] if calls else None


def dp_session(ctx, plane, sess_id):
    """voxgatectl --json session ID: the session as the data plane holds
    it (the codec fields of ABI 3)."""
    out = subprocess.run([ctx.args.ctl, "--config", plane.conf, "--json",
                          "session", str(sess_id)],
                         capture_output=True, text=True, timeout=60)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return out.stdout + out.stderr


def transcode_call(ctx, tap, dp):
    """PCMU only from the caller, PCMA only from the callee: each side's
    200/INVITE keeps its own codec, the legs say transcode."""
    seen = {}

    def during(plane):
        seen["call"] = answered_call(plane)
        c = seen["call"]
        if dp and c and c.get("sess_id") is not None:
            seen["dp"] = dp_session(ctx, plane, c["sess_id"])

    # with a data plane, voxgatectl (a DPDK secondary) takes seconds to
    # start on a loaded machine: the call lasts longer
    plane, cdr, a, b = call_through(ctx, tap, "call_uac_pcmu.xml",
                                    "call_uas_pcma.xml", "transcode",
                                    during=during, dp=dp,
                                    hold_ms=10000 if dp else 3000)
    to_b = sdp_of(b.messages(), "INVITE ")
    to_a = sdp_of(a.messages(), "SIP/2.0 200")
    tap.ok(mline(to_b) == "RTP/AVP 0 101 8 9",
           "INVITE to B: the caller's PCMU and telephone-event, then "
           "PCMA and G722 to transcode to", to_b)
    tap.ok(mline(to_a) == "RTP/AVP 0 101" and "PCMA" not in to_a and
           "a=rtpmap:0 PCMU/8000" in to_a,
           "200 to A: PCMU (the caller's payload types), no PCMA", to_a)
    call = seen.get("call") or {}
    legs = call.get("legs") or [{}, {}]
    want_a = {"codec": "PCMU", "pt": 0, "ptime_ms": 20, "te_pt": 101}
    want_b = {"codec": "PCMA", "pt": 8, "ptime_ms": 20, "te_pt": 101}
    tap.ok(call.get("transcoding") is True and
           all(legs[0].get(k) == v for k, v in want_a.items()) and
           all(legs[1].get(k) == v for k, v in want_b.items()),
           "calls: leg A PCMU/0, leg B PCMA/8, transcoding", repr(call))
    if dp:
        got = seen.get("dp")
        dl = got.get("session", got).get("legs", []) \
            if isinstance(got, dict) else []
        want = [{"codec": "PCMU", "pt": 0, "ptime_ms": 20, "dtmf_pt": 101,
                 "srtp": None},
                {"codec": "PCMA", "pt": 8, "ptime_ms": 20, "dtmf_pt": 101,
                 "srtp": None}]
        tap.ok(len(dl) == 2 and all(dl[i].get(k) == v
                                    for i in range(2)
                                    for k, v in want[i].items()),
               "voxgatectl session: the data plane transcodes PCMU <-> "
               "PCMA with both legs' payload types and DTMF", repr(got))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0].get("codec_a") == "PCMU" and
           rows[0].get("codec_b") == "PCMA" and
           rows[0].get("transcoded") is True and
           rows[0].get("srtp_a") is False and rows[0].get("srtp_b") is False,
           "CDR: codec of each leg, transcoded, no SRTP", repr(rows))


def case_transcode(ctx, tap):
    transcode_call(ctx, tap, dp=False)


def case_transcode_session(ctx, tap):
    transcode_call(ctx, tap, dp=True)


def srtp_to_plain_call(ctx, tap, dp):
    """RTP/SAVP from the caller to a trunk with srtp = "off": SRTP is
    answered with the caller's tag and a key of ours; the trunk gets plain
    RTP; the keys are in no log or CDR."""
    seen = {}

    def during(plane):
        seen["call"] = answered_call(plane)
        c = seen["call"]
        if dp and c and c.get("sess_id") is not None:
            seen["dp"] = dp_session(ctx, plane, c["sess_id"])

    plane, cdr, a, b = call_through(ctx, tap, "call_uac_srtp.xml",
                                    "call_uas_plain.xml", "srtp",
                                    during=during, dp=dp,
                                    hold_ms=10000 if dp else 3000)
    to_a = sdp_of(a.messages(), "SIP/2.0 200")
    to_b = sdp_of(b.messages(), "INVITE ")
    lines = crypto_lines(to_a)
    m = re.match(r"1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/]{40})$",
                 lines[0].strip()) if len(lines) == 1 else None
    key = m.group(1) if m else None
    tap.ok(mline(to_a) == "RTP/SAVP 8 101" and key is not None and
           key not in SCEN_KEYS,
           "200 to A: RTP/SAVP, one a=crypto with the caller's tag 1 and "
           "suite, and a key of ours", to_a)
    tap.ok(mline(to_b) == "RTP/AVP 0 8 101 9" and "crypto" not in to_b,
           "INVITE to the trunk (srtp off): plain RTP/AVP, no a=crypto",
           to_b)
    call = seen.get("call") or {}
    legs = call.get("legs") or [{}, {}]
    tap.ok(legs[0].get("profile") == "RTP/SAVP" and
           legs[0].get("srtp") == "AES_CM_128_HMAC_SHA1_80" and
           legs[1].get("profile") == "RTP/AVP" and
           legs[1].get("srtp") is None and
           call.get("transcoding") is False,
           "calls: leg A SRTP (80-bit tag), leg B plain, relayed",
           repr(call))
    if dp:
        got = seen.get("dp")
        dl = got.get("session", got).get("legs", []) \
            if isinstance(got, dict) else []
        tap.ok(len(dl) == 2 and
               dl[0].get("srtp") == "AES_CM_128_HMAC_SHA1_80" and
               dl[1].get("srtp") is None and dl[0].get("codec") is None and
               dl[1].get("codec") is None,
               "voxgatectl session: SRTP on leg A only, relayed", repr(got))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0].get("srtp_a") is True and
           rows[0].get("srtp_b") is False and
           rows[0].get("transcoded") is False and
           rows[0].get("codec_a") == "PCMA",
           "CDR: leg A SRTP, leg B plain", repr(rows))
    try:
        with open(cdr) as f:
            cdr_text = f.read()
    except OSError:
        cdr_text = ""
    secrets = [k for k in SCEN_KEYS + ((key,) if key else ())
               if k in plane.log_text() or k in cdr_text]
    tap.ok(not secrets, "no SRTP key in the voxgate-cp log or the CDR",
           repr(secrets))


def case_srtp_to_plain(ctx, tap):
    srtp_to_plain_call(ctx, tap, dp=False)


def case_srtp_session(ctx, tap):
    srtp_to_plain_call(ctx, tap, dp=True)


def case_srtp_unsupported(ctx, tap):
    """RTP/SAVP offering only suites we do not key: 488, no call."""
    simple_failure(ctx, tap, "call_uac_srtp_488.xml", "2000", 488)


def case_srtp_trunk(ctx, tap):
    """Plain RTP from the caller to a trunk with srtp = "sdes": the trunk
    is offered RTP/SAVP with a line per suite, each keyed freshly; it
    answers tag 2; the caller's answer stays plain."""
    seen = {}

    def during(plane):
        seen["call"] = answered_call(plane)

    plane, cdr, a, b = call_through(ctx, tap, "call_uac_plain.xml",
                                    "call_uas_srtp.xml", "srtp_trunk",
                                    during=during, srtp="sdes")
    to_b = sdp_of(b.messages(), "INVITE ")
    to_a = sdp_of(a.messages(), "SIP/2.0 200")
    lines = [l.strip() for l in crypto_lines(to_b)]
    keys = [l.split("inline:", 1)[-1] for l in lines]
    tap.ok(mline(to_b) == "RTP/SAVP 8 101 0 9" and len(lines) == 2 and
           lines[0].startswith("1 AES_CM_128_HMAC_SHA1_80 inline:") and
           lines[1].startswith("2 AES_CM_128_HMAC_SHA1_32 inline:") and
           keys[0] != keys[1],
           "INVITE to the trunk: RTP/SAVP, tags 1 and 2, a key each", to_b)
    tap.ok(mline(to_a) == "RTP/AVP 8 101" and "crypto" not in to_a,
           "200 to A: plain RTP/AVP", to_a)
    call = seen.get("call") or {}
    legs = call.get("legs") or [{}, {}]
    tap.ok(legs[0].get("srtp") is None and
           legs[1].get("srtp") == "AES_CM_128_HMAC_SHA1_32",
           "calls: leg B took tag 2 (32-bit tag)", repr(call))
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0].get("srtp_a") is False and
           rows[0].get("srtp_b") is True, "CDR: leg B SRTP", repr(rows))


def case_srtp_mismatch(ctx, tap):
    """A trunk with srtp = "sdes" answering plain RTP/AVP: 488 to the
    caller, BYE to the trunk."""
    _, cdr, _, b = call_through(ctx, tap, "call_uac_488.xml",
                                "call_uas_avp_to_savp.xml", "mismatch",
                                srtp="sdes")
    tap.ok(re.search(r"^BYE ", b.messages(), re.M) is not None,
           "the trunk got a BYE", b.messages()[-2000:])
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "media" and
           rows[0]["status_a"] == 488,
           "CDR: media failure, 488 to the caller", repr(rows))


def case_srtp_early_mismatch(ctx, tap):
    """The same in a 183 with SDP: the appliance does not wait for the
    200, it CANCELs the trunk and answers the caller 488."""
    _, cdr, _, b = call_through(ctx, tap, "call_uac_488.xml",
                                "call_uas_early_avp.xml", "early_mismatch",
                                srtp="sdes")
    tap.ok(re.search(r"^CANCEL ", b.messages(), re.M) is not None,
           "the trunk got a CANCEL", b.messages()[-2000:])
    rows = read_cdrs(cdr)
    tap.ok(len(rows) == 1 and rows[0]["cause"] == "media" and
           rows[0]["status_a"] == 488 and rows[0]["answer"] == "",
           "CDR: media failure before the answer, 488 to the caller",
           repr(rows))


def case_srtp_reinvite(ctx, tap):
    """An SRTP caller holds the call: its re-INVITE is answered at once
    with RTP/SAVP, its tag and the key of ours in use (RFC 4568 §7.1.4),
    a=recvonly; the plain callee gets a plain hold re-INVITE."""
    plane, _, a, b = call_through(ctx, tap, "call_uac_srtp_hold.xml",
                                  "call_uas_plain_hold.xml", "srtp_hold")
    answers = [m.split("\n\n", 1)[1] for m in sip_messages(a.messages())
               if m.startswith("SIP/2.0 200") and "\n\n" in m and
               "m=audio" in m]
    keys = [crypto_lines(x) for x in answers]
    tap.ok(len(answers) == 2 and keys[0] == keys[1] and
           len(keys[0]) == 1 and keys[0][0].startswith("1 ") and
           SCEN_KEYS[0] not in keys[0][0] and
           "a=recvonly" in answers[1] and
           mline(answers[1]) == "RTP/SAVP 8 101",
           "hold answered RTP/SAVP, a=recvonly, same tag and key",
           repr(answers))
    offers = [m.split("\n\n", 1)[1] for m in sip_messages(b.messages())
              if m.startswith("INVITE ") and "\n\n" in m]
    tap.ok(len(offers) >= 2 and "a=sendonly" in offers[-1] and
           "crypto" not in offers[-1] and
           mline(offers[-1]) == "RTP/AVP 8 101 0 9",
           "the callee's hold re-INVITE: plain, a=sendonly, its codec "
           "first", repr(offers))
    tap.ok("re-offer from A (sendonly) relayed" in plane.log_text(),
           "the re-offer went on to B", plane.log_text()[-2000:])


class StormCallee:
    """Side B of the call storm: a UAS on 127.0.0.1 that answers every
    INVITE 200 with an SDP answer (PCMU, telephone-event) and every other
    request 200, from a thread, until stopped."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.invites = 0
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        sdp = ("v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 42000 RTP/AVP 0 101"
               "\r\na=rtpmap:101 telephone-event/8000\r\n")
        while self.running:
            try:
                data, src = self.sock.recvfrom(65536)
            except OSError:
                continue
            head = data.decode(errors="replace").split("\r\n\r\n")[0]
            lines = head.split("\r\n")
            method = lines[0].split(" ")[0]
            if method in ("ACK", "SIP/2.0") or not lines[0].endswith("SIP/2.0"):
                continue
            keep = [ln for ln in lines[1:] if ln.split(":")[0].strip().lower()
                    in ("via", "from", "call-id", "cseq")]
            to = [ln for ln in lines[1:] if ln.lower().startswith("to:")]
            if not to:
                continue
            if ";tag=" not in to[0]:
                to[0] += ";tag=b%d" % self.port
            body = sdp if method == "INVITE" else ""
            if method == "INVITE":
                self.invites += 1
            resp = ("SIP/2.0 200 OK\r\n" + "\r\n".join(keep + to) +
                    "\r\nContact: <sip:b@127.0.0.1:%d>\r\n" % self.port +
                    ("Content-Type: application/sdp\r\n" if body else "") +
                    "Content-Length: %d\r\n\r\n" % len(body) + body)
            try:
                self.sock.sendto(resp.encode(), src)
            except OSError:
                pass

    def stop(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def storm_invite(port, lport, callid, cseq, to_tag=None, method="INVITE"):
    """A request of the trusted peer (127.0.0.2) for 2000, with SDP."""
    sdp = sct.STORM_SDP.replace("RTP/SAVP", "RTP/AVP")
    body = sdp if method in ("INVITE", "UPDATE") else ""
    return ("%s sip:2000@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.2:%d;branch=z9hG4bK-%s-%d;rport\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:1001@127.0.0.2>;tag=a-%s\r\n"
            "To: <sip:2000@127.0.0.1>%s\r\nCall-ID: %s\r\n"
            "CSeq: %d %s\r\nContact: <sip:1001@127.0.0.2:%d>\r\n"
            "Session-Expires: 1800\r\nSupported: timer\r\n%s"
            "Content-Length: %d\r\n\r\n%s" % (
                method, port, lport, callid, cseq, callid,
                ";tag=" + to_tag if to_tag else "", callid, cseq,
                method, lport,
                "Content-Type: application/sdp\r\n" if body else "",
                len(body), body)).encode()


def to_tag_of(hdrs):
    """The tag of a response's To header, or None."""
    m = re.search(r";tag=([^;>\s]+)", hdrs.get("to", [""])[0])
    return m.group(1) if m else None


def final_response(sock, callid, method, wait_s=5.0):
    """The next final response to method in call callid on sock (with a
    timeout set): (status, headers), or (None, {})."""
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        try:
            data, _ = sock.recvfrom(65536)
        except OSError:
            continue
        st, hdrs = sct.parse_response(data.decode(errors="replace"))
        if st is not None and st >= 200 and \
                hdrs.get("call-id", [""])[0] == callid and \
                method in hdrs.get("cseq", [""])[0]:
            return st, hdrs
    return None, {}


def case_storm_calls(ctx, tap):
    """Calls from a trusted peer to a UAS, with a real voxgate-dp: INVITEs,
    re-INVITEs, UPDATEs, BYEs and CANCELs, half of them mutated (seeded as
    in sip-storm), some inside calls that were answered. Afterwards both
    programs run, every call ends (BYE, or the B2BUA's timers) and gives
    its media ports back, and a clean call is set up and torn down."""
    b = StormCallee()
    # a mutated From tag makes a call our BYE cannot match (481): its
    # media timeout ends it
    plane, _ = start_cp(ctx, b.port, dp=True, max_calls=40, max_cps=1000,
                        media_timeout_s=15)
    seed = int(os.environ.get("VG_STORM_SEED", "0")) or \
        random.randrange(1, 1 << 31)
    tap.note("storm seed %d (VG_STORM_SEED=%d repeats it)" % (seed, seed))
    rng = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.2", 0))
    s.setblocking(False)
    lport = s.getsockname()[1]
    server = ("127.0.0.1", plane.port)
    answered = {}  # Call-ID -> our To tag, from the 200s
    count, sent = 1500, 0
    deadline = time.monotonic() + 60
    try:
        while sent < count and time.monotonic() < deadline:
            if answered and rng.random() < 0.4:
                callid = rng.choice(sorted(answered))
                msg = storm_invite(plane.port, lport, callid,
                                   rng.randint(2, 50), answered[callid],
                                   rng.choice(["INVITE", "UPDATE", "BYE",
                                               "INFO", "ACK", "CANCEL"]))
            else:
                msg = storm_invite(plane.port, lport,
                                   "st%d" % rng.randrange(1 << 30), 1)
            if rng.random() < 0.5:
                msg = sct.storm_mutate(rng, msg)
            try:
                s.sendto(msg, server)
                sent += 1
            except OSError:
                pass
            while True:
                try:
                    data, _ = s.recvfrom(65536)
                except OSError:
                    break
                status, hdrs = sct.parse_response(
                    data.decode(errors="replace"))
                if status == 200 and "INVITE" in hdrs.get("cseq", [""])[0]:
                    cid = hdrs.get("call-id", [""])[0]
                    tag = to_tag_of(hdrs)
                    if tag and len(answered) < 200:
                        answered[cid] = tag
                    # ACK it, or the 200 is retransmitted for 32 s
                    if tag:
                        s.sendto(storm_invite(plane.port, lport, cid, 1,
                                              tag, "ACK"), server)
            if sent % 50 == 0:
                time.sleep(0.05)
        tap.ok(sent == count, "%d messages sent in the time bound" % count,
               "sent %d" % sent)
        tap.note("%d calls answered, callee saw %d INVITEs"
                 % (len(answered), b.invites))
        alive = plane.alive() and all(d.proc.poll() is None
                                      for d in ctx.dps)
        tap.ok(alive, "voxgate-cp and voxgate-dp still run",
               plane.log_text()[-2000:])
        # every call ends: the answered ones by a BYE, the rest by the
        # B2BUA's own timers (an unacknowledged 200: 32 s; no media: 15 s)
        for cid in sorted(answered):
            s.sendto(storm_invite(plane.port, lport, cid, 1000,
                                  answered[cid], "BYE"), server)
        st = wait_for(lambda: (lambda v: v if v["calls_active"] == 0 and
                               v["media_ports_in_use"] == 0 else None)(
                                   ctl(plane, "stats")), 50.0)
        tap.ok(st is not None, "every call ended: none active, no media "
               "port held", repr(ctl(plane, "stats")) + "\n" +
               repr(ctl(plane, "calls"))[:3000])
        # a clean call through, end to end
        s.setblocking(True)
        s.settimeout(0.2)
        status, to_tag = None, None
        for _ in range(3):  # a storm's 503 (max_calls) may come first
            s.sendto(storm_invite(plane.port, lport, "clean-1", 1), server)
            status, hdrs = final_response(s, "clean-1", "INVITE")
            to_tag = to_tag_of(hdrs)
            if status == 200:
                break
            time.sleep(1)
        tap.ok(status == 200 and to_tag, "a clean INVITE gets 200", status)
        bye = None
        if status == 200:
            s.sendto(storm_invite(plane.port, lport, "clean-1", 1, to_tag,
                                  "ACK"), server)
            s.sendto(storm_invite(plane.port, lport, "clean-1", 2, to_tag,
                                  "BYE"), server)
            bye, _ = final_response(s, "clean-1", "BYE")
        tap.ok(bye == 200, "its BYE gets 200", bye)
        st = ctl(plane, "stats")
        tap.ok(st["dp"]["attached"] and st["calls_active"] == 0,
               "the data plane attached, no call left", repr(st))
    finally:
        s.close()
        b.stop()


CASES = {
    "storm_calls": case_storm_calls,
    "session_timer": case_session_timer,
    "cp_restart": case_cp_restart,
    "media_session": case_media_session,
    "media_timeout": case_media_timeout,
    "dp_down": case_dp_down,
    "dp_stall": case_dp_stall,
    "late_offer": case_late_offer,
    "session_timer_422": case_session_timer_422,
    "invite_auth": case_invite_auth,
    "busy": case_busy,
    "call_bye": case_call_bye,
    "call_cancel": case_call_cancel,
    "call_registered": case_call_registered,
    "early_bye": case_early_bye,
    "call_cancel_early": case_call_cancel_early,
    "no_route": case_no_route,
    "not_registered": case_not_registered,
    "overload": case_overload,
    "transcode": case_transcode,
    "transcode_session": case_transcode_session,
    "srtp_to_plain": case_srtp_to_plain,
    "srtp_session": case_srtp_session,
    "srtp_unsupported": case_srtp_unsupported,
    "srtp_trunk": case_srtp_trunk,
    "srtp_mismatch": case_srtp_mismatch,
    "srtp_early_mismatch": case_srtp_early_mismatch,
    "srtp_reinvite": case_srtp_reinvite,
}


class Context(sct.Context):
    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.args = args
        self.procs = []
        self.dps = []


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--cp", required=True, help="voxgate-cp binary")
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--dp", help="voxgate-dp binary (the media cases)")
    ap.add_argument("--ctl", help="voxgatectl binary (the media cases)")
    ap.add_argument("--sipp", default=shutil.which("sipp") or "sipp")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    args = ap.parse_args()
    tap = sct.Tap()
    if shutil.which(args.sipp) is None:
        print("1..0 # SKIP sipp (Debian sip-tester) is not installed")
        return 0
    workdir = tempfile.mkdtemp(prefix="vg-call-%s-" % args.case)
    ctx = Context(args, workdir)
    return sct.run_case(CASES, args, ctx, tap, workdir)


if __name__ == "__main__":
    sys.exit(main())
