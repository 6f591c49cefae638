#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# @file Writes the data-plane benchmark's input: G.711-sized RTP frames
# (214 bytes: Ethernet, IPv4, UDP, RTP, 160 bytes of payload), one per
# session in turn, from each session's caller to leg A's local port, and
# first an ARP reply that tells voxgate-dp its gateway's MAC.
#
# usage: gen_rtp_pcap.py OUT.pcap SESSIONS PACKETS OUR_IP GATEWAY PORT_MIN
#                        [RANGE_FIRST PER_ADDR]
# Sessions fill the media addresses in turn, PER_ADDR each (default: all
# on OUR_IP): session s is on media address k = s // PER_ADDR (0 = OUR_IP,
# k >= 1 = RANGE_FIRST + k - 1, the port's media_range), slot j =
# s % PER_ADDR: leg A on port PORT_MIN + 4j, leg B on PORT_MIN + 4j + 2;
# the caller at 10.0.0.0 + s + 1, port 4000 (behind the gateway). With
# fewer PACKETS than SESSIONS only PACKETS sessions carry traffic.
import socket
import struct
import sys

OUR_MAC = b"\x02\x70\x63\x61\x70\x00"  # net_pcap0's MAC
GW_MAC = b"\x02\x00\x00\x00\x00\xfe"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(sip, sport, dip, dport, payload):
    ulen = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xB8, 20 + ulen, 0, 0, 64, 17,
                     0, sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(sip + dip + struct.pack("!BBH", 0, 17, ulen) + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    return OUR_MAC + GW_MAC + b"\x08\x00" + ip + udp


def arp_reply(gw, ours):
    return (OUR_MAC + GW_MAC + b"\x08\x06" +
            struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, GW_MAC, gw,
                        OUR_MAC, ours))


def main():
    out, sessions, packets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ours = socket.inet_aton(sys.argv[4])
    gw = socket.inet_aton(sys.argv[5])
    port_min = int(sys.argv[6])
    range_first = struct.unpack("!I", socket.inet_aton(sys.argv[7]))[0] \
        if len(sys.argv) > 7 else 0
    per_addr = int(sys.argv[8]) if len(sys.argv) > 8 else sessions

    def media_addr(k):
        if k == 0:
            return ours
        return struct.pack("!I", range_first + k - 1)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def put(frame):
            f.write(struct.pack("<IIII", 0, 0, len(frame), len(frame)))
            f.write(frame)

        put(arp_reply(gw, ours))
        # Visit sessions with a stride coprime to their count, so that
        # consecutive packets hit sessions far apart in memory.
        stride = 7919 if sessions % 7919 else 7907
        dsts = [media_addr(k) for k in range((sessions - 1) // per_addr + 1)]
        # Each session's frames are one RTP stream: sequence numbers one
        # apart, timestamps 160 apart (20 ms of PCMU), as a phone sends;
        # when the pcap starts over, a stream goes back by the frames it
        # has in it (a short backward jump: RFC 3550 A.1 takes it as
        # reordering).
        sent = [0] * sessions
        s = 0
        for i in range(packets):
            caller = bytes([10, ((s + 1) >> 16) & 255, ((s + 1) >> 8) & 255,
                            (s + 1) & 255])
            k = sent[s]
            sent[s] += 1
            rtp = struct.pack("!BBHII", 0x80, 0, (1000 + k) & 0xFFFF,
                              (k * 160) & 0xFFFFFFFF, 0x10000 + s)
            put(udp_frame(caller, 4000, dsts[s // per_addr],
                          port_min + 4 * (s % per_addr), rtp + bytes(160)))
            s = (s + stride) % sessions


if __name__ == "__main__":
    main()
