#!/usr/bin/python3
"""ssh ProxyCommand: tunnel stdin/stdout through an HTTP CONNECT proxy on 127.0.0.1.
usage: http_connect_proxycmd.py PROXY_PORT HOST PORT [USER:PASSWORD]"""
import base64, os, select, socket, sys

proxy_port, host, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
auth = sys.argv[4] if len(sys.argv) > 4 else None
s = socket.create_connection(("127.0.0.1", proxy_port), 10)
req = "CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n" % (host, port, host, port)
if auth:
    req += "Proxy-Authorization: Basic %s\r\n" % base64.b64encode(auth.encode()).decode()
s.sendall((req + "\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("proxy closed the connection: %r" % buf)
    buf += chunk
head, rest = buf.split(b"\r\n\r\n", 1)
status = head.split(b"\r\n")[0].decode()
if " 200 " not in status + " ":
    sys.exit("proxy refused: " + status)
sys.stderr.write("proxy: %s\n" % status)
s.settimeout(None)
if rest:
    os.write(1, rest)
inp = True
while True:
    r, _, _ = select.select([0, s] if inp else [s], [], [])
    if 0 in r:
        d = os.read(0, 65536)
        if d:
            s.sendall(d)
        else:
            inp = False
            s.shutdown(socket.SHUT_WR)
    if s in r:
        d = s.recv(65536)
        if not d:
            break
        os.write(1, d)
