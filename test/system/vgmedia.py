#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file The demo's media accounting from its packet captures: which RTP
stream belongs to which call, what each far end sent and what reached the
other one, and of what did not, how much went missing while the call was
up (lost) and how much was sent after it had been hung up (tail).

The appliance rewrites what it transcodes (an SSRC, sequence numbers and
time stamps of its own), and the SRTP callers all replay one capture (one
SSRC, the same sequence numbers), so streams are told apart by the
appliance's media port instead: every call has one on each side, for its
whole life. The SIP captures give each call's port on their side (the
m= line of the SDP the appliance sent) and the time of its BYE; the CDRs
(call_id_a, call_id_b) join the two sides into one call.

Per call and direction X -> appliance -> Y: a relayed stream keeps SSRC
and sequence numbers, so each packet X sent is looked for at Y; a
transcoded one is counted (one packet out for each packet in at the
demo's 20 ms on both sides), and what is missing is its end. A packet
that did not arrive is tail when X sent it after the call was hung up
(the first BYE of the call on either side, or the CDR's end when no BYE
was seen): the callee streams until the caller's BYE reaches it, and the
appliance has ended the media session by then. Otherwise it is lost.
Packets of a port no call claims count as lost when they did not arrive.

Plain Python 3 standard library.
"""

import datetime
import json
import re
import socket
import struct

INF = float("inf")


# ---------------------------------------------------------------------------
# Captures: classic pcap (dumpcap -P), Ethernet or Linux cooked v1.
# ---------------------------------------------------------------------------

def ipv4_udp(path):
    """(time, src ip, dst ip, sport, dport, UDP payload) of each unfragmented
    IPv4 UDP packet of a capture (nothing when the file is missing)."""
    try:
        f = open(path, "rb")
    except OSError:
        return
    with f:
        gh = f.read(24)
        if len(gh) < 24:
            return
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
            if len(pkt) < l2 + 28 or pkt[l2 - 2:l2] != b"\x08\x00":
                continue
            ip = pkt[l2:]
            ihl = (ip[0] & 0x0F) * 4
            # a fragment (MF set or an offset) holds no whole datagram
            if ip[9] != 17 or len(ip) < ihl + 8 or \
                    struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
                continue
            sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
            yield (sec + sub * frac, ip[12:16], ip[16:20], sport, dport,
                   ip[ihl + 8:])


def rtp_packets(path, local_ip, ports):
    """RTP (version 2) a far end at local_ip sent from and received on its
    media ports, keyed by the appliance's port of each packet:
    ({app port: [(time, ssrc, seq), ...] sent}, {app port: [...] received}).
    """
    local = socket.inet_aton(local_ip)
    ports = {int(p) for p in ports}
    sent, recv = {}, {}
    for t, src, dst, sport, dport, rtp in ipv4_udp(path):
        if len(rtp) < 12 or (rtp[0] >> 6) != 2:
            continue
        seq = struct.unpack("!H", rtp[2:4])[0]
        ssrc = struct.unpack("!I", rtp[8:12])[0]
        if src == local and sport in ports:
            sent.setdefault(dport, []).append((t, ssrc, seq))
        elif dst == local and dport in ports:
            recv.setdefault(sport, []).append((t, ssrc, seq))
    return sent, recv


HDR_CALLID = re.compile(rb"^(?:call-id|i)[ \t]*:[ \t]*(\S+)[ \t]*\r?$",
                        re.I | re.M)
SDP_AUDIO = re.compile(rb"^m=audio[ \t]+([0-9]+)[ \t]+(\S+)", re.M)


def sip_calls(path, far_ip):
    """Per Call-ID in a SIP capture at a far end (far_ip):
    {"port": the appliance's media port in the first SDP it sent with a
    non-zero one, "bye": time of the first BYE either way (INF)}."""
    far = socket.inet_aton(far_ip)
    calls = {}
    for t, src, _, _, _, msg in ipv4_udp(path):
        m = HDR_CALLID.search(msg)
        if m is None:
            continue
        c = calls.setdefault(m.group(1).decode(errors="replace"),
                             {"port": 0, "bye": INF})
        if msg.startswith(b"BYE "):
            c["bye"] = min(c["bye"], t)
        if src != far and c["port"] == 0:
            a = SDP_AUDIO.search(msg)
            if a is not None:
                c["port"] = int(a.group(1))
    return calls


def cdr_time(text):
    """A CDR time ("2026-12-07T11:02:23.947Z") as seconds since the epoch,
    or INF."""
    try:
        dt = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except (TypeError, ValueError):
        return INF
    return dt.replace(tzinfo=datetime.timezone.utc).timestamp()


def read_cdrs(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return []


def call_kind(cdr):
    if cdr.get("srtp_a") or cdr.get("srtp_b"):
        return "srtp"
    return "transcoded" if cdr.get("transcoded") else "relayed"


# ---------------------------------------------------------------------------
# The accounting.
# ---------------------------------------------------------------------------

def direction(sent, recv, hangup):
    """One stream X -> appliance -> Y of one call: (sent, received, tail,
    lost)."""
    got = {(ssrc, seq) for _, ssrc, seq in recv}
    if got and got <= {(ssrc, seq) for _, ssrc, seq in sent}:
        # relayed: packet by packet
        missing = [t for t, ssrc, seq in sent if (ssrc, seq) not in got]
        tail = sum(1 for t in missing if t > hangup)
        return len(sent), len(recv), tail, len(missing) - tail
    # rewritten by transcoding: counted, the missing ones are the last
    missing = max(0, len(sent) - len(recv))
    tail = min(missing, sum(1 for t, _, _ in sent if t > hangup))
    return len(sent), len(recv), tail, missing - tail


def add(acc, key, d):
    v = acc.setdefault(key, [0, 0, 0, 0])
    for i in range(4):
        v[i] += d[i]


def account(a_rtp, b_rtp, a_sip, b_sip, cdrs):
    """Both directions of every call.

    a_rtp, b_rtp: rtp_packets() of the access and the core side; a_sip,
    b_sip: sip_calls() of both sides; cdrs: read_cdrs().
    Returns {(kind, "ab"|"ba"): [sent, received, tail, lost]}, kind one of
    "transcoded", "srtp", "relayed" and "unmatched" (ports no call
    claims), "ab" access -> core, "ba" core -> access.
    """
    a_sent, a_recv = a_rtp
    b_sent, b_recv = b_rtp
    acc = {}
    used_a, used_b = set(), set()
    for cdr in cdrs:
        ca = a_sip.get(cdr.get("call_id_a") or "")
        cb = b_sip.get(cdr.get("call_id_b") or "")
        if not ca or not cb or not ca["port"] or not cb["port"]:
            continue
        pa, pb = ca["port"], cb["port"]
        hangup = min(ca["bye"], cb["bye"], cdr_time(cdr.get("end")))
        kind = call_kind(cdr)
        add(acc, (kind, "ab"), direction(a_sent.get(pa, []),
                                         b_recv.get(pb, []), hangup))
        add(acc, (kind, "ba"), direction(b_sent.get(pb, []),
                                         a_recv.get(pa, []), hangup))
        used_a.add(pa)
        used_b.add(pb)
    for key, x_sent, y_recv, x_used, y_used in (
            ("ab", a_sent, b_recv, used_a, used_b),
            ("ba", b_sent, a_recv, used_b, used_a)):
        n_sent = sum(len(v) for p, v in x_sent.items() if p not in x_used)
        n_recv = sum(len(v) for p, v in y_recv.items() if p not in y_used)
        if n_sent or n_recv:
            add(acc, ("unmatched", key),
                (n_sent, n_recv, 0, max(0, n_sent - n_recv)))
    return acc


def totals(acc, key=None):
    """[sent, received, tail, lost] summed over every kind of one direction
    (key "ab" or "ba") or of both (None)."""
    out = [0, 0, 0, 0]
    for (_, k), v in acc.items():
        if key is None or k == key:
            for i in range(4):
                out[i] += v[i]
    return out
