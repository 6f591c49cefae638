#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""@file Run toml-decode over the toml-test cases and report TAP.

usage: run-toml-test.py <toml-decode> <toml-test dir>

valid/**/X.toml must decode to the document in X.json (compared by meaning:
numbers by value with nan == nan, date-times by value and kind, strings
exactly); every file under invalid/ must be rejected with a non-zero exit
that is not a signal.
"""

import json
import math
import os
import re
import subprocess
import sys

TIMEOUT = 60  # a hang guard: loaded CI machines stall a case for seconds

DATE_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})$')
TIME_RE = re.compile(r'^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$')
DATETIME_RE = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?'
    r'([Zz]|[+-]\d{2}:\d{2})?$')


def days_from_civil(y, m, d):
    """Days since 1970-01-01 in the proleptic Gregorian calendar."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def frac_ns(frac):
    """Fraction digits to nanoseconds, truncating past nine digits."""
    if not frac:
        return 0
    return int((frac + '000000000')[:9])


def norm_datetime(kind, text):
    """A comparable key for a date-time of a given kind, or None."""
    if kind == 'date-local':
        m = DATE_RE.match(text)
        return m and tuple(int(x) for x in m.groups())
    if kind == 'time-local':
        m = TIME_RE.match(text)
        if not m:
            return None
        h, mi, s, f = m.groups()
        return (int(h), int(mi), int(s), frac_ns(f))
    m = DATETIME_RE.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, f, off = m.groups()
    if kind == 'datetime-local':
        if off:
            return None
        return (int(y), int(mo), int(d), int(h), int(mi), int(s),
                frac_ns(f))
    if not off:
        return None
    offset = 0
    if off not in ('Z', 'z'):
        offset = int(off[1:3]) * 60 + int(off[4:6])
        if off[0] == '-':
            offset = -offset
    secs = (days_from_civil(int(y), int(mo), int(d)) * 86400 +
            int(h) * 3600 + int(mi) * 60 + int(s) - offset * 60)
    return (secs, frac_ns(f))


def same_float(a, b):
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if x == 0 and y == 0:
        return math.copysign(1, x) == math.copysign(1, y)
    return x == y


def same_scalar(want, got, path):
    """None when equal, else why not."""
    kind = want['type']
    if not isinstance(got, dict) or set(got) != {'type', 'value'}:
        return '%s: expected a tagged %s, got %r' % (path, kind, got)
    if got['type'] != kind:
        return '%s: expected type %s, got %s' % (path, kind, got['type'])
    a, b = want['value'], got['value']
    if kind in ('string', 'bool'):
        ok = a == b
    elif kind == 'integer':
        try:
            ok = int(a) == int(b)
        except ValueError:
            ok = False
    elif kind == 'float':
        ok = same_float(a, b)
    elif kind in ('datetime', 'datetime-local', 'date-local', 'time-local'):
        na = norm_datetime(kind, a)
        ok = na is not None and na == norm_datetime(kind, b)
    else:
        return '%s: unknown type %s in expected JSON' % (path, kind)
    if ok:
        return None
    return '%s: expected %s %r, got %r' % (path, kind, a, b)


def is_tagged(v):
    return (isinstance(v, dict) and set(v) == {'type', 'value'} and
            isinstance(v['value'], str) and isinstance(v['type'], str))


def compare(want, got, path='$'):
    """None when got means the same as want, else the first difference."""
    if is_tagged(want):
        return same_scalar(want, got, path)
    if isinstance(want, dict):
        if not isinstance(got, dict) or is_tagged(got):
            return '%s: expected a table, got %r' % (path, got)
        if set(want) != set(got):
            missing = sorted(set(want) - set(got))
            extra = sorted(set(got) - set(want))
            return '%s: keys differ (missing %r, extra %r)' % (
                path, missing, extra)
        for k in want:
            why = compare(want[k], got[k], '%s.%s' % (path, k))
            if why:
                return why
        return None
    if isinstance(want, list):
        if not isinstance(got, list):
            return '%s: expected an array, got %r' % (path, got)
        if len(want) != len(got):
            return '%s: expected %d elements, got %d' % (
                path, len(want), len(got))
        for i, (w, g) in enumerate(zip(want, got)):
            why = compare(w, g, '%s[%d]' % (path, i))
            if why:
                return why
        return None
    return '%s: unexpected %r in expected JSON' % (path, want)


def run(decoder, toml_path):
    with open(toml_path, 'rb') as f:
        data = f.read()
    return subprocess.run([decoder], input=data, capture_output=True,
                          timeout=TIMEOUT, check=False)


def one_line(text):
    return ' '.join(text.split())[:300]


def check_valid(decoder, toml_path, json_path):
    """None on success, else the reason for failure."""
    try:
        proc = run(decoder, toml_path)
    except subprocess.TimeoutExpired:
        return 'timed out after %d s' % TIMEOUT
    if proc.returncode < 0:
        return 'killed by signal %d' % -proc.returncode
    if proc.returncode != 0:
        return 'rejected: %s' % one_line(proc.stderr.decode('utf-8',
                                                             'replace'))
    try:
        got = json.loads(proc.stdout.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as e:
        return 'decoder printed invalid JSON: %s' % one_line(str(e))
    with open(json_path, 'rb') as f:
        want = json.loads(f.read().decode('utf-8'))
    return compare(want, got)


def check_invalid(decoder, toml_path):
    try:
        proc = run(decoder, toml_path)
    except subprocess.TimeoutExpired:
        return 'timed out after %d s' % TIMEOUT
    if proc.returncode < 0:
        return 'killed by signal %d' % -proc.returncode
    if proc.returncode == 0:
        return 'accepted invalid TOML'
    err = proc.stderr.decode('utf-8', 'replace')
    if proc.returncode != 1 or not err.startswith('<stdin>:'):
        return 'exit %d, stderr %r' % (proc.returncode, one_line(err))
    return None


def cases(root):
    """(name, kind, toml path, json path) sorted by name."""
    found = []
    for kind in ('valid', 'invalid'):
        top = os.path.join(root, kind)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for fn in sorted(filenames):
                path = os.path.join(dirpath, fn)
                name = os.path.relpath(path, root)
                if kind == 'valid':
                    if not fn.endswith('.toml'):
                        continue
                    found.append((name[:-5], kind, path, path[:-5] + '.json'))
                else:
                    stem = name[:-5] if fn.endswith('.toml') else name
                    found.append((stem, kind, path, None))
    found.sort(key=lambda c: (c[1] != 'valid', c[0]))
    return found


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s <toml-decode> <toml-test dir>\n' % argv[0])
        return 2
    decoder, root = argv[1], argv[2]
    todo = cases(root)
    print('1..%d' % len(todo))
    failed = 0
    for k, (name, kind, toml_path, json_path) in enumerate(todo, 1):
        if kind == 'valid':
            if not os.path.exists(json_path):
                why = 'no expected JSON next to it'
            else:
                why = check_valid(decoder, toml_path, json_path)
        else:
            why = check_invalid(decoder, toml_path)
        if why:
            failed += 1
            print('not ok %d - %s: %s' % (k, name, why))
        else:
            print('ok %d - %s' % (k, name))
        sys.stdout.flush()
    if failed:
        print('# %d of %d failed' % (failed, len(todo)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
