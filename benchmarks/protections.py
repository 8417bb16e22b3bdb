#!/usr/bin/env python3
"""Hostile peers for measuring a server's protections by hand (docs/measurements.md, "Protections, measured"); loopback only.

  protections.py writer PORT SECONDS     write up to 1 GiB, never read; say what ended it
  protections.py slowloris PORT SECONDS  one byte a second, never a newline; how long the connection lived
  protections.py idle PORT SECONDS       connect and send nothing; how long until the server closed
  protections.py flood PORT [N]          N (1,000,000) 64-byte UDP datagrams from one socket, as fast as possible
  protections.py emfile PORT PID         300 connections to a server short of descriptors: its CPU meanwhile, then
                                         the time from closing them to a new connection's echo
  protections.py limit PORT              300 connections at once: how many are echoed, how many closed at once

Not run by the build. Read the server's memory meanwhile with /proc/PID/status or the harness's loadgen proctree.
"""
import os
import select
import socket
import sys
import time

HOST = "127.0.0.1"


def writer(port, limit):
    s = socket.create_connection((HOST, port))
    s.setblocking(False)
    chunk, total, goal = b"x" * 65536, 0, 1 << 30
    t0 = last = time.time()
    end = "gave up"
    while total < goal and time.time() - t0 < limit:
        if not select.select([], [s], [], 0.5)[1]:
            continue
        try:
            total += s.send(chunk)
        except OSError as e:
            end = type(e).__name__
            break
        last = time.time()
    else:
        end = "wrote 1 GiB" if total >= goal else end
    now = time.time()
    print(f"end={end} bytes_written={total} elapsed={now - t0:.1f}s stalled_for={now - last:.1f}s")


def slowloris(port, limit):
    s = socket.create_connection((HOST, port))
    s.settimeout(1.0)
    t0, sent, end = time.time(), 0, "gave up"
    while time.time() - t0 < limit:
        try:
            s.send(b"a")
            sent += 1
            if s.recv(100) == b"":
                end = "closed by the server"
                break
        except socket.timeout:
            pass
        except OSError as e:
            end = type(e).__name__
            break
    print(f"end={end} lived={time.time() - t0:.1f}s bytes_sent={sent}")


def idle(port, limit):
    s = socket.create_connection((HOST, port))
    s.settimeout(limit)
    t0 = time.time()
    try:
        end = "closed by the server" if s.recv(1) == b"" else "data"
    except socket.timeout:
        end = "gave up"
    except OSError as e:
        end = type(e).__name__
    print(f"end={end} lived={time.time() - t0:.1f}s")


def flood(port, n=1_000_000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((HOST, port))
    msg, errors, t0 = b"x" * 64, 0, time.time()
    for _ in range(n):
        try:
            s.send(msg)
        except OSError:
            errors += 1
    t = time.time() - t0
    print(f"sent={n - errors} errors={errors} in {t:.1f}s ({(n - errors) / t:,.0f}/s)")


def echoes(s, timeout):
    s.settimeout(timeout)
    s.sendall(b"ping")
    got = b""
    while len(got) < 4:
        d = s.recv(4 - len(got))
        if not d:
            return False
        got += d
    return got == b"ping"


def emfile(port, pid):
    tick = os.sysconf("SC_CLK_TCK")

    def cpu():
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    conns = [socket.create_connection((HOST, port), timeout=5) for _ in range(300)]
    time.sleep(2)
    c0, t0 = cpu(), time.time()
    time.sleep(10)
    print(f"server CPU while out of descriptors: {100 * (cpu() - c0) / (time.time() - t0):.1f}% of a core")
    print("first connection still echoes:", echoes(conns[0], 3))
    try:
        print("last connection echoed within 1 s:", echoes(conns[-1], 1))
    except OSError as e:
        print("last connection not echoed within 1 s:", type(e).__name__)
    for s in conns:
        s.close()
    tc, attempt = time.time(), 0
    while time.time() - tc < 60:
        attempt += 1
        try:
            if echoes(socket.create_connection((HOST, port), timeout=5), 5):
                print(f"a new connection echoed {time.time() - tc:.2f}s after closing the 300 (attempt {attempt})")
                return
        except OSError as e:
            print("attempt", attempt, type(e).__name__)
    print("no echo within 60 s")


def limit(port):
    conns = [socket.create_connection((HOST, port), timeout=3) for _ in range(300)]
    time.sleep(1)
    ok = closed = 0
    for s in conns:
        try:
            ok += echoes(s, 3)
        except OSError:
            closed += 1
    print(f"echoed={ok} closed_by_server={len(conns) - ok} (reset: {closed})")


if __name__ == "__main__":
    cmd, args = sys.argv[1], [float(a) if "." in a else int(a) for a in sys.argv[2:]]
    {"writer": writer, "slowloris": slowloris, "idle": idle, "flood": flood, "emfile": emfile, "limit": limit}[cmd](*args)
