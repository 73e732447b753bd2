#!/usr/bin/env python3
"""Generates a field corpus: real clients against real servers in network namespaces, one
capture of all their connections, the clients' key logs, and a ground-truth line per
connection taken from the peers (their exit statuses, output and logs), never from
tlsdoctor.

  sudo field/generate.py OUT [--connections 2000] [--parallel 24] [--seed 1] [--small]
                             [--no-forwarder]

OUT gets: corpus.pcapng (the server side's interface), corpus.keylog (every client's
secrets), truth.jsonl (one line per connection, keyed by the server address), pki/, logs/.
--small makes the committed sample (a few dozen connections, every scenario once).
Run check.py on OUT afterwards. Needs root, ip, iptables, dumpcap and the peers.
"""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import clients
import servers
from topology import Topology, address, PATHS

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_TIMEOUT = 8
STALL_TIMEOUT = 2


def combos():
    """Every (client, server, scenario) the mix has."""
    result = []
    for scenario, (config, _, _) in clients.SCENARIOS.items():
        for client in clients.CLIENTS:
            for server in servers.SERVERS:
                if not servers.supports(server, config) or (client, scenario) in clients.UNSUPPORTED:
                    continue
                if scenario == "blackhole" and server not in ("python", "nginx", "go"):
                    continue  # a handshake timeout of 3 s, or none (s_server, gnutls-serv)
                if scenario == "killed" and server not in servers.LOGGING:
                    continue  # only they log each connection's end for the truth
                result.append((client, server, scenario))
    return result


def path_for(scenario, rng, forwarder):
    if scenario == "blackhole":
        return "blackhole"
    if scenario == "killed":
        return "forwarded" if forwarder else "clean"
    paths = ["clean", "clean", "loss"] + (["forwarded"] if forwarder else [])
    return rng.choice(paths)


def plan(count, small, seed, forwarder):
    rng = random.Random(seed)
    all_combos = combos()
    if small:
        # Every scenario with three clients and three servers, taken in turn. No Chromium
        # (seconds to start, more than one connection to an address), no Java (no key
        # log, and its padded TLS 1.3 alerts are a known miss: MISMATCHES.md).
        by_scenario = {}
        for client, server, scenario in all_combos:
            if "chromium" not in (client, server) and "java" not in (client, server):
                by_scenario.setdefault(scenario, {}).setdefault(client, []).append(server)
        chosen, turn = [], 0
        for scenario, by_client in by_scenario.items():
            names = sorted(by_client)
            for j in range(3):
                client = names[(turn + j) % len(names)]
                options = by_client[client]
                chosen.append((client, options[(turn + j) % len(options)], scenario))
            turn += 3
    else:
        # Chromium is slow to start: one of its combinations in four.
        mix = [c for i, c in enumerate(all_combos) if c[0] != "chromium" or i % 4 == 0]
        chosen = [mix[i % len(mix)] for i in range(count)]
    rng.shuffle(chosen)
    jobs, counters = [], {p: 0 for p in PATHS}
    for i, (client, server, scenario) in enumerate(chosen):
        path = "clean" if small and scenario not in ("blackhole",) else path_for(scenario, rng, forwarder)
        addr = address(path, counters[path])
        counters[path] += 1
        config = clients.SCENARIOS[scenario][0]
        jobs.append({"id": i + 1, "server_addr": addr, "port": servers.port(server, config),
                     "client": client, "server": server, "config": config, "scenario": scenario,
                     "path": path, "kill_after": round(rng.uniform(0.005, 0.25), 3) if scenario == "killed" else None})
    return jobs


CHROMIUM_SLOTS = threading.Semaphore(clients.CHROMIUM_AT_ONCE)


def run_job(job, topo, out, pki):
    if job["client"] == "chromium":
        with CHROMIUM_SLOTS:
            return run_one(job, topo, out, pki, clients.CHROMIUM_TIMEOUT)
    return run_one(job, topo, out, pki, STALL_TIMEOUT if job["scenario"] == "stall" else CLIENT_TIMEOUT)


def run_one(job, topo, out, pki, timeout):
    keylog = f"{out}/keys/{job['id']}.keylog"
    argv, stdin = clients.argv(job["client"], job["scenario"], job["server_addr"], job["port"],
                               pki, keylog, HERE, timeout, out)
    env = dict(os.environ, SSLKEYLOGFILE=keylog)
    logpath = f"{out}/logs/clients/{job['id']}.log"
    started = time.time()
    with open(logpath, "wb") as log:
        p = subprocess.Popen(["ip", "netns", "exec", topo.cli] + argv, env=env, stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.PIPE, start_new_session=True)
        try:
            if stdin:
                p.stdin.write(stdin)
                p.stdin.flush()
        except BrokenPipeError:
            pass
        status = None
        try:
            if job["kill_after"] is not None:
                time.sleep(job["kill_after"])
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    status = None
                else:
                    status = p.returncode
                killed = status is None
            else:
                # stdin stays open until the client is done: gnutls-cli would stop
                # reading at its end, before the answer.
                status = p.wait(timeout=timeout + 5)
                killed = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            status, killed = "hung", False
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
    with open(logpath, errors="replace") as f:
        output = f.read()
    if status == "hung":
        outcome, evidence = "failed", f"no end after {timeout + 5}s; killed by the generator"
    elif killed:
        outcome, evidence = "killed", f"SIGKILL after {job['kill_after']}s"
    else:
        outcome, evidence = clients.verdict(job["client"], status, output)
    return dict(job, expected=clients.SCENARIOS[job["scenario"]][1], exit=status, client_says=outcome, client_evidence=evidence,
                seconds=round(time.time() - started, 3))


def server_logs(out):
    """The logging servers' line per connection (peer.py, Go, Node.js), by server address."""
    by_addr = {}
    for path in glob.glob(f"{out}/logs/*-*.jsonl"):
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                by_addr.setdefault(r.get("server"), []).append(r)
    return by_addr


def ground_truth(record, server_says):
    """The handshake's outcome as the peers tell it: a failure either peer reports is a
    failure; a killed client's connection is what its server saw."""
    says = [s["handshake"] for s in server_says]
    record["server_says"] = [{k: v for k, v in s.items() if k != "server"} for s in server_says]
    if record["client_says"] == "killed":
        record["truth"] = says[0] if len(says) == 1 else ("unknown" if not says else "failed" if "failed" in says else "ok")
        if not says:
            record["truth_note"] = "killed before the server accepted a connection"
    elif record["client_says"] == "failed" or "failed" in says:
        record["truth"] = "failed"
    else:
        record["truth"] = "ok"
    return record


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--connections", type=int, default=2000)
    ap.add_argument("--parallel", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--no-forwarder", action="store_true")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    for d in ("logs/clients", "keys", "hosts"):
        os.makedirs(f"{out}/{d}")
    pki = f"{out}/pki"
    subprocess.run([f"{HERE}/pki.sh", pki], check=True)
    nss_homes(out, pki)
    # The Go and Java peers, built from their source for this run.
    os.makedirs(f"{out}/bin")
    subprocess.run(["javac", "-d", f"{out}/bin", f"{HERE}/peers/FieldPeer.java"], check=True)
    subprocess.run(["go", "build", "-o", f"{out}/bin/go-peer", f"{HERE}/peers/go-peer.go"], check=True,
                   env=dict(os.environ, GO111MODULE="off", GOCACHE=os.environ.get("GOCACHE", "/tmp/field-go-cache")))
    forwarder = not a.no_forwarder and not a.small
    jobs = plan(a.connections, a.small, a.seed, forwarder)
    topo = Topology(str(os.getpid()))
    procs = []
    try:
        topo.up()
        if forwarder:
            procs.append(start_forwarder(topo, out, a.seed))
        for server in servers.SERVERS:
            procs += servers.start(server, topo.srv, pki, out, HERE)
        dumpcap = subprocess.Popen(
            ["ip", "netns", "exec", topo.srv, "dumpcap", "-q", "-i", topo.server_if, "-B", "64",
             "-f", "tcp and net 10.80.0.0/14", "-w", f"{out}/corpus.pcapng"],
            stdout=subprocess.DEVNULL, stderr=open(f"{out}/logs/dumpcap.log", "w"))
        wait_ready(topo, out)
        print(f"{len(jobs)} connections, {a.parallel} at a time", file=sys.stderr)
        started = time.time()
        done = []
        lock = threading.Lock()

        def one(job):
            r = run_job(job, topo, out, pki)
            with lock:
                done.append(r)
                if len(done) % 200 == 0:
                    print(f"  {len(done)} done, {time.time() - started:.0f}s", file=sys.stderr)
            return r

        with ThreadPoolExecutor(a.parallel) as pool:
            list(pool.map(one, jobs))
        print(f"clients done in {time.time() - started:.0f}s", file=sys.stderr)
        # The servers' idle timeouts and the last FINs and retransmissions.
        time.sleep(5)
        dumpcap.send_signal(signal.SIGTERM)
        dumpcap.wait(timeout=20)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        topo.down()
    logs = server_logs(out)
    with open(f"{out}/truth.jsonl", "w") as f:
        for r in sorted(done, key=lambda r: r["id"]):
            f.write(json.dumps(ground_truth(r, logs.get(r["server_addr"], []))) + "\n")
    with open(f"{out}/corpus.keylog", "w") as f:
        for path in sorted(glob.glob(f"{out}/keys/*.keylog"), key=lambda p: int(os.path.basename(p).split(".")[0])):
            with open(path) as k:
                f.write(k.read())
    print(f"wrote {out}/corpus.pcapng, corpus.keylog, truth.jsonl", file=sys.stderr)


def nss_homes(out, pki):
    """Chromium's trust: an NSS database under a HOME that trusts the run's CA, and one
    that trusts the rogue CA instead (wrong-ca)."""
    for name, ca in (("ca", "ca.pem"), ("rogue", "rogue-ca.pem")):
        db = f"{out}/chromium-home-{name}/.pki/nssdb"
        os.makedirs(db)
        subprocess.run(["certutil", "-d", f"sql:{db}", "-N", "--empty-password"], check=True)
        subprocess.run(["certutil", "-d", f"sql:{db}", "-A", "-t", "C,,", "-n", name, "-i", f"{pki}/{ca}"], check=True)


def start_forwarder(topo, out, seed):
    log = open(f"{out}/logs/forwarder.log", "w")
    p = subprocess.Popen(["ip", "netns", "exec", topo.rtr, "python3", f"{HERE}/forwarder.py",
                          "--dev", "fwd0", "--seed", str(seed)],
                         stdout=log, stderr=subprocess.STDOUT)
    for _ in range(50):
        if subprocess.run(["ip", "-n", topo.rtr, "link", "show", "fwd0"], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    topo.route_through_tun("fwd0")
    return p


def wait_ready(topo, out):
    """Until every server port listens and dumpcap captures."""
    want = {servers.port(s, c) for s in servers.SERVERS for c in servers.CONFIGS if servers.supports(s, c)}
    for _ in range(100):
        ss = subprocess.run(["ip", "netns", "exec", topo.srv, "ss", "-ltnH"], capture_output=True, text=True).stdout
        listening = {int(l.split()[3].rsplit(":", 1)[1]) for l in ss.splitlines() if l.strip()}
        if want <= listening:
            time.sleep(1)
            return
        time.sleep(0.1)
    raise SystemExit(f"servers not listening: {sorted(want - listening)}; see {out}/logs")


if __name__ == "__main__":
    main()
