#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Component tests of voxgate-cp: the real program on 127.0.0.1 with a
random port, driven by SIPp 3.6.1 scenarios and by a small raw-UDP SIP client
(for what SIPp cannot send: malformed requests, exact replays, SHA-256).

One case per run (--case NAME); output is TAP. Every case writes its own
config into a temporary directory, starts voxgate-cp, and always stops it
by pid (SIGTERM, then SIGKILL) in a finally block, also on failure. Every
SIPp run is bounded by -m and -timeout, every wait by a deadline.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REALM = "voxgate.test"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond:
            self.failed += 1
            for line in str(diag).splitlines()[-40:]:
                print("# " + line)
        sys.stdout.flush()
        return cond

    def note(self, text):
        print("# " + text)
        sys.stdout.flush()

    def finish(self):
        print("1..%d" % self.n)
        return 1 if self.failed or self.n == 0 else 0


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (bounded tries).

    Below the kernel's ephemeral range (32768 up by default), which every
    socket bound to port 0 or connecting draws from: a port picked there
    was once taken by another test between this check and SIPp's bind
    ("Unable to bind main socket, errno = 98"). Below the SIP call
    tests' media range (30000..30099) too."""
    for _ in range(200):
        port = random.randint(10000, 29999)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET, kind)
                try:
                    s.bind(("127.0.0.1", port))
                finally:
                    s.close()
            return port
        except OSError:
            continue
    raise RuntimeError("no free port found")


def config_text(port, users, regfile, algorithms=("MD5",), nonce_ttl_s=300,
                max_failures=3, min_expires=60, max_expires=3600,
                max_contacts=5, tcp=True, tls_port=0, tls_cert=""):
    algs = ", ".join('"%s"' % a for a in algorithms)
    # a file prefix of its own: one control socket per voxgate-cp
    out = ['[eal]', 'file_prefix = "vgsip%d"' % port, '',
           '[sip]', 'realm = "%s"' % REALM, 'user_agent = "voxgate-test"', '']
    for tp in (("udp", "tcp") if tcp else ("udp",)):
        out += ['[[sip.listen]]', 'transport = "%s"' % tp,
                'address = "127.0.0.1"', 'port = %d' % port, '']
    if tls_port:
        out += ['[[sip.listen]]', 'transport = "tls"',
                'address = "127.0.0.1"', 'port = %d' % tls_port,
                'tls_cert = "%s"' % tls_cert, '']
    out += ['[sip.auth]', 'algorithms = [%s]' % algs,
            'nonce_ttl_s = %d' % nonce_ttl_s,
            'max_failures = %d' % max_failures, 'lockout_s = 60', '',
            '[sip.registrar]', 'min_expires = %d' % min_expires,
            'default_expires = %d' % max_expires,
            'max_expires = %d' % max_expires,
            'max_contacts = %d' % max_contacts, 'file = "%s"' % regfile, '',
            '[log]', 'level = "info"', '']
    for name, pw in users:
        out += ['[[user]]', 'name = "%s"' % name, 'password = "%s"' % pw, '']
    return "\n".join(out)


class ControlPlane:
    """voxgate-cp as a child process, stopped by pid."""

    def __init__(self, binary, workdir, port, users, **cfg):
        self.binary = binary
        self.workdir = workdir
        self.port = port
        self.regfile = os.path.join(workdir, "registrations.db")
        self.conf = os.path.join(workdir, "voxgate.toml")
        with open(self.conf, "w") as f:
            f.write(config_text(port, users, self.regfile, **cfg))
        self.proc = None
        self.log = os.path.join(workdir, "voxgate-cp.log")
        self.starts = 0

    def start(self, deadline_s=10.0):
        self.starts += 1
        logf = open(self.log, "a")
        logf.write("=== start %d ===\n" % self.starts)
        logf.flush()
        self.proc = subprocess.Popen([self.binary, "--config", self.conf],
                                     stdout=logf, stderr=logf,
                                     stdin=subprocess.DEVNULL)
        logf.close()
        end = time.monotonic() + deadline_s
        marker = "running (realm"
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                return False
            if self.log_text().split("=== start %d ===" % self.starts)[-1] \
                    .find(marker) >= 0:
                return True
            time.sleep(0.05)
        return False

    def stop(self, deadline_s=10.0):
        """SIGTERM, wait, SIGKILL; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=deadline_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=deadline_s)
        rc = self.proc.returncode
        self.proc = None
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for user, pw in rows:
            f.write("%s;[authentication username=%s password=%s];\n"
                    % (user, user, pw))


class SippResult:
    def __init__(self, rc, elapsed, success, failed, errors, stdout):
        self.rc, self.elapsed = rc, elapsed
        self.success, self.failed = success, failed
        self.errors, self.stdout = errors, stdout

    def diag(self):
        return "rc=%s success=%s failed=%s\n%s\n%s" % (
            self.rc, self.success, self.failed, self.errors[-3000:],
            self.stdout[-1000:])


def run_sipp(ctx, scenario, port, csv=None, calls=1, rate=10, limit=None,
             timeout_s=30, transport="u1", tag=None):
    tag = tag or os.path.splitext(os.path.basename(scenario))[0]
    stat = os.path.join(ctx.workdir, tag + "_stat.csv")
    err = os.path.join(ctx.workdir, tag + "_errors.log")
    cmd = [ctx.sipp, "127.0.0.1:%d" % port, "-sf", scenario,
           "-i", "127.0.0.1", "-p", str(free_port()), "-t", transport,
           "-m", str(calls), "-r", str(rate), "-timeout", "%ds" % timeout_s,
           "-timeout_error", "-nostdin", "-trace_stat", "-stf", stat,
           "-trace_err", "-error_file", err, "-max_recv_loops", "1000"]
    if csv:
        cmd += ["-inf", csv]
    if limit:
        cmd += ["-l", str(limit)]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=ctx.workdir, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout_s + 20)
        rc, out = p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc, out = -1, (e.stdout or b"").decode(errors="replace")
    elapsed = time.monotonic() - t0
    success = failed = None
    try:
        with open(stat) as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
        head = lines[0].split(";")
        last = lines[-1].split(";")
        success = int(last[head.index("SuccessfulCall(C)")])
        failed = int(last[head.index("FailedCall(C)")])
    except (OSError, ValueError, IndexError):
        pass
    errors = ""
    if os.path.exists(err):
        with open(err, errors="replace") as f:
            errors = f.read()
    return SippResult(rc, elapsed, success, failed, errors, out)


# ---------------------------------------------------------------------------
# A minimal raw-UDP SIP client for what SIPp cannot send.
# ---------------------------------------------------------------------------

class RawClient:
    def __init__(self, port):
        self.server = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.lport = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)

    def close(self):
        self.sock.close()

    def request(self, method, user="alice", cseq=1, callid=None,
                extra=(), ruri=None, maxfwd="70", omit=(), wait_s=2.0):
        """Send one request; return (status, headers) or None on timeout."""
        callid = callid or "raw-%d@127.0.0.1" % random.randint(1, 1 << 30)
        branch = "z9hG4bK-%d" % random.randint(1, 1 << 30)
        ruri = ruri or "sip:127.0.0.1:%d" % self.server[1]
        hdrs = [
            ("Via", "SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport"
             % (self.lport, branch)),
            ("Max-Forwards", maxfwd),
            ("From", "<sip:%s@127.0.0.1>;tag=%d" % (user, random.randint(1, 1 << 30))),
            ("To", "<sip:%s@127.0.0.1>" % user),
            ("Call-ID", callid),
            ("CSeq", "%d %s" % (cseq, method)),
        ]
        hdrs = [(n, v) for n, v in hdrs if n not in omit and v is not None]
        hdrs += list(extra)
        text = "%s %s SIP/2.0\r\n" % (method, ruri)
        text += "".join("%s: %s\r\n" % hv for hv in hdrs)
        text += "Content-Length: 0\r\n\r\n"
        return self.send_raw(text.encode(), callid, wait_s)

    def send_raw(self, data, callid=None, wait_s=2.0):
        self.sock.sendto(data, self.server)
        end = time.monotonic() + wait_s
        while time.monotonic() < end:
            try:
                msg, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            status, headers = parse_response(msg.decode(errors="replace"))
            if status is None or status < 200:
                continue
            if callid is not None and headers.get("call-id", [""])[0] != callid:
                continue
            return status, headers
        return None


def parse_response(text):
    lines = text.split("\r\n")
    m = re.match(r"SIP/2\.0 (\d{3}) ", lines[0])
    if not m:
        return None, {}
    headers = {}
    for line in lines[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(m.group(1)), headers


def parse_challenge(value):
    params = dict((k.lower(), v1 or v2) for k, v1, v2 in re.findall(
        r'([\w-]+)=(?:"([^"]*)"|([^,\s]+))', value))
    return params


def digest_authorization(challenge, user, password, method, uri, nc=1,
                         cnonce="0a4f113b"):
    alg = challenge.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[alg]

    def H(s):
        return h(s.encode()).hexdigest()
    ha1 = H("%s:%s:%s" % (user, challenge["realm"], password))
    ha2 = H("%s:%s" % (method, uri))
    ncs = "%08x" % nc
    resp = H("%s:%s:%s:%s:auth:%s" % (ha1, challenge["nonce"], ncs, cnonce, ha2))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, cnonce="%s", nc=%s, qop=auth, '
            'opaque="%s"' % (user, challenge["realm"], challenge["nonce"], uri,
                             resp, alg, cnonce, ncs, challenge.get("opaque", "")))


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def scen(ctx, name):
    return os.path.join(ctx.scenarios, name)


def case_options(ctx, tap):
    cp = ctx.cp([("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "options.xml"), cp.port, calls=20, rate=100)
    tap.ok(r.rc == 0 and r.success == 20, "20 OPTIONS answered 200 with "
           "Allow/Accept/Supported", r.diag())
    r = run_sipp(ctx, scen(ctx, "options.xml"), cp.port, calls=5, rate=100,
                 transport="t1", tag="options_tcp")
    tap.ok(r.rc == 0 and r.success == 5, "OPTIONS over TCP", r.diag())


def case_sanity(ctx, tap):
    cp = ctx.cp([("alice", "secret")])
    c = RawClient(cp.port)
    try:
        res = c.request("REGISTER", maxfwd="0")
        tap.ok(res and res[0] == 483, "Max-Forwards: 0 -> 483", res)
        res = c.request("OPTIONS", maxfwd="0")
        tap.ok(res and res[0] == 200, "OPTIONS with Max-Forwards: 0 -> 200 "
               "(answered by us)", res)
        res = c.request("REGISTER", maxfwd="abc")
        tap.ok(res and res[0] == 400, "non-numeric Max-Forwards -> 400", res)
        res = c.request("REGISTER", extra=[("CSeq", "1 REGISTER")])
        tap.ok(res and res[0] == 400, "two CSeq headers -> 400", res)
        callid = "mismatch-1@127.0.0.1"
        res = c.send_raw(("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP "
                          "127.0.0.1:%d;branch=z9hG4bK-mm\r\nFrom: <sip:a@b>;tag=1"
                          "\r\nTo: <sip:a@b>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\n"
                          "Content-Length: 0\r\n\r\n" % (c.lport, callid)).encode(),
                         callid)
        tap.ok(res and res[0] == 400, "CSeq method differs from the request "
               "-> 400", res)
        res = c.request("REGISTER", omit=("From",))
        tap.ok(res is None or res[0] == 400, "missing From -> 400 or dropped",
               res)
        tap.note("missing From: %s" % (res[0] if res else "dropped by libre"))
        res = c.request("REGISTER", omit=("To",))
        tap.ok(res is None or res[0] == 400, "missing To -> 400 or dropped", res)
        res = c.request("REGISTER", omit=("Call-ID",), callid=None)
        tap.ok(res is None or res[0] == 400, "missing Call-ID -> 400 or dropped",
               res)
        res = c.request("REGISTER", omit=("CSeq",))
        tap.ok(res is None or res[0] == 400, "missing CSeq -> 400 or dropped",
               res)
        res = c.request("REGISTER", omit=("Via",), wait_s=0.5)
        tap.ok(res is None, "missing Via -> dropped (nowhere to answer)", res)
        res = c.request("REGISTER", extra=[("Require", "foo, bar")])
        tap.ok(res and res[0] == 420 and res[1].get("unsupported") == ["foo, bar"], "Require: foo, bar -> 420 with Unsupported", res)
        res = c.request("REGISTER", ruri="tel:+15551234")
        tap.ok(res and res[0] == 416, "tel: Request-URI -> 416", res)
        res = c.request("INVITE")
        tap.ok(res and res[0] == 407 and
               'qop="auth"' in res[1].get("proxy-authenticate", [""])[0],
               "INVITE from a user -> 407 with Proxy-Authenticate", res)
        for junk in (b"\x00\xff" * 100, b"REGISTER\r\n\r\n", b"SIP/2.0 200 OK\r\n\r\n",
                     b"REGISTER sip:x SIP/2.0\r\nCSeq: abc\r\n\r\n",
                     b"REGISTER sip:x SIP/2.0\r\nVia: garbage\r\n\r\n", b"x" * 9000):
            c.sock.sendto(junk, c.server)
        res = c.request("OPTIONS")
        tap.ok(res and res[0] == 200 and cp.alive(), "alive after garbage", res)
    finally:
        c.close()


# What a storm mutates: requests and a response as a peer would send them
# (the auth lines fake, so nothing is let in), plus header lines that
# carry extreme values.
STORM_SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
             "t=0 0\r\nm=audio 40000 RTP/SAVP 0 8 101\r\na=rtpmap:101 "
             "telephone-event/8000\r\na=fmtp:101 0-15\r\na=crypto:1 "
             "AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
             "\r\na=ptime:20\r\n")
STORM_NASTY = [
    "Content-Length: 99999", "Content-Length: -1", "Max-Forwards: 99999999999",
    "Expires: 4294967296", "CSeq: 4294967296 INVITE", "Session-Expires: 0",
    "Session-Expires: 90;refresher=nobody", "Min-SE: 99999999999",
    "Via: SIP/2.0/UDP [::1", "Via: SIP/2.0/TCP 127.0.0.1:0;branch=",
    "Contact: *", "Contact: <sip:alice@127.0.0.1>;expires=-5",
    "Contact: <sip:@>", "Require: timer, 100rel", "Supported: timer",
    "Authorization: Digest", 'Authorization: Digest username="' + "a" * 3000,
    'Proxy-Authorization: Digest username="alice", realm="\\", nonce=,,,',
    "Record-Route: <sip:127.0.0.1;lr>", "Route: <sip:127.0.0.1;lr>",
    "To: <sip:alice@127.0.0.1>;tag=" + "t" * 500, "Call-ID: ",
    "Content-Type: application/sdp", "Content-Type: multipart/mixed",
]


def storm_message(rng, port, lport):
    """One request or response as a peer could send it (bytes)."""
    tag, n = rng.randrange(1 << 30), rng.randrange(1 << 30)
    via = "SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-s%d;rport" % (lport, n)
    ruri = "sip:%s@127.0.0.1:%d" % (rng.choice(["alice", "mallory", "100"]), port)
    method = rng.choice(["REGISTER", "INVITE", "INVITE", "BYE", "CANCEL", "ACK",
                         "OPTIONS", "INFO", "UPDATE", "SUBSCRIBE", "PRACK"])
    body = STORM_SDP if method in ("INVITE", "UPDATE", "ACK") else ""
    hdrs = ["Via: " + via, "Max-Forwards: 70",
            "From: <sip:mallory@127.0.0.1>;tag=%d" % tag,
            "To: <sip:alice@127.0.0.1>" + (";tag=x%d" % n if rng.random() < 0.4 else ""),
            "Call-ID: storm-%d@127.0.0.1" % n, "CSeq: %d %s" % (rng.randrange(1, 99), method),
            "Contact: <sip:mallory@127.0.0.1:%d>" % lport]
    if method == "REGISTER":
        hdrs += ["Expires: 300", 'Authorization: Digest username="mallory", '
                 'realm="x", nonce="%x", uri="%s", response="%032x", qop=auth, '
                 'nc=00000001, cnonce="c"' % (n, ruri, n)]
    if method == "INVITE":
        hdrs += ["Session-Expires: 1800;refresher=uac", "Min-SE: 90",
                 "Supported: timer", 'Proxy-Authorization: Digest username='
                 '"mallory", realm="x", nonce="n", uri="%s", response="00"' % ruri]
    if body:
        hdrs.append("Content-Type: application/sdp")
    if rng.random() < 0.15:  # a response to something we never sent
        first = "SIP/2.0 %d Whatever" % rng.choice([100, 180, 200, 401, 487, 503])
    else:
        first = "%s %s SIP/2.0" % (method, ruri)
    text = first + "\r\n" + "".join(h + "\r\n" for h in hdrs)
    text += "Content-Length: %d\r\n\r\n" % len(body) + body
    return text.encode()


def storm_mutate(rng, msg):
    """Apply one to four random mutations to msg (bytes)."""
    b = bytearray(msg)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:  # random bytes
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 1:  # a span deleted
            del b[i:i + rng.randint(1, 40)]
        elif op == 2:  # truncated
            del b[i:]
        elif op == 3:  # a line repeated
            lines = bytes(b).split(b"\r\n")
            k = rng.randrange(len(lines))
            lines.insert(k, lines[k])
            b = bytearray(b"\r\n".join(lines))
        elif op == 4:  # a header with an extreme value
            lines = bytes(b).split(b"\r\n")
            lines.insert(rng.randint(1, max(1, len(lines) - 2)),
                         rng.choice(STORM_NASTY).encode())
            b = bytearray(b"\r\n".join(lines))
        elif op == 5:  # a number replaced
            m = list(re.finditer(rb"\d+", bytes(b)))
            if m:
                x = rng.choice(m)
                b[x.start():x.end()] = rng.choice(
                    [b"0", b"-1", b"4294967295", b"18446744073709551616",
                     b"9" * 40])
        elif op == 6:  # bare LFs
            b = bytearray(bytes(b).replace(b"\r\n", b"\n"))
        else:  # random bytes inserted
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return bytes(b[:65000])


def case_storm(ctx, tap):
    """Thousands of mutated SIP messages (seeded; VG_STORM_SEED repeats a
    run): voxgate-cp answers or drops each, and afterwards still answers
    OPTIONS and registers a user with digest authentication."""
    cp = ctx.cp([("alice", "secret")], max_failures=0)
    seed = int(os.environ.get("VG_STORM_SEED", "0")) or \
        random.randrange(1, 1 << 31)
    tap.note("storm seed %d (VG_STORM_SEED=%d repeats it)" % (seed, seed))
    rng = random.Random(seed)
    c = RawClient(cp.port)
    count, sent, answers = 3000, 0, 0
    deadline = time.monotonic() + 40
    try:
        c.sock.setblocking(False)
        while sent < count and time.monotonic() < deadline:
            msg = storm_mutate(rng, storm_message(rng, cp.port, c.lport))
            try:
                c.sock.sendto(msg, c.server)
                sent += 1
            except OSError:
                pass  # e.g. a datagram the kernel refuses
            while True:
                try:
                    c.sock.recvfrom(65536)
                    answers += 1
                except OSError:
                    break
            if sent % 100 == 0:
                time.sleep(0.02)  # let its socket drain: no kernel drops
        c.sock.settimeout(0.2)
        tap.ok(sent == count, "%d mutated messages sent in the time bound"
               % count, "sent %d" % sent)
        tap.note("%d answers came back" % answers)
        res = c.request("OPTIONS")
        tap.ok(res and res[0] == 200 and cp.alive(),
               "alive and answering OPTIONS after the storm", res)
        uri = "sip:127.0.0.1:%d" % cp.port
        contact = [("Contact", "<sip:alice@127.0.0.1:5998>"), ("Expires", "300")]
        res = c.request("REGISTER", cseq=1, callid="after-storm@127.0.0.1",
                        extra=contact)
        ok = res is not None and res[0] == 401
        if ok:
            auth = digest_authorization(
                parse_challenge(res[1]["www-authenticate"][0]), "alice",
                "secret", "REGISTER", uri)
            res = c.request("REGISTER", cseq=2, callid="after-storm@127.0.0.1",
                            extra=contact + [("Authorization", auth)])
            ok = res is not None and res[0] == 200
        tap.ok(ok, "a REGISTER with digest authentication still gets 200", res)
    finally:
        c.close()


def case_register_many(ctx, tap):
    users = [("user%03d" % i, "pw%03d-%d" % (i, random.randint(0, 99999)))
             for i in range(200)]
    cp = ctx.cp(users)
    csv = os.path.join(ctx.workdir, "users.csv")
    write_csv(csv, users)
    r = run_sipp(ctx, scen(ctx, "register_auth.xml"), cp.port, csv=csv,
                 calls=200, rate=1000, limit=200, timeout_s=60)
    tap.ok(r.rc == 0 and r.success == 200 and r.failed == 0,
           "200 users: REGISTER / 401 / REGISTER / 200 with contact and Date",
           r.diag())
    tap.note("200 registrations (2 requests each) in %.2f s: %.0f reg/s "
             "(SIPp -r 1000, includes SIPp start)" % (r.elapsed, 200 / r.elapsed))
    # a load run: 2000 registrations, 500 at a time
    r = run_sipp(ctx, scen(ctx, "register_load.xml"), cp.port, csv=csv,
                 calls=2000, rate=5000, limit=500, timeout_s=60, tag="load")
    tap.ok(r.rc == 0 and r.success == 2000, "2000 re-registrations under load",
           r.diag())
    tap.note("2000 registrations in %.2f s: %.0f reg/s (4000 requests)"
             % (r.elapsed, 2000 / r.elapsed))
    rc = cp.stop()
    tap.ok(rc == 0, "voxgate-cp exits 0 on SIGTERM", cp.log_text()[-2000:])
    with open(cp.regfile) as f:
        lines = [l for l in f if not l.startswith("#")]
    tap.ok(len(lines) == 200, "200 bindings written to the registrations "
           "file on stop (one contact per user)", "%d lines" % len(lines))


def case_wrong_password(ctx, tap):
    cp = ctx.cp([("alice", "secret")])
    csv = os.path.join(ctx.workdir, "wrong.csv")
    write_csv(csv, [("alice", "not-the-password")])
    r = run_sipp(ctx, scen(ctx, "register_wrong.xml"), cp.port, csv=csv)
    tap.ok(r.rc == 0 and r.success == 1, "wrong password: 401, 401, 401, then "
           "403 at max_failures = 3", r.diag())
    good = os.path.join(ctx.workdir, "good.csv")
    write_csv(good, [("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_auth.xml"), cp.port, csv=good,
                 tag="locked")
    tap.ok(r.rc != 0 and "403" in r.errors, "the right password is refused "
           "(403) during the lockout", r.diag())


def case_unknown_user(ctx, tap):
    cp = ctx.cp([("alice", "secret")])
    csv = os.path.join(ctx.workdir, "unknown.csv")
    write_csv(csv, [("mallory", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_wrong.xml"), cp.port, csv=csv)
    tap.ok(r.rc == 0 and r.success == 1, "unknown user: answered exactly like "
           "a wrong password (401 x3, then 403): no user enumeration",
           r.diag())


def case_nonce(ctx, tap):
    cp = ctx.cp([("alice", "secret")])
    csv = os.path.join(ctx.workdir, "u.csv")
    write_csv(csv, [("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_nonce_reuse.xml"), cp.port, csv=csv)
    tap.ok(r.rc == 0 and r.success == 1, "one nonce, nc 1 then 2: both 200",
           r.diag())
    c = RawClient(cp.port)
    try:
        uri = "sip:127.0.0.1:%d" % cp.port
        contact = [("Contact", "<sip:alice@127.0.0.1:5997>"), ("Expires", "300")]
        callid = "replay-1@127.0.0.1"
        res = c.request("REGISTER", cseq=1, callid=callid, extra=contact)
        tap.ok(res and res[0] == 401, "raw REGISTER challenged", res)
        ch = parse_challenge(res[1]["www-authenticate"][0])
        auth = digest_authorization(ch, "alice", "secret", "REGISTER", uri)
        res = c.request("REGISTER", cseq=2, callid=callid,
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 200, "raw REGISTER with MD5 digest -> 200", res)
        # REGISTER is answered statelessly: the same request again (a
        # retransmission after the 200 was lost) is verified again, and
        # its nonce count was used: a fresh challenge, never a 200 nor a
        # 500 from the registrar's CSeq check
        res = c.request("REGISTER", cseq=2, callid=callid,
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 401 and "stale=true" in
               " ".join(res[1].get("www-authenticate", [])),
               "the same REGISTER again -> 401 stale=true", res)
        res = c.request("REGISTER", cseq=3, callid=callid,
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 401 and "stale=true" in
               " ".join(res[1].get("www-authenticate", [])),
               "exact replay (same nonce, same nc) -> 401 stale=true", res)
        res = c.request("REGISTER", cseq=4, callid="replay-2@127.0.0.1",
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 401, "the same Authorization in another call "
               "-> 401", res)
        bad = auth.replace('uri="%s"' % uri, 'uri="sip:elsewhere"')
        res = c.request("REGISTER", cseq=5, callid=callid,
                        extra=contact + [("Authorization", bad)])
        tap.ok(res and res[0] in (400, 401), "digest uri != Request-URI -> "
               "refused", res)
    finally:
        c.close()


def case_stale(ctx, tap):
    cp = ctx.cp([("alice", "secret")], nonce_ttl_s=10)
    csv = os.path.join(ctx.workdir, "u.csv")
    write_csv(csv, [("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_stale.xml"), cp.port, csv=csv,
                 timeout_s=40)
    tap.ok(r.rc == 0 and r.success == 1, "nonce older than nonce_ttl_s -> 401 "
           "stale=true, then 200", r.diag())


def case_expiry(ctx, tap):
    cp = ctx.cp([("alice", "secret")], min_expires=60, max_expires=3600)
    csv = os.path.join(ctx.workdir, "u.csv")
    write_csv(csv, [("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_expiry.xml"), cp.port, csv=csv)
    tap.ok(r.rc == 0 and r.success == 1, "423 + Min-Expires, clamp to "
           "max_expires, Expires 0 removes, Contact: * removes all", r.diag())


def case_sha256(ctx, tap):
    cp = ctx.cp([("alice", "secret")], algorithms=("SHA-256", "MD5"))
    c = RawClient(cp.port)
    try:
        uri = "sip:127.0.0.1:%d" % cp.port
        contact = [("Contact", "<sip:alice@127.0.0.1:5996>")]
        res = c.request("REGISTER", callid="sha-1@x", extra=contact)
        chs = [parse_challenge(v) for v in res[1].get("www-authenticate", [])] \
            if res else []
        tap.ok(res and res[0] == 401 and [x.get("algorithm") for x in chs] ==
               ["SHA-256", "MD5"] and all(x.get("qop") == "auth" for x in chs),
               "two WWW-Authenticate headers, SHA-256 first, qop=\"auth\"", res)
        auth = digest_authorization(chs[0], "alice", "secret", "REGISTER", uri)
        res = c.request("REGISTER", cseq=2, callid="sha-1@x",
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 200, "SHA-256 digest -> 200", res)
        res = c.request("REGISTER", cseq=3, callid="sha-2@x", extra=contact)
        chs = [parse_challenge(v) for v in res[1].get("www-authenticate", [])]
        auth = digest_authorization(chs[1], "alice", "secret", "REGISTER", uri)
        res = c.request("REGISTER", cseq=4, callid="sha-2@x",
                        extra=contact + [("Authorization", auth)])
        tap.ok(res and res[0] == 200, "MD5 digest on the same server -> 200",
               res)
    finally:
        c.close()
    # what SIPp 3.6.1 does with both challenges (it knows MD5 only)
    csv = os.path.join(ctx.workdir, "u.csv")
    write_csv(csv, [("alice", "secret")])
    r = run_sipp(ctx, scen(ctx, "register_auth.xml"), cp.port, csv=csv,
                 tag="sipp_both")
    tap.note("SIPp 3.6.1 against SHA-256 + MD5 challenges: exit %s (%s)"
             % (r.rc, "works" if r.rc == 0 else
                "it takes the first challenge and fails on SHA-256, so the "
                "SIPp cases configure MD5 only: "
                + r.errors.strip().splitlines()[-1][-80:]
                if r.errors.strip() else "fails"))


def case_restart(ctx, tap):
    users = [("user%d" % i, "pw%d" % i) for i in range(5)]
    cp = ctx.cp(users)
    csv = os.path.join(ctx.workdir, "users.csv")
    write_csv(csv, users)
    r = run_sipp(ctx, scen(ctx, "register_auth.xml"), cp.port, csv=csv,
                 calls=5, rate=100)
    tap.ok(r.rc == 0 and r.success == 5, "5 users registered", r.diag())
    rc = cp.stop()
    tap.ok(rc == 0, "stopped with SIGTERM, exit 0", cp.log_text()[-2000:])
    tap.ok(cp.start(), "started again", cp.log_text()[-2000:])
    tap.ok("5 registration(s) restored" in cp.log_text(),
           "5 registrations restored from the file", cp.log_text()[-2000:])
    r = run_sipp(ctx, scen(ctx, "register_query.xml"), cp.port, csv=csv,
                 calls=5, rate=100, tag="query")
    tap.ok(r.rc == 0 and r.success == 5, "after the restart, a REGISTER "
           "query lists each user's contact", r.diag())
    # SIGINT also saves; then a corrupt file must not stop the service
    cp.proc.send_signal(signal.SIGINT)
    tap.ok(cp.stop() == 0, "SIGINT stops with exit 0")
    with open(cp.regfile, "ab") as f:
        f.write(b"\x00garbage\tline\nuser9\tsip:x\t\tc\t\tNaN\t1\t1\t1\n")
    tap.ok(cp.start(), "starts with a corrupt line in the file",
           cp.log_text()[-2000:])
    tap.ok("malformed line(s) skipped" in cp.log_text(),
           "the corrupt lines are reported as a warning")
    r = run_sipp(ctx, scen(ctx, "register_query.xml"), cp.port, csv=csv,
                 calls=5, rate=100, tag="query2")
    tap.ok(r.rc == 0 and r.success == 5, "the good bindings survived", r.diag())
    cp.stop()
    with open(cp.regfile, "wb") as f:
        f.write(os.urandom(4096))
    tap.ok(cp.start(), "starts with a file of random bytes",
           cp.log_text()[-2000:])


def register_raw(c, user, password, port, contacts, cseq, callid,
                 extra=()):
    """REGISTER / 401 / REGISTER with an MD5 digest; the final answer."""
    uri = "sip:127.0.0.1:%d" % port
    hdrs = [("Contact", x) for x in contacts] + list(extra)
    res = c.request("REGISTER", user=user, cseq=cseq, callid=callid,
                    extra=hdrs)
    if not res or res[0] != 401:
        return res
    ch = parse_challenge(res[1]["www-authenticate"][0])
    auth = digest_authorization(ch, user, password, "REGISTER", uri)
    return c.request("REGISTER", user=user, cseq=cseq + 1, callid=callid,
                     extra=hdrs + [("Authorization", auth)])


def case_contacts(ctx, tap):
    cp = ctx.cp([("alice", "secret"), ("bob", "pw-bob")], max_contacts=2)
    c = RawClient(cp.port)
    inst = '"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"'
    try:
        res = register_raw(c, "alice", "secret", cp.port,
                           ['<sip:alice@127.0.0.1:5991>;q=0.5;+sip.instance=%s'
                            % inst], 1, "ct-1")
        got = res[1].get("contact", []) if res else []
        tap.ok(res and res[0] == 200 and len(got) == 1 and ";q=0.500" in got[0]
               and inst in got[0], "q and +sip.instance are kept and echoed",
               res)
        res = register_raw(c, "alice", "secret", cp.port,
                           ['<sip:alice@127.0.0.1:5992>;+sip.instance=%s' % inst],
                           1, "ct-2")
        got = res[1].get("contact", []) if res else []
        tap.ok(res and res[0] == 200 and len(got) == 1 and "5992" in got[0],
               "same +sip.instance from a new address replaces the binding",
               res)
        res = register_raw(c, "alice", "secret", cp.port,
                           ["<sip:alice@127.0.0.1:5993>;expires=120"], 1, "ct-3")
        got = res[1].get("contact", []) if res else []
        tap.ok(res and res[0] == 200 and len(got) == 2 and
               any("5993>;expires=120" in g for g in got),
               "a second contact with its own ;expires", res)
        res = register_raw(c, "alice", "secret", cp.port,
                           ["<sip:alice@127.0.0.1:5994>"], 1, "ct-4")
        got = res[1].get("contact", []) if res else []
        tap.ok(res and res[0] == 200 and len(got) == 2 and
               not any("5992" in g for g in got),
               "max_contacts = 2: the least recently updated is replaced", res)
        res = register_raw(c, "alice", "secret", cp.port,
                           ["<sip:alice@h1>", "<sip:alice@h2>", "<sip:alice@h3>"],
                           1, "ct-5")
        tap.ok(res and res[0] == 403, "three contacts in one request -> 403",
               res)
        res = register_raw(c, "alice", "secret", cp.port, ["<sip:alice@h1>"], 1,
                           "ct-6", extra=[("Expires", "soon")])
        tap.ok(res and res[0] == 400, "Expires: soon -> 400", res)
        res = register_raw(c, "alice", "secret", cp.port,
                           ["<sip:alice@h1>;q=2"], 1, "ct-7")
        tap.ok(res and res[0] == 400, "q=2 -> 400", res)
        res = register_raw(c, "alice", "secret", cp.port, ["<sip:alice@h1>"], 5,
                           "ct-4")
        tap.ok(res and res[0] == 200, "refresh in the same call with a higher "
               "CSeq -> 200", res)
        res = c.request("REGISTER", user="bob", callid="ct-8",
                        extra=[("Contact", "<sip:bob@h1>")])
        ch = parse_challenge(res[1]["www-authenticate"][0])
        auth = digest_authorization(ch, "alice", "secret", "REGISTER",
                                    "sip:127.0.0.1:%d" % cp.port)
        res = c.request("REGISTER", user="bob", cseq=2, callid="ct-8",
                        extra=[("Contact", "<sip:bob@h1>"),
                               ("Authorization", auth)])
        tap.ok(res and res[0] == 403, "alice registering bob's AOR -> 403",
               res)
    finally:
        c.close()


def case_tls(ctx, tap):
    import ssl
    pem = os.path.join(ctx.workdir, "server.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", pem, "-out", pem + ".crt",
                        "-days", "1", "-subj", "/CN=127.0.0.1"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    if p.returncode != 0:
        tap.ok(False, "openssl could not make a certificate", p.stdout)
        return
    with open(pem, "a") as f, open(pem + ".crt") as crt:
        f.write(crt.read())
    tls_port = free_port()
    cp = ctx.cp([("alice", "secret")], tls_port=tls_port, tls_cert=pem)
    tap.ok("listening on TLS" in cp.log_text(), "TLS listener from "
           "[[sip.listen]] with tls_cert", cp.log_text()[-1500:])
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    sctx.check_hostname = False
    sctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as raw:
        with sctx.wrap_socket(raw) as s:
            lport = s.getsockname()[1]
            req = ("OPTIONS sip:127.0.0.1:%d;transport=tls SIP/2.0\r\n"
                   "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK-tls1\r\n"
                   "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\n"
                   "To: <sip:127.0.0.1>\r\nCall-ID: tls-1@127.0.0.1\r\n"
                   "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                   % (tls_port, lport))
            s.sendall(req.encode())
            data = b""
            end = time.monotonic() + 5
            while b"\r\n\r\n" not in data and time.monotonic() < end:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    status, headers = parse_response(data.decode(errors="replace"))
    tap.ok(status == 200 and "REGISTER" in headers.get("allow", [""])[0],
           "OPTIONS over TLS -> 200", data[:400])


CASES = {
    "contacts": case_contacts,
    "tls": case_tls,
    "options": case_options,
    "sanity": case_sanity,
    "storm": case_storm,
    "register_many": case_register_many,
    "wrong_password": case_wrong_password,
    "unknown_user": case_unknown_user,
    "nonce": case_nonce,
    "stale": case_stale,
    "expiry": case_expiry,
    "sha256": case_sha256,
    "restart": case_restart,
}


class Context:
    def __init__(self, args, workdir):
        self.binary = os.path.abspath(args.cp)
        self.sipp = args.sipp
        self.scenarios = os.path.abspath(args.scenarios)
        self.workdir = workdir
        self.planes = []

    def cp(self, users, **cfg):
        plane = ControlPlane(self.binary, self.workdir, free_port(), users,
                             **cfg)
        self.planes.append(plane)
        if not plane.start():
            raise RuntimeError("voxgate-cp did not start:\n"
                               + plane.log_text()[-3000:])
        return plane


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--cp", required=True, help="voxgate-cp binary")
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--sipp", default=shutil.which("sipp") or "sipp")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    args = ap.parse_args()
    tap = Tap()
    if shutil.which(args.sipp) is None:
        print("1..0 # SKIP sipp (Debian sip-tester) is not installed")
        return 0
    workdir = tempfile.mkdtemp(prefix="vg-sip-%s-" % args.case)
    ctx = Context(args, workdir)
    return run_case(CASES, args, ctx, tap, workdir)


def run_case(cases, args, ctx, tap, workdir):
    """Run one case; stop every process it started (ctx.procs, then
    ctx.planes, then the data planes ctx.dps), report unclean exits and
    sanitizer findings of voxgate-cp and voxgate-dp, keep the work dir
    when something failed."""
    try:
        cases[args.case](ctx, tap)
    except Exception as e:  # report, never leave a process behind
        tap.ok(False, "case %s raised %s" % (args.case, type(e).__name__),
               str(e))
    finally:
        for p in getattr(ctx, "procs", []):
            p.stop()
        for plane in ctx.planes:
            alive = plane.alive()
            rc = plane.stop()
            if alive and rc not in (0, None):
                tap.ok(False, "voxgate-cp exit code %s on stop" % rc,
                       plane.log_text()[-2000:])
            if "AddressSanitizer" in plane.log_text() or \
                    "runtime error" in plane.log_text():
                tap.ok(False, "sanitizer report in the voxgate-cp log",
                       plane.log_text()[-4000:])
        for dp in getattr(ctx, "dps", []):
            rc = dp.stop()
            if rc != 0:
                tap.ok(False, "voxgate-dp exit code %s on stop" % rc,
                       dp.log_text()[-2000:])
            if "AddressSanitizer" in dp.log_text() or \
                    "runtime error" in dp.log_text():
                tap.ok(False, "sanitizer report in the voxgate-dp log",
                       dp.log_text()[-4000:])
        if tap.failed or args.keep:
            tap.note("work dir kept: " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
