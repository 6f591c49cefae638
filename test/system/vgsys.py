# SPDX-License-Identifier: BSD-3-Clause
"""@file The harness of the system tests: the network of topology.sh, the
appliance (voxgate-dp and voxgate-cp in its namespace, configured from
demo.toml.in exactly as demo.sh does), sockets opened inside the callers'
and the callee's namespaces, voxgatectl, SIPp and packet captures.

Everything started here is a Proc, stopped by its pid (SIGTERM, a bounded
wait, SIGKILL) by Appliance.down(), which the driver calls in a finally
block; every wait has a deadline.
"""

import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vgdemo  # noqa: E402  (telemetry, OPTIONS probe, SIPp stat files)

TOPOLOGY = os.path.join(HERE, "topology.sh")
TEMPLATE = os.path.join(HERE, "demo.toml.in")
REALM = "voxgate.system"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:")
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def topology_vars(prefix):
    """The names and addresses topology.sh defines for a prefix (VG_*),
    read from the script itself so the two cannot drift apart."""
    out = subprocess.run(
        ["bash", "-c", '. "$1" && for v in ${!VG_@}; do '
         'printf "%s=%s\\n" "$v" "${!v}"; done', "vgsys", TOPOLOGY],
        env=dict(os.environ, VG_TOPO_PREFIX=prefix), check=True,
        capture_output=True, text=True, timeout=30).stdout
    return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)


def topology(prefix, *words, timeout=60):
    """topology.sh as a command (up, down) or one of its functions."""
    if words[0] in ("up", "down", "show"):
        cmd = ["bash", TOPOLOGY] + list(words)
    else:
        # $0 is not the script: sourced, it defines functions only
        cmd = ["bash", "-c", '. "$1" && shift && "$@"', "vgsys",
               TOPOLOGY] + list(words)
    return subprocess.run(cmd, env=dict(os.environ, VG_TOPO_PREFIX=prefix),
                          capture_output=True, text=True, timeout=timeout)


class Netns:
    """A network namespace of the topology: sockets are made inside it
    (setns(2) for the calling thread, then back), commands run in it."""

    def __init__(self, name):
        self.name = name

    def socket(self, bind, kind=socket.SOCK_DGRAM):
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        ns = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            if _libc.setns(ns, CLONE_NEWNET) != 0:
                e = ctypes.get_errno()
                raise OSError(e, "setns %s: %s" % (self.name,
                                                    os.strerror(e)))
            try:
                s = socket.socket(socket.AF_INET, kind)
            finally:
                if _libc.setns(own, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back")
        finally:
            os.close(ns)
            os.close(own)
        s.bind(bind)
        return s

    def cmd(self, *argv):
        return ["ip", "netns", "exec", self.name] + [str(a) for a in argv]

    def run(self, *argv, timeout=30):
        return subprocess.run(self.cmd(*argv), capture_output=True,
                              text=True, timeout=timeout)


class Proc:
    """A background process with its output in a file, stopped by pid.
    (ip netns exec execs its command: the pid is the program's own.)"""

    def __init__(self, name, argv, log, cwd=None, env=None):
        self.name, self.log = name, log
        with open(log, "ab") as f:
            self.p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, cwd=cwd,
                                      env=env)
        self.pid = self.p.pid

    def alive(self):
        return self.p.poll() is None

    def wait(self, timeout):
        """Exit status, or None if it still runs after timeout s."""
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, bound=10.0):
        """SIGTERM, then SIGKILL after bound s. @return the exit status
        (negative: the signal that ended it), None when even SIGKILL did
        not end it within 10 s (a thread stuck in the kernel)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            if self.wait(bound) is None:
                self.p.kill()
                self.wait(10)
        return self.p.returncode

    def text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def wait_for(pred, deadline_s, interval=0.1):
    """pred() until it is truthy (its value) or the deadline (None)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            v = pred()
        except (OSError, ValueError, KeyError, TypeError):
            v = None
        if v or time.monotonic() >= end:
            return v or None
        time.sleep(interval)


class SetupError(Exception):
    pass


class Lock:
    """One system test at a time per prefix on this host, across builds
    and engineers: the network namespaces and the DPDK file prefix are
    host-wide names."""

    def __init__(self, prefix, wait_s):
        os.makedirs("/run/lock", exist_ok=True)
        self.path = "/run/lock/voxgate-system-%s.lock" % prefix
        self.f = open(self.path, "w")
        end = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= end:
                    self.f.close()
                    raise SetupError(
                        "another system test has held %s for %.0f s"
                        % (self.path, wait_s))
                time.sleep(0.5)

    def release(self):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


class Appliance:
    """The appliance of the topology with its three namespaces."""

    def __init__(self, args, workdir):
        self.args = args
        self.work = workdir
        self.topo = args.topo_prefix
        self.v = topology_vars(self.topo)
        # a DPDK file prefix of our own: not the demo's, not a component
        # test's; vg-* hugepage files are swept by test/run-tests.sh
        self.prefix = "vg-sys-" + self.topo
        self.app = Netns(self.v["VG_NS_APP"])
        self.access = Netns(self.v["VG_NS_ACCESS"])
        self.core = Netns(self.v["VG_NS_CORE"])
        self.ip_access = self.v["VG_IP_APP_ACCESS"]      # 10.77.1.1
        self.ip_core = self.v["VG_IP_APP_CORE"]          # 10.77.2.1
        self.ip_caller = self.v["VG_IP_CALLER"]          # 10.77.1.10
        self.ip_callee = self.v["VG_IP_CALLEE"]          # 10.77.2.10
        self.conf = os.path.join(workdir, "voxgate.toml")
        self.cp_log = os.path.join(workdir, "voxgate.log")
        self.cdr = os.path.join(workdir, "cdr.jsonl")
        self.users = {}
        self.procs = []             # every Proc, in start order
        self.dp = self.cp = None
        self.cp_starts = 0
        self.problems = []          # unclean exits seen on the way
        self.notes = []             # what the driver prints as TAP comments
        self.net_up = False

    # -- configuration ----------------------------------------------------

    def write_config(self, users, replace=()):
        """demo.toml.in with demo.sh's substitutions, then the
        replacements (old, new) -- each must match, so a change of the
        template fails loudly -- then one [[user]] per (name, password)."""
        with open(TEMPLATE) as f:
            text = f.read()
        subst = {
            "PREFIX": self.prefix, "RUN_DIR": self.work,
            "ACCESS_DEV": self.v["VG_DEV_ACCESS"],
            "CORE_DEV": self.v["VG_DEV_CORE"],
            "ACCESS_IP": self.ip_access, "CORE_IP": self.ip_core,
            "CALLER_IP": self.ip_caller, "CALLEE_IP": self.ip_callee,
            "PLEN": self.v["VG_TOPO_PLEN"], "REALM": REALM,
        }
        for k, val in subst.items():
            text = text.replace("@%s@" % k, val)
        for old, new in replace:
            if old not in text:
                raise SetupError("demo.toml.in has no '%s' any more" % old)
            text = text.replace(old, new)
        for name, pw in users:
            text += '\n[[user]]\nname = "%s"\npassword = "%s"\n' % (name, pw)
            self.users[name] = pw
        with open(self.conf, "w") as f:
            f.write(text)
        r = subprocess.run([self.args.dp, "--check-config", self.conf],
                           capture_output=True, text=True, timeout=60)
        if r.stdout.strip() != "ok":
            raise SetupError("configuration %s: %s%s" % (self.conf, r.stdout,
                                                         r.stderr))

    def config_value(self, section, key):
        """A plain scalar of the configuration file (int when it is one)."""
        sect = None
        with open(self.conf) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line.startswith("["):
                    sect = line.strip("[]")
                elif sect == section and line.startswith(key + " "):
                    val = line.split("=", 1)[1].strip().strip('"')
                    return int(val) if val.isdigit() else val
        raise KeyError("%s.%s" % (section, key))

    # -- start and stop ---------------------------------------------------

    def up(self, users, replace=()):
        self.write_config(users, replace)
        r = topology(self.topo, "up")
        self.net_up = True
        if r.returncode != 0:
            raise SetupError("topology.sh up: " + r.stderr)
        self.start_dp()
        self.start_cp()
        # SIP reaches voxgate-cp through the exception path, both sides
        for ns, src, dst in ((self.access, self.ip_caller, self.ip_access),
                             (self.core, self.ip_callee, self.ip_core)):
            r = ns.run("python3", os.path.join(HERE, "vgdemo.py"), "options",
                       src, dst, 20, timeout=40)
            if r.returncode != 0:
                raise SetupError("no answer to OPTIONS from %s to %s: %s"
                                 % (src, dst, r.stderr))

    def _start(self, name, argv, log, **kw):
        p = Proc(name, argv, log, **kw)
        self.procs.append(p)
        return p

    def start_dp(self):
        self.dp = self._start("voxgate-dp", self.app.cmd(
            self.args.dp, "--config", self.conf),
            os.path.join(self.work, "voxgate-dp.out"))
        if not wait_for(lambda: "voxgate-dp: running" in self.dp.text()
                        or not self.dp.alive(), 90) or not self.dp.alive():
            raise SetupError("voxgate-dp did not start:\n"
                             + self.dp.text()[-3000:])
        for dev, addr in ((self.v["VG_IF_TAP_ACCESS"], self.ip_access),
                          (self.v["VG_IF_TAP_CORE"], self.ip_core)):
            if topology(self.topo, "vg_topo_wait_tap", dev, addr,
                        "20").returncode != 0:
                raise SetupError("TAP %s did not come up with %s"
                                 % (dev, addr))
        if vgdemo.cmd_wait_dp(self.prefix, 30) != 0:
            raise SetupError("the data plane's ports are not up")

    def cp_log_text(self):
        try:
            with open(self.cp_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start_cp(self, tries=3):
        """Start voxgate-cp; return once it runs with the data plane
        attached. A DPDK secondary cannot always map the primary's memory
        at the primary's addresses (the address may be taken in its own
        address space: ASan's shadow, libraries); voxgate-cp then logs
        "...; restart voxgate-cp" and runs without media. That is done
        here, up to tries times, each one noted in the TAP output."""
        for attempt in range(1, tries + 1):
            log0 = len(self.cp_log_text())
            self.cp_starts += 1
            self.cp = self._start("voxgate-cp", self.app.cmd(
                self.args.cp, "--config", self.conf),
                os.path.join(self.work, "voxgate-cp.out"))
            cp = self.cp

            def state():
                new = self.cp_log_text()[log0:]
                if "restart voxgate-cp" in new:
                    return "eal"
                if "running (realm" in new and "data plane attached" in new:
                    return "up"
                return None if cp.alive() else "exited"
            st = wait_for(state, 90)
            if st == "up":
                return
            if st == "eal" and attempt < tries:
                self.notes.append("voxgate-cp could not attach to voxgate-dp"
                                  " (start %d): %s; restarted as its log "
                                  "asks" % (attempt, cp.text().strip()
                                            .splitlines()[-1:]))
                self.stop_cp()
                continue
            raise SetupError("voxgate-cp did not start with the data plane "
                             "attached (%s):\n%s%s" % (
                                 st, cp.text()[-2000:],
                                 self.cp_log_text()[log0:][-2000:]))

    def stop_cp(self, bound=30.0):
        """SIGTERM to voxgate-cp. @return its exit status."""
        rc = self.cp.stop(bound)
        self.procs.remove(self.cp)
        self._check_exit(self.cp, rc)
        self.cp = None
        return rc

    def _check_exit(self, p, rc):
        if rc is None:
            self.problems.append("%s (pid %d) still there 10 s after "
                                 "SIGKILL" % (p.name, p.pid))
        elif rc != 0:
            self.problems.append("%s (pid %d) exit status %s:\n%s" % (
                p.name, p.pid, rc, p.text()[-2000:]))

    def down(self):
        """Stop everything (last started first), remove the network and
        what DPDK left. @return the problems seen: unclean exits of
        voxgate-dp / voxgate-cp, sanitizer reports."""
        for p in reversed(self.procs):
            alive = p.alive()
            rc = p.stop(30.0 if p.name == "voxgate-dp" else 10.0)
            if p.name.startswith("voxgate-") and (alive or rc != 0):
                self._check_exit(p, rc)
        self.procs = []
        for p in (os.path.join(self.work, n) for n in
                  ("voxgate-dp.out", "voxgate-cp.out", "voxgate.log")):
            try:
                with open(p, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            if any(m in text for m in SANITIZER_MARKS):
                self.problems.append("sanitizer report in %s:\n%s"
                                     % (p, text[-4000:]))
        if self.net_up:
            topology(self.topo, "down")
        for f in os.listdir("/dev/hugepages") if os.path.isdir(
                "/dev/hugepages") else []:
            if f.startswith(self.prefix + "map_"):
                try:
                    os.unlink(os.path.join("/dev/hugepages", f))
                except OSError:
                    pass
        shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)
        return self.problems

    # -- looking at it ----------------------------------------------------

    def ctl(self, *words, timeout=90):
        """voxgatectl --json WORDS in the appliance's namespace.
        @return (exit status, the JSON document or None, stderr)"""
        try:
            r = self.app.run(self.args.ctl, "--config", self.conf, "--json",
                             *words, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None, "voxgatectl %s: no answer in %d s" % (
                " ".join(words), timeout)
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            doc = None
        return r.returncode, doc, r.stderr + r.stdout[:2000]

    def ctl_doc(self, *words):
        rc, doc, err = self.ctl(*words)
        if rc != 0 or doc is None:
            raise RuntimeError("voxgatectl %s: exit %s: %s"
                               % (" ".join(words), rc, err))
        return doc

    def telemetry(self, cmd):
        return vgdemo.telemetry(self.prefix, cmd)

    def worker_drops(self):
        lc = self.telemetry("/voxgate/lcores") or {}
        return sum(lc.get(w + "_drops", 0) for w in vgdemo.workers(lc))

    def add_address(self, ns, ip):
        r = ns.run("ip", "addr", "add", "%s/%s" % (ip, self.v["VG_TOPO_PLEN"]),
                   "dev", self.v["VG_IF_PEER"])
        if r.returncode != 0:
            raise SetupError("ip addr add %s in %s: %s" % (ip, ns.name,
                                                          r.stderr))

    def cdrs(self):
        try:
            with open(self.cdr) as f:
                return [json.loads(l) for l in f if l.strip()]
        except (OSError, ValueError):
            return []

    # -- tools in the namespaces -----------------------------------------

    def sipp(self, ns, tag, scenario, args, timeout_s, remote=None):
        """SIPp in a namespace, in the background, bounded by -timeout;
        files tag_stat.csv, tag_errors.log, tag_messages.log."""
        base = os.path.join(self.work, tag)
        argv = ["sipp"] + ([remote] if remote else []) + [
            "-sf", os.path.join(HERE, "scenarios", scenario), "-t", "u1",
            "-nostdin", "-timeout", "%ds" % timeout_s, "-timeout_error",
            "-trace_stat", "-stf", base + "_stat.csv", "-trace_err",
            "-error_file", base + "_errors.log", "-trace_msg",
            "-message_file", base + "_messages.log",
            "-max_recv_loops", "1000"] + [str(a) for a in args]
        p = self._start("sipp-" + tag, ns.cmd(*argv), base + ".out",
                        cwd=self.work)
        p.stat = base + "_stat.csv"
        p.errors = base + "_errors.log"
        p.messages = base + "_messages.log"
        p.timeout_s = timeout_s
        return p

    def capture(self, ns, tag, bpf):
        """dumpcap on the far end's interface of a namespace; returns once
        it captures."""
        path = os.path.join(self.work, tag + ".pcapng")
        p = self._start("dumpcap-" + tag, ns.cmd(
            "dumpcap", "-i", self.v["VG_IF_PEER"], "-f", bpf, "-w", path),
            os.path.join(self.work, tag + ".out"))
        if not wait_for(lambda: "Capturing on" in p.text()
                        or not p.alive(), 30) or not p.alive():
            raise SetupError("dumpcap did not start: " + p.text())
        p.path = path
        return p


def file_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def rand_hex(n=8):
    return os.urandom(n).hex()
