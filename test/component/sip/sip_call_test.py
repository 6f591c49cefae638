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
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip_component_test as sct  # noqa: E402

USERS = [("1001", "pw-1001"), ("1002", "pw-1002")]
MEDIA_MIN, MEDIA_MAX = 30000, 30099


def extra_config(callee_port, cdr, max_calls=100, max_cps=100):
    return "\n".join([
        "", "[media]", "port_min = %d" % MEDIA_MIN,
        "port_max = %d" % MEDIA_MAX, "",
        "[limits]", "max_calls = %d" % max_calls, "max_cps = %d" % max_cps,
        "retry_after_s = 7", "",
        "[[trunk]]", 'name = "callee"', 'host = "127.0.0.1"',
        "port = %d" % callee_port, 'transport = "udp"',
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

    def __init__(self, ctx, scenario, port, role_args, tag, timeout_s=20):
        self.stat = os.path.join(ctx.workdir, tag + "_stat.csv")
        self.err = os.path.join(ctx.workdir, tag + "_errors.log")
        self.tag = tag
        cmd = [ctx.sipp] + role_args + [
            "-sf", scenario, "-i", "127.0.0.1", "-p", str(port),
            "-m", "1", "-timeout", "%ds" % timeout_s, "-timeout_error",
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


def start_cp(ctx, callee_port, **limits):
    port = sct.free_port()
    plane = sct.ControlPlane(ctx.binary, ctx.workdir, port, USERS)
    cdr = os.path.join(ctx.workdir, "cdr.jsonl")
    with open(plane.conf) as f:
        text = f.read()
    text = text.replace('[log]\nlevel = "info"\n',
                        '[log]\nlevel = "debug"\ncdr_file = "%s"\n' % cdr)
    with open(plane.conf, "w") as f:
        f.write(text + extra_config(callee_port, cdr, **limits))
    ctx.planes.append(plane)
    if not plane.start():
        raise RuntimeError("voxgate-cp did not start:\n"
                           + plane.log_text()[-3000:])
    return plane, cdr


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


def callee(ctx, scenario, port, tag, timeout_s=20):
    return Sipp(ctx, sct.scen(ctx, scenario), port, ["-t", "u1"], tag,
                timeout_s)


def call_through(ctx, tap, uac_scen, uas_scen, name, service="2000"):
    """Run one call from the caller through voxgate-cp to the callee (a
    trunk for 2xxx; for 1xxx the callee registers first)."""
    callee_port = sct.free_port()
    plane, cdr = start_cp(ctx, callee_port)
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
    b = callee(ctx, uas_scen, callee_port, name + "_uas")
    time.sleep(0.3)  # the UAS socket is bound before the INVITE comes
    a = caller(ctx, plane, uac_scen, service, name + "_uac")
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
    420 for Require: timer (no session timers yet)."""
    plane, _ = start_cp(ctx, sct.free_port())
    ruri = "sip:999@127.0.0.1:%d" % plane.port
    c = sct.RawClient(plane.port)
    try:
        res = c.request("INVITE", user="1001", ruri=ruri)
        tap.ok(res is not None and res[0] == 407, "user INVITE -> 407", res)
        res = c.request("INVITE", user="1001", ruri=ruri,
                        extra=[("Require", "timer")])
        tap.ok(res is not None and res[0] == 420 and
               res[1].get("unsupported") == ["timer"],
               "Require: timer -> 420 Unsupported: timer", res)
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
        res = trusted.request("INVITE", user="1001", ruri=ruri)
        tap.ok(res is not None and res[0] == 488,
               "trusted trunk: no challenge (488: no SDP offer)", res)
    finally:
        trusted.close()


CASES = {
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
}


class Context(sct.Context):
    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.procs = []


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--cp", required=True, help="voxgate-cp binary")
    ap.add_argument("--scenarios", required=True)
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
