#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Writes a raw G.711 file, mu-law (PCMU) or, when OUT ends in
".alaw", A-law (PCMA), 8000 samples a second, of a tone, for SIPp's
rtp_stream (which sends it 160 bytes = 20 ms a packet).

usage: gen_ulaw.py OUT [SECONDS] [HZ]     (default 1 s of 440 Hz)
"""

import math
import sys

BIAS = 0x84
CLIP = 32635


def ulaw(sample):
    """One 16-bit linear sample -> one mu-law byte (ITU-T G.711)."""
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, CLIP) + BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def alaw(sample):
    """One 16-bit linear sample -> one A-law byte (ITU-T G.711)."""
    sign = 0x80 if sample >= 0 else 0
    if sample < 0:
        sample = -sample - 1
    sample = min(sample, 32767) >> 3  # 13-bit magnitude
    if sample < 32:
        code = sample >> 1
    else:
        seg = 1
        while sample >= 64 << (seg - 1) and seg < 7:
            seg += 1
        code = (seg << 4) | ((sample >> seg) & 0x0F)
    return (sign | code) ^ 0x55


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    hz = float(sys.argv[3]) if len(sys.argv) > 3 else 440.0
    n = int(8000 * secs)
    enc = alaw if out.endswith(".alaw") else ulaw
    data = bytes(enc(int(8000 * math.sin(2 * math.pi * hz * i / 8000)))
                 for i in range(n))
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
