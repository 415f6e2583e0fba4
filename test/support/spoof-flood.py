#!/usr/bin/env python3
# A spoofing IAX2 NEW flood for the adversarial tests and the security bench (docs/security.md §7): raw IPv4/UDP
# datagrams (IP_HDRINCL, so root only) whose source address and port are forged, sent on loopback at a fixed rate for
# a bounded time. Each is a NEW from a random call number and a random source port, carrying an empty CALLTOKEN (it
# asks for a token: the reply goes to the forged source), a forged token, or none. Written for these tests; it is
# not part of Redial.
#
#   spoof-flood.py --dst-port N --rate PER_S --seconds S [--src 127.0.0.1] [--dst 127.0.0.1] [--size BYTES]
#                  [--src-ports P1,P2,...]   (forged source ports drawn from this list; default: any 1024-65535)
#
# Prints one JSON line when done: {"sent": packets, "bytes": UDP payload bytes, "seconds": elapsed}.
import argparse
import json
import random
import socket
import struct
import time


def ie(t, data):
    return bytes([t, len(data)]) + data


def new_frame(rng, size):
    scall = rng.randint(2, 32767)
    header = struct.pack('>HHIBBBB', 0x8000 | scall, 0, rng.randint(0, 1 << 20), 0, 0, 6, 1)
    kind = rng.random()
    if kind < 0.6:
        token = ie(54, b'')  # asks for a token
    elif kind < 0.9:
        token = ie(54, b'%x?%s' % (int(time.time()), bytes(rng.choice(b'abcdefghABCDEFGH0123456789') for _ in range(16))))
    else:
        token = b''  # no call-token support
    ies = ie(11, b'\x00\x02') + ie(1, b'1001') + ie(2, str(rng.randint(1000, 9999)).encode()) + ie(9, b'\x00\x00\x00\x04') \
        + ie(8, b'\x00\x00\x00\x04')
    pad = max(0, size - len(header) - len(ies) - len(token) - 2)
    if pad:
        ies += ie(4, bytes(rng.choice(b'abcdefghijklmnopqrstuvwxyz') for _ in range(min(pad, 255))))
    return header + ies + token


def udp_packet(src, sport, dst, dport, payload):
    # The kernel fills in the IP checksum and total length (raw(7), IP_HDRINCL); UDP checksum 0 = none (RFC 768).
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 0, 0, 0, 64, socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
    udp = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0)
    return ip + udp + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dst', default='127.0.0.1')
    p.add_argument('--dst-port', type=int, required=True)
    p.add_argument('--src', default='127.0.0.1')
    p.add_argument('--rate', type=float, required=True)
    p.add_argument('--seconds', type=float, required=True)
    p.add_argument('--size', type=int, default=80)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--src-ports', default='')
    a = p.parse_args()
    if a.seconds > 30 or a.rate > 20000:
        raise SystemExit('bounded: at most 30 s and 20000 packets/s')
    rng = random.Random(a.seed)
    ports = [int(x) for x in a.src_ports.split(',') if x]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    total = 0
    start = time.monotonic()
    tick = 0.002
    while True:
        now = time.monotonic() - start
        if now >= a.seconds:
            break
        due = a.rate * now
        while sent < due:
            payload = new_frame(rng, a.size)
            sport = rng.choice(ports) if ports else rng.randint(1024, 65535)
            s.sendto(udp_packet(a.src, sport, a.dst, a.dst_port, payload), (a.dst, 0))
            sent += 1
            total += len(payload)
        time.sleep(tick)
    print(json.dumps({'sent': sent, 'bytes': total, 'seconds': round(time.monotonic() - start, 3)}))


if __name__ == '__main__':
    main()
