#!/usr/bin/env python3
"""The path impairments this kernel's missing netem would make: a TUN device in the router's
namespace that the router sends the forwarded connections' packets into (both directions,
by policy routing: topology.py), and this loop, which writes each packet back into the same
device later, where the kernel routes it on. Every packet is delayed (a base delay plus
jitter, which reorders packets sent close together), some are held back longer (reordered
behind later ones), and some are written twice (duplicated).

  forwarder.py --dev fwd0 [--delay 0.02] [--jitter 0.015] [--reorder 0.03] [--duplicate 0.02] [--seed N]
Runs until killed; prints its counts on SIGTERM.
"""
import argparse
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="fwd0")
    ap.add_argument("--delay", type=float, default=0.02)
    ap.add_argument("--jitter", type=float, default=0.015)
    ap.add_argument("--reorder", type=float, default=0.03, help="share held back an extra 2-4 delays")
    ap.add_argument("--duplicate", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    fd = open_tun(a.dev)
    queue, seq = [], 0
    counts = {"packets": 0, "reordered": 0, "duplicated": 0}

    def report(*_):
        print(f"forwarder: {counts}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)
    print(f"forwarder: {a.dev} up", flush=True)
    while True:
        now = time.monotonic()
        timeout = max(0.0, queue[0][0] - now) if queue else 1.0
        readable, _, _ = select.select([fd], [], [], timeout)
        if readable:
            packet = os.read(fd, 65535)
            counts["packets"] += 1
            due = time.monotonic() + a.delay + rng.uniform(0, a.jitter)
            if rng.random() < a.reorder:
                due += a.delay * rng.uniform(2, 4)
                counts["reordered"] += 1
            copies = 2 if rng.random() < a.duplicate else 1
            counts["duplicated"] += copies - 1
            for i in range(copies):
                heapq.heappush(queue, (due + i * a.jitter, seq, packet))
                seq += 1
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, packet = heapq.heappop(queue)
            os.write(fd, packet)


if __name__ == "__main__":
    main()
