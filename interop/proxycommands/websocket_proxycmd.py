#!/usr/bin/python3
"""ssh ProxyCommand: tunnel stdin/stdout over a binary WebSocket (ws://127.0.0.1:PORT/).
usage: websocket_proxycmd.py WS_PORT"""
import base64, hashlib, os, select, socket, struct, sys

port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), 10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: binary\r\n\r\n" % (port, key)).encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("websocket server closed: %r" % buf)
    buf += chunk
head, buf = buf.split(b"\r\n\r\n", 1)
lines = head.decode().split("\r\n")
if " 101 " not in lines[0]:
    sys.exit("no upgrade: " + lines[0])
accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
if hdrs.get("sec-websocket-accept") != accept:
    sys.exit("bad Sec-WebSocket-Accept")
sys.stderr.write("websocket: %s, protocol=%s\n" % (lines[0], hdrs.get("sec-websocket-protocol")))
s.settimeout(None)

def xor_mask(data, mask):
    n = len(data)
    if n == 0:
        return data
    m = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(m, "big")).to_bytes(n, "big")

def send_frame(opcode, payload):
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        hdr = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        hdr = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        hdr = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    masked = xor_mask(payload, mask)
    s.sendall(hdr + mask + masked)

def parse(buf):
    """returns (frames, rest); frames = list of (opcode, payload)"""
    out = []
    while len(buf) >= 2:
        b0, b1 = buf[0], buf[1]
        n = b1 & 0x7F
        off = 2
        if n == 126:
            if len(buf) < 4: break
            n = struct.unpack("!H", buf[2:4])[0]; off = 4
        elif n == 127:
            if len(buf) < 10: break
            n = struct.unpack("!Q", buf[2:10])[0]; off = 10
        if b1 & 0x80:
            if len(buf) < off + 4: break
            mask = buf[off:off + 4]; off += 4
        else:
            mask = None
        if len(buf) < off + n: break
        payload = buf[off:off + n]
        if mask:
            payload = xor_mask(payload, mask)
        out.append((b0 & 0x0F, payload))
        buf = buf[off + n:]
    return out, buf

inp = True
while True:
    frames, buf = parse(buf)
    for op, payload in frames:
        if op in (0, 1, 2):
            os.write(1, payload)
        elif op == 8:
            sys.exit(0)
        elif op == 9:
            send_frame(10, payload)
    r, _, _ = select.select([0, s] if inp else [s], [], [])
    if 0 in r:
        d = os.read(0, 16384)
        if d:
            send_frame(2, d)
        else:
            inp = False
            send_frame(8, b"")
    if s in r:
        d = s.recv(65536)
        if not d:
            break
        buf += d
