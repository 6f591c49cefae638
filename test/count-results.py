#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# @file Counts every test case that ran, from meson's logs.
#
# usage: count-results.py LABEL=BUILD_DIR/meson-logs ...
# Each <testcase> of testlog.junit.xml is one test: a GoogleTest case, a
# TAP line, or a plain test program. A test program that meson saw fail
# (a crash, a sanitizer report at exit, a timeout) with none of its cases
# failed counts as one more failed test. Prints failing and skipped names,
# then "N passed, N failed, N skipped" as the last line.
import json
import os
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
failures, skips = [], []
for arg in sys.argv[1:]:
    label, _, logdir = arg.partition("=")
    try:
        root = ET.parse(os.path.join(logdir, "testlog.junit.xml")).getroot()
        with open(os.path.join(logdir, "testlog.json")) as f:
            runs = [json.loads(line) for line in f if line.strip()]
    except (OSError, ET.ParseError, ValueError) as e:
        print(f"{label}: no test log ({e})")
        failed += 1
        failures.append(f"{label}: no test log")
        continue
    failed_names = set()
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            sname, cname = suite.get("name") or "", case.get("name") or ""
            name = f"{label}: {sname} {case.get('classname')}.{cname}"
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                failures.append(name)
                failed_names.add(sname + " " + cname)
            elif case.find("skipped") is not None:
                skipped += 1
                skips.append(name)
            else:
                passed += 1
    for run in runs:
        if run.get("result") in ("OK", "SKIP", "EXPECTEDFAIL"):
            continue
        test = run.get("name", "?")
        # Suites are named "<project>.<test>.<gtest suite>" or the test
        # itself is a case of the project's suite.
        if any(test in n for n in failed_names):
            continue
        failed += 1
        failures.append(f"{label}: {test}: {run.get('result')} "
                        f"(exit status {run.get('returncode')}) after its cases")
for n in skips:
    print(f"SKIPPED {n}")
for n in failures:
    print(f"FAILED  {n}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
