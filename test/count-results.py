#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# @file Counts every test case that ran, from meson's JUnit logs.
#
# usage: count-results.py LABEL=BUILD_DIR/meson-logs/testlog.junit.xml ...
# Each <testcase> is one test: a GoogleTest case, a TAP line, or a plain
# test program. A test program that crashed before reporting its cases is
# one failed test. Prints failing and skipped names, then the summary line
# "N passed, N failed, N skipped" as the last line.
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
failures, skips = [], []
for arg in sys.argv[1:]:
    label, _, path = arg.partition("=")
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"{label}: no test log ({e})")
        failed += 1
        failures.append(f"{label}: no test log")
        continue
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            name = f"{label}: {suite.get('name')} {case.get('classname')}.{case.get('name')}"
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                failures.append(name)
            elif case.find("skipped") is not None:
                skipped += 1
                skips.append(name)
            else:
                passed += 1
for n in skips:
    print(f"SKIPPED {n}")
for n in failures:
    print(f"FAILED  {n}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
