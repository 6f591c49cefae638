# SPDX-License-Identifier: BSD-3-Clause
"""@file A small SIP user agent over UDP and RTP endpoints for the system
tests: what a test needs to place and take calls through the appliance
with full control over when each side hangs up, and to see every message
and every RTP packet byte for byte (which SIPp does not let a script do).

Not a general SIP stack: RFC 3261 UDP transactions without forking or
routing (the appliance is a B2BUA: every request goes to it), digest
authentication (RFC 2617/7616, MD5, qop=auth), one audio stream per SDP.

Each UA owns one UDP socket and a reader thread. The reader answers on
its own what a real phone answers without thinking (BYE, OPTIONS, a
retransmitted INVITE or 200, the ACK of our 200) and, with auto_answer,
takes an incoming INVITE with 180 / 200 and an SDP answer; everything
else (responses to our requests) is queued for the test's thread.
Every wait is bounded by a deadline.
"""

import hashlib
import queue
import random
import re
import socket
import struct
import threading
import time

T1 = 0.5        # RFC 3261 timer T1
T2 = 4.0        # RFC 3261 timer T2

# RFC 3261 section 7.3.3 compact header names
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id",
           "m": "contact", "l": "content-length", "c": "content-type",
           "k": "supported", "x": "session-expires", "s": "subject"}


def rand_token(n=8):
    return "%0*x" % (n, random.getrandbits(4 * n))


class SipMsg:
    """One parsed SIP message; header names lower case, compact forms
    expanded, values in the order they came."""

    def __init__(self, raw, src):
        self.raw = raw.decode(errors="replace")
        self.src = src
        head, _, self.body = self.raw.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            n, _, v = line.partition(":")
            n = n.strip().lower()
            self.headers.append((COMPACT.get(n, n), v.strip()))
        m = re.match(r"SIP/2\.0 (\d{3})", self.start)
        self.status = int(m.group(1)) if m else None
        self.method = None if m else self.start.split(" ", 1)[0]

    def hdrs(self, name):
        return [v for n, v in self.headers if n == name]

    def hdr(self, name):
        v = self.hdrs(name)
        return v[0] if v else ""

    @property
    def callid(self):
        return self.hdr("call-id")

    @property
    def cseq(self):
        num, _, meth = self.hdr("cseq").partition(" ")
        try:
            return int(num), meth.strip()
        except ValueError:
            return -1, ""

    def tag(self, name):
        m = re.search(r";\s*tag=([^;>\s]+)", self.hdr(name))
        return m.group(1) if m else ""

    def branch(self):
        m = re.search(r";\s*branch=([^;\s]+)", self.hdr("via"))
        return m.group(1) if m else ""


def strip_tag(value):
    """A From/To value without its tag parameter."""
    return re.sub(r";\s*tag=[^;>\s]+", "", value)


def sdp_audio(body):
    """(connection address, audio port, payload types) of an SDP body, or
    None without an audio stream."""
    addr, port, pts = None, None, []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("c=IN IP4 "):
            addr = line.split()[2].split("/")[0]
        elif line.startswith("m=audio "):
            f = line.split()
            port = int(f[1])
            pts = [int(p) for p in f[3:] if p.isdigit()]
    return (addr, port, pts) if port is not None else None


def sdp_offer(addr, port, user):
    return ("v=0\r\n"
            "o=%s 4711 1 IN IP4 %s\r\n"
            "s=-\r\n"
            "c=IN IP4 %s\r\n"
            "t=0 0\r\n"
            "m=audio %d RTP/AVP 0 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-15\r\n"
            "a=ptime:20\r\n" % (user, addr, addr, port))


def parse_challenge(value):
    scheme, _, rest = value.partition(" ")
    params = dict((k.lower(), v1 if v1 else v2) for k, v1, v2 in re.findall(
        r'([\w-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))', rest))
    params["scheme"] = scheme
    return params


def digest_credentials(challenge, user, password, method, uri):
    """The Authorization / Proxy-Authorization value answering a Digest
    challenge (qop=auth when offered, RFC 2617 section 3.2.2)."""
    ch = parse_challenge(challenge)
    alg = ch.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[alg.upper()]

    def H(s):
        return h(s.encode()).hexdigest()
    ha1 = H("%s:%s:%s" % (user, ch["realm"], password))
    ha2 = H("%s:%s" % (method, uri))
    cnonce, nc = rand_token(), "00000001"
    qop = "auth" if "auth" in ch.get("qop", "").split(",") else None
    if qop:
        resp = H("%s:%s:%s:%s:auth:%s" % (ha1, ch["nonce"], nc, cnonce, ha2))
    else:
        resp = H("%s:%s:%s" % (ha1, ch["nonce"], ha2))
    out = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
           'response="%s", algorithm=%s' % (user, ch["realm"], ch["nonce"],
                                           uri, resp, alg))
    if qop:
        out += ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    if "opaque" in ch:
        out += ', opaque="%s"' % ch["opaque"]
    return out


class Dialog:
    """One call as one UA sees it."""

    def __init__(self, callid, local_tag, local_uri, remote_uri):
        self.callid = callid
        self.local_tag = local_tag
        self.remote_tag = ""
        self.local_uri = local_uri      # From of our requests
        self.remote_uri = remote_uri    # To of our requests
        self.target = None              # remote Contact URI
        self.cseq = 1
        self.invite_cseq = None         # CSeq of our INVITE (UAC)
        self.ruri = None                # Request-URI of our INVITE (UAC)
        self.remote_sdp = None          # (addr, port, pts) of the peer
        self.invite = None              # its INVITE (UAS), the 2xx (UAC)
        self.answer = None              # the 2xx of the INVITE
        self.confirmed = threading.Event()   # ACK sent / received
        self.ended = threading.Event()       # a BYE of the other side
        self.bye_received = None


class UA:
    """A SIP user agent on one bound UDP socket; requests go to server."""

    def __init__(self, sock, server, name, user=None, password=None,
                 media=None, auto_answer=False):
        self.sock = sock
        self.local = sock.getsockname()
        self.server = server
        self.name = name
        self.user = user or name
        self.password = password
        self.media = media              # (addr, port) we put in SDP
        self.auto_answer = auto_answer
        self.dialogs = {}               # call-id -> Dialog
        self.incoming = queue.Queue()   # dialogs we answered (UAS)
        self.responses = queue.Queue()
        self.log = []                   # (time, "<"|">", text)
        self.unexpected = []            # requests we could not place
        self._lock = threading.Lock()
        self._pending_2xx = {}          # call-id -> [text, dest, next, gap]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._reader, daemon=True,
                                        name="ua-" + name)
        self._thread.start()

    # -- plumbing ---------------------------------------------------------

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()

    def _send(self, text, dest):
        data = text.encode()
        with self._lock:
            self.log.append((time.monotonic(), ">", text))
        self.sock.sendto(data, dest)

    def transcript(self):
        with self._lock:
            return "\n".join("%s %s" % (d, t.split("\r\n", 1)[0])
                             for _, d, t in self.log)

    def messages(self, direction="<"):
        with self._lock:
            return [t for _, d, t in self.log if d == direction]

    def _via(self, branch):
        return "SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.local[0],
                                                      self.local[1], branch)

    def _contact(self):
        return "<sip:%s@%s:%d>" % (self.user, self.local[0], self.local[1])

    def _reader(self):
        self.sock.settimeout(0.05)
        while not self._stop.is_set():
            self._retransmit_2xx()
            try:
                data, src = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            msg = SipMsg(data, src)
            with self._lock:
                self.log.append((time.monotonic(), "<", msg.raw))
            if msg.status is not None:
                self._on_response(msg)
            else:
                self._on_request(msg)

    def _retransmit_2xx(self):
        now = time.monotonic()
        for callid, p in list(self._pending_2xx.items()):
            if now >= p[2]:
                if p[3] > 64 * T1:   # timer H: give up
                    del self._pending_2xx[callid]
                    continue
                self._send(p[0], p[1])
                p[3] = min(2 * p[3], T2)
                p[2] = now + p[3]

    def _reply(self, req, status, reason, to_tag=None, extra=(), body=""):
        to = req.hdr("to")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        lines = ["SIP/2.0 %d %s" % (status, reason)]
        lines += ["Via: " + v for v in req.hdrs("via")]
        lines += ["From: " + req.hdr("from"), "To: " + to,
                  "Call-ID: " + req.callid, "CSeq: " + req.hdr("cseq")]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        text = "\r\n".join(lines) + "\r\n\r\n" + body
        self._send(text, req.src)
        return text

    def _on_request(self, req):
        d = self.dialogs.get(req.callid)
        if req.method == "ACK":
            if d is not None:
                self._pending_2xx.pop(req.callid, None)
                d.confirmed.set()
            return
        if req.method == "BYE":
            self._reply(req, 200 if d else 481,
                        "OK" if d else "Call/Transaction Does Not Exist")
            if d is not None:
                d.bye_received = req
                d.ended.set()
            else:
                self.unexpected.append(req)
            return
        if req.method == "OPTIONS":
            self._reply(req, 200, "OK")
            return
        if req.method == "INVITE" and d is not None:
            if d.answer is not None and req.tag("to") == "":
                # a retransmission of the INVITE we answered
                self._send(d.answer, req.src)
            else:
                self.unexpected.append(req)
                self._reply(req, 488, "Not Acceptable Here")
            return
        if req.method == "INVITE" and self.auto_answer:
            self._answer(req)
            return
        self.unexpected.append(req)
        self._reply(req, 501, "Not Implemented")

    def _answer(self, req):
        d = Dialog(req.callid, "uas-" + rand_token(), req.hdr("to"),
                   strip_tag(req.hdr("from")))
        d.remote_tag = req.tag("from")
        m = re.search(r"<([^>]+)>", req.hdr("contact"))
        d.target = m.group(1) if m else None
        d.remote_sdp = sdp_audio(req.body)
        d.invite = req
        self.dialogs[req.callid] = d
        contact = ["Contact: " + self._contact()]
        self._reply(req, 180, "Ringing", d.local_tag, contact)
        body = sdp_offer(self.media[0], self.media[1], self.user)
        d.answer = self._reply(req, 200, "OK", d.local_tag, contact, body)
        self._pending_2xx[req.callid] = [d.answer, req.src,
                                         time.monotonic() + T1, T1]
        self.incoming.put(d)

    def _on_response(self, rsp):
        d = self.dialogs.get(rsp.callid)
        num, meth = rsp.cseq
        if (d is not None and meth == "INVITE" and rsp.status // 100 == 2
                and d.confirmed.is_set() and num == d.invite_cseq):
            self._ack(d, rsp)       # our ACK was lost: the 200 again
            return
        self.responses.put(rsp)

    # -- requests ---------------------------------------------------------

    def _request(self, method, ruri, d, cseq, extra=(), body=""):
        branch = "z9hG4bK-" + rand_token(12)
        to = d.remote_uri + (";tag=" + d.remote_tag if d.remote_tag else "")
        lines = ["%s %s SIP/2.0" % (method, ruri), "Via: " + self._via(branch),
                 "Max-Forwards: 70",
                 "From: %s;tag=%s" % (d.local_uri, d.local_tag),
                 "To: " + to, "Call-ID: " + d.callid,
                 "CSeq: %d %s" % (cseq, method)]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        return "\r\n".join(lines) + "\r\n\r\n" + body, branch

    def transaction(self, text, branch, method, timeout=10.0):
        """Send a request, retransmit it (timer A/E) until a response,
        wait for the final one. @return (final or None, provisionals)."""
        end = time.monotonic() + timeout
        gap, nxt, provisional = T1, 0.0, []
        while time.monotonic() < end:
            now = time.monotonic()
            if not provisional and now >= nxt:
                self._send(text, self.server)
                nxt, gap = now + gap, min(2 * gap, T2)
            wake = end if provisional else min(nxt, end)
            try:
                rsp = self.responses.get(
                    timeout=max(0.01, wake - time.monotonic()))
            except queue.Empty:
                continue
            if rsp.branch() != branch or rsp.cseq[1] != method:
                continue            # a late answer of an earlier request
            if rsp.status < 200:
                provisional.append(rsp)
                continue
            return rsp, provisional
        return None, provisional

    def _ack(self, d, rsp):
        """ACK of a 2xx: a request of its own, to the remote target."""
        text, _ = self._request("ACK", d.target or d.ruri, d,
                                d.invite_cseq)
        self._send(text, self.server)

    def call(self, number, host, timeout=15.0, password=None,
             max_challenges=10):
        """Place a call to number@host (host: the appliance's address and
        port, as a SIPp caller dials it): INVITE, then 407 / ACK / INVITE
        with credentials for as long as it is challenged, then 1xx, 200,
        ACK. @return (dialog, [statuses in the order received])"""
        callid = "%s-%s@%s" % (self.name, rand_token(12), self.local[0])
        d = Dialog(callid, "%s-%s" % (self.name, rand_token()),
                   "<sip:%s@%s>" % (self.user, host.split(":")[0]),
                   "<sip:%s@%s>" % (number, host.split(":")[0]))
        d.ruri = "sip:%s@%s" % (number, host)
        self.dialogs[callid] = d
        body = sdp_offer(self.media[0], self.media[1], self.user)
        contact = ["Contact: " + self._contact(),
                   "User-Agent: voxgate-system-test"]
        statuses, auth = [], []
        for cseq in range(1, max_challenges + 2):
            d.invite_cseq = cseq
            text, branch = self._request("INVITE", d.ruri, d, cseq,
                                         contact + auth, body)
            final, prov = self.transaction(text, branch, "INVITE", timeout)
            statuses += [p.status for p in prov]
            if final is None:
                return d, statuses
            statuses.append(final.status)
            if final.status // 100 == 2:
                d.remote_tag = final.tag("to")
                m = re.search(r"<([^>]+)>", final.hdr("contact"))
                d.target = m.group(1) if m else d.ruri
                d.remote_sdp = sdp_audio(final.body)
                d.invite = final
                d.cseq = cseq
                self._ack(d, final)
                d.confirmed.set()
                return d, statuses
            # the ACK of a non-2xx final response: the INVITE's branch
            # (RFC 3261 section 17.1.1.3)
            ack = "\r\n".join([
                "ACK %s SIP/2.0" % d.ruri, "Via: " + self._via(branch),
                "Max-Forwards: 70",
                "From: %s;tag=%s" % (d.local_uri, d.local_tag),
                "To: %s;tag=%s" % (d.remote_uri, final.tag("to")),
                "Call-ID: " + callid, "CSeq: %d ACK" % cseq,
                "Content-Length: 0"]) + "\r\n\r\n"
            self._send(ack, self.server)
            if final.status not in (401, 407):
                return d, statuses
            hname = ("proxy-authenticate" if final.status == 407
                     else "www-authenticate")
            cname = ("Proxy-Authorization" if final.status == 407
                     else "Authorization")
            auth = ["%s: %s" % (cname, digest_credentials(
                final.hdr(hname), self.user, password or self.password,
                "INVITE", d.ruri))]
        return d, statuses

    def bye(self, d, timeout=10.0):
        """Hang up: BYE to the remote target. @return its final status."""
        d.cseq += 1
        text, branch = self._request("BYE", d.target, d, d.cseq)
        final, _ = self.transaction(text, branch, "BYE", timeout)
        return final.status if final is not None else None

    def register(self, password=None, expires=600, timeout=10.0):
        """REGISTER until a final answer other than the first challenge.
        @return the statuses, in order: [401, 200] for the 401 flow;
        with a wrong password the appliance challenges again until its
        lockout answers 403."""
        host = "%s:%d" % self.server
        callid = "reg-%s@%s" % (rand_token(12), self.local[0])
        d = Dialog(callid, "reg-" + rand_token(), "<sip:%s@%s>" %
                   (self.user, self.server[0]), "<sip:%s@%s>" %
                   (self.user, self.server[0]))
        ruri = "sip:" + host
        statuses, auth = [], []
        for cseq in range(1, 20):
            text, branch = self._request(
                "REGISTER", ruri, d, cseq, ["Contact: " + self._contact(),
                                            "Expires: %d" % expires] + auth)
            final, _ = self.transaction(text, branch, "REGISTER", timeout)
            if final is None:
                statuses.append(None)
                return statuses
            statuses.append(final.status)
            if final.status != 401:
                return statuses
            auth = ["Authorization: " + digest_credentials(
                final.hdr("www-authenticate"), self.user,
                password or self.password, "REGISTER", ruri)]
        return statuses


# ---------------------------------------------------------------------------
# RTP (RFC 3550): a packet whose payload says which stream and which packet
# it is, so a receiver can compare every byte with what was sent.
# ---------------------------------------------------------------------------

PAYLOAD_LEN = 160       # 20 ms of PCMU

# How long a packet may take through the appliance before it counts as
# lost. An idle machine relays in well under a millisecond; a shared CI
# host, with the sanitized build and other data planes polling the same
# core, was seen to hold packets for over a second (delayed, then all
# delivered: the af_packet ring holds seconds of this traffic). The wait
# ends as soon as everything arrived; it is latency allowed, not loss.
SETTLE_S = 5.0


def settle_streams(streams, settle=SETTLE_S):
    end = time.monotonic() + settle
    while True:
        for s in streams:
            s.drain()
        if all(s.complete() for s in streams) or time.monotonic() >= end:
            return
        time.sleep(0.01)


def rtp_payload(tag, idx):
    """tag (4 bytes) + index + pseudo-random bytes derived from both."""
    head = tag + struct.pack("!I", idx)
    rnd = random.Random(int.from_bytes(head, "big"))
    return head + rnd.randbytes(PAYLOAD_LEN - len(head))


def rtp_packet(seq, ts, ssrc, payload, pt=0):
    return struct.pack("!BBHII", 0x80, pt, seq & 0xffff, ts & 0xffffffff,
                       ssrc) + payload


def rtp_parse(data):
    """(seq, ssrc, payload) of an RTP packet, or None."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    seq, _, ssrc = struct.unpack("!HII", data[2:12])
    cc = data[0] & 0x0f
    return seq, ssrc, data[12 + 4 * cc:]


class RtpStream:
    """One direction: what a socket sent toward an address, and what the
    far socket received."""

    def __init__(self, tag, tx, dest, rx):
        self.tag = tag              # 4 bytes
        self.tx, self.dest, self.rx = tx, dest, rx
        rx.setblocking(False)
        self.ssrc = random.getrandbits(32)
        self.seq0 = random.getrandbits(16)
        self.sent = []              # (time, idx, payload)
        self.received = []          # (time, src, seq, ssrc, payload)
        self.got = set()            # indexes of ours that arrived
        self.n = 0

    def send_one(self):
        p = rtp_payload(self.tag, self.n)
        self.tx.sendto(rtp_packet(self.seq0 + self.n, 160 * self.n,
                                  self.ssrc, p), self.dest)
        self.sent.append((time.monotonic(), self.n, p))
        self.n += 1

    def drain(self):
        while True:
            try:
                data, src = self.rx.recvfrom(2048)
            except (BlockingIOError, socket.timeout):
                return
            r = rtp_parse(data)
            if r is not None:
                self.received.append((time.monotonic(), src) + r)
                if r[2][:4] == self.tag and len(r[2]) >= 8:
                    self.got.add(struct.unpack("!I", r[2][4:8])[0])

    def complete(self):
        """Everything sent so far has arrived."""
        return len(self.got) >= self.n

    def result(self, since=0.0, until=None):
        """What arrived of what was sent in [since, until]: (sent, got,
        missing indexes, bad: packets whose payload differs or that were
        never sent, sources seen)."""
        want = {idx: p for t, idx, p in self.sent
                if t >= since and (until is None or t <= until)}
        got, bad, srcs = set(), [], set()
        for _, src, _, _, p in self.received:
            srcs.add(src)
            if p[:4] != self.tag:
                bad.append(p[:8])
                continue
            idx = struct.unpack("!I", p[4:8])[0]
            if idx in want:
                if p != want[idx]:
                    bad.append(p[:8])
                got.add(idx)
        return len(want), len(got), sorted(set(want) - got), bad, srcs


class RtpPump:
    """Both directions of a call, one packet each way every 20 ms, in a
    thread of its own until stop() (or max_s, a bound for a test that
    forgets to stop it)."""

    def __init__(self, streams, count=None, interval=0.02, max_s=120.0):
        self.streams = streams
        self.count = count              # packets each way, None: until stop
        self.interval, self.max_s = interval, max_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="rtp")

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        end = time.monotonic() + self.max_s
        nxt = time.monotonic()
        n = 0
        while not self._stop.is_set() and time.monotonic() < end and \
                (self.count is None or n < self.count):
            n += 1
            for s in self.streams:
                s.send_one()
            nxt += self.interval
            while True:
                for s in self.streams:
                    s.drain()
                left = nxt - time.monotonic()
                if left <= 0:
                    break
                time.sleep(min(left, 0.005))

    def wait(self, settle=SETTLE_S):
        """Until count packets went each way; then as stop()."""
        self._thread.join(timeout=self.max_s + 5)
        self.stop(settle)

    def stop(self, settle=SETTLE_S):
        """Stop sending; collect what is still on the way until every
        stream got all it sent, for at most settle s."""
        self._stop.set()
        self._thread.join(timeout=5)
        settle_streams(self.streams, settle)

