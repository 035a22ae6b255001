#!/usr/bin/env bash
# start.sh DIR
#
# Creates keys, certificates and configs in DIR and starts, on 127.0.0.1 only:
#   sshd A      host certificate with principals 127.0.0.1,localhost,interop-session
#   sshd B      host certificate with no principals at all
#   sshd weak   only SHA-1 and CBC algorithms, RSA host key (a server Sandgate must refuse by default)
#   sshd sha1   host certificate signed with ssh-rsa (SHA-1) by an RSA host CA (to be refused too)
#   tinyproxy   HTTP CONNECT proxy with Basic auth
#   squid       HTTP CONNECT proxy without auth
#   websockify  WebSocket (binary, no TLS) -> sshd A
#   sshd plain  E2B's recipe: a plain host key only (no host certificate, no user CAs), one
#               user key (made here) in its AuthorizedKeysFile
#   websockify-plain  WebSocket (binary, no TLS) -> sshd plain
# then writes DIR/peers.properties and DIR/pids ("name pid" per line).
#
# Run install.sh first. Needs root (sshd, creating the test user).
# Stop everything with stop.sh DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ME=start.sh

die() { echo "$ME: ERROR: $*" >&2; exit 1; }
log() { echo "$ME: $*"; }

[[ $# -eq 1 && -n $1 ]] || die "usage: start.sh DIR"
[[ $(id -u) -eq 0 ]] || die "must run as root (sshd and the test user need it)"

TEST_USER=${SANDGATE_IT_USER:-sandgate-it}
HOST_PRINCIPALS_A="127.0.0.1,localhost,interop-session"
VALIDITY="-5m:+1d"
WAIT_SECONDS=30
MARKER=.sandgate-interop   # marks a DIR as ours, so that we may empty it

/usr/bin/python3 -c 'import cryptography' 2>/dev/null || die "python3-cryptography missing: run install.sh first"
for bin in /usr/sbin/sshd /usr/bin/ssh-keygen /usr/sbin/squid /usr/bin/tinyproxy /usr/bin/websockify setpriv setsid base64; do
    command -v "$bin" >/dev/null || die "$bin not found: run install.sh first"
done

# --- DIR ---------------------------------------------------------------------
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
[[ $DIR != / ]] || die "refusing to use / as DIR"

if [[ -e $DIR/$MARKER ]]; then
    # A previous run: stop whatever of it still runs (stop.sh only kills pids
    # it recorded and whose start time still matches), then start afresh.
    if [[ -s $DIR/pids ]]; then
        log "DIR already holds a set of peers: stopping it first"
        bash "$HERE/stop.sh" "$DIR"
    fi
    find "$DIR" -mindepth 1 -delete
elif [[ -n $(ls -A "$DIR") ]]; then
    die "$DIR is not empty and was not made by start.sh; give an empty or new directory"
fi
touch "$DIR/$MARKER"
# squid runs as user 'proxy' and must reach DIR/squid: DIR itself must be
# traversable (keys inside keep their own 0600 mode).
chmod 755 "$DIR"
# Squid refuses to run as root: it drops to 'proxy', so its writable files
# live in DIR/squid owned by proxy. Check that now, before starting anything.
mkdir "$DIR/squid"
chown proxy:proxy "$DIR/squid"
setpriv --reuid=proxy --regid=proxy --clear-groups test -w "$DIR/squid" ||
    die "user 'proxy' cannot write $DIR/squid: put DIR where every parent directory is world-searchable (e.g. not under /root)"

# If anything below fails, stop what was already started.
started_ok=no
cleanup_on_failure() {
    if [[ $started_ok != yes && -s $DIR/pids ]]; then
        echo "$ME: start failed, stopping the peers already started" >&2
        bash "$HERE/stop.sh" "$DIR" >&2 || true
    fi
}
trap cleanup_on_failure EXIT

# --- keys and certificates ---------------------------------------------------
mkdir -m 700 "$DIR/ca" "$DIR/host"
keygen() { # keygen FILE TYPE [BITS] COMMENT: OpenSSH format, no passphrase
    local file=$1 type=$2 bits=$3 comment=$4
    /usr/bin/ssh-keygen -q -t "$type" ${bits:+-b "$bits"} -N '' -C "$comment" -f "$file"
}
keygen "$DIR/ca/user-ca-ed25519" ed25519 "" "sandgate-interop user CA ed25519"
keygen "$DIR/ca/user-ca-ecdsa" ecdsa 256 "sandgate-interop user CA ecdsa-p256"
keygen "$DIR/ca/user-ca-rsa" rsa 3072 "sandgate-interop user CA rsa-3072"
keygen "$DIR/ca/host-ca-ed25519" ed25519 "" "sandgate-interop host CA ed25519"
keygen "$DIR/ca/host-ca-rsa" rsa 3072 "sandgate-interop host CA rsa-3072 (signs with SHA-1)"
cat "$DIR/ca/user-ca-ed25519.pub" "$DIR/ca/user-ca-ecdsa.pub" "$DIR/ca/user-ca-rsa.pub" \
    >"$DIR/ca/trusted-user-ca-keys.pub"
# The same CA private keys as unencrypted PKCS#8 PEM (NAME.pkcs8.pem), which
# Java's KeyFactory reads directly (RSA, EC, Ed25519).
/usr/bin/python3 - "$DIR/ca/user-ca-ed25519" "$DIR/ca/user-ca-ecdsa" "$DIR/ca/user-ca-rsa" "$DIR/ca/host-ca-ed25519" <<'PY'
import os, sys
from cryptography.hazmat.primitives import serialization as s
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        key = s.load_ssh_private_key(f.read(), password=None)
    pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
    fd = os.open(path + ".pkcs8.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
PY

# One host key, two certificates for it (ssh-keygen -s writes NAME-cert.pub
# next to NAME.pub, hence the two copies of the public key).
keygen "$DIR/host/ssh_host_ed25519_key" ed25519 "" "sandgate-interop host key"
cp "$DIR/host/ssh_host_ed25519_key.pub" "$DIR/host/host-a.pub"
cp "$DIR/host/ssh_host_ed25519_key.pub" "$DIR/host/host-b.pub"
/usr/bin/ssh-keygen -q -s "$DIR/ca/host-ca-ed25519" -h -I "sandgate-interop host A" -z 1 \
    -n "$HOST_PRINCIPALS_A" -V "$VALIDITY" "$DIR/host/host-a.pub"
# B: deliberately no -n, i.e. a host certificate without principals.
/usr/bin/ssh-keygen -q -s "$DIR/ca/host-ca-ed25519" -h -I "sandgate-interop host B" -z 2 \
    -V "$VALIDITY" "$DIR/host/host-b.pub"
# sha1: the same key, certified by the RSA host CA with an ssh-rsa (SHA-1) signature.
cp "$DIR/host/ssh_host_ed25519_key.pub" "$DIR/host/host-sha1.pub"
/usr/bin/ssh-keygen -q -s "$DIR/ca/host-ca-rsa" -t ssh-rsa -h -I "sandgate-interop host sha1" -z 3 \
    -n "$HOST_PRINCIPALS_A" -V "$VALIDITY" "$DIR/host/host-sha1.pub"
# weak: an RSA host key (certified by the ed25519 host CA), offered only with SHA-1 signatures.
keygen "$DIR/host/ssh_host_rsa_key" rsa 2048 "sandgate-interop weak host key"
cp "$DIR/host/ssh_host_rsa_key.pub" "$DIR/host/host-weak.pub"
/usr/bin/ssh-keygen -q -s "$DIR/ca/host-ca-ed25519" -h -I "sandgate-interop host weak" -z 4 \
    -n "$HOST_PRINCIPALS_A" -V "$VALIDITY" "$DIR/host/host-weak.pub"
printf '@cert-authority * %s\n' "$(cat "$DIR/ca/host-ca-ed25519.pub")" >"$DIR/known_hosts"
# plain (E2B's recipe): a host key of its own with no certificate, and one user key that its
# AuthorizedKeysFile lists. sshd reads that file as the user, so DIR/plain and the file are
# world-readable; the private user key stays 0600.
keygen "$DIR/host/ssh_host_plain_ed25519_key" ed25519 "" "sandgate-interop plain host key"
mkdir -m 755 "$DIR/plain"
keygen "$DIR/plain/user-ed25519" ed25519 "" "sandgate-interop plain user key"
cp "$DIR/plain/user-ed25519.pub" "$DIR/plain/authorized_keys"
chmod 644 "$DIR/plain/authorized_keys"

# --- test user ---------------------------------------------------------------
if ! id -u "$TEST_USER" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --comment "Sandgate interop test user" "$TEST_USER"
    log "created user $TEST_USER"
fi
TEST_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
[[ $(getent passwd "$TEST_USER" | cut -d: -f7) == /bin/bash ]] || usermod --shell /bin/bash "$TEST_USER"
if [[ ! -d $TEST_HOME ]]; then
    mkdir -p "$TEST_HOME"
    chown "$TEST_USER:" "$TEST_HOME"
    chmod 755 "$TEST_HOME"
fi
# useradd leaves the password field "!" (locked). With UsePAM no, sshd refuses
# every login, keys included, to a locked account; "*" = no password, not locked.
if [[ $(getent shadow "$TEST_USER" | cut -d: -f2) == '!'* ]]; then
    usermod --password '*' "$TEST_USER"
fi

# --- ports -------------------------------------------------------------------
# Ask the kernel for free ports, holding all sockets open so they differ. CLOSED_PORT stays closed: the proxies
# allow CONNECT to it, so that a test can see how they answer for an SSH server that is not there.
read -r SSHD_A_PORT SSHD_B_PORT TINYPROXY_PORT SQUID_PORT WEBSOCKIFY_PORT CLOSED_PORT SSHD_WEAK_PORT SSHD_SHA1_PORT \
    SSHD_PLAIN_PORT WEBSOCKIFY_PLAIN_PORT < <(
    /usr/bin/python3 -c '
import socket
socks = []
for _ in range(10):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
')

# --- process handling --------------------------------------------------------
: >"$DIR/pids"
: >"$DIR/pids.starttime"
starttime_of() { # field 22 of /proc/PID/stat (after the "(comm)" field)
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}
launch() { # launch NAME OUTFILE CMD...: own session, no tty, stdio to OUTFILE
    local name=$1 out=$2
    shift 2
    # Non-interactive bash: the background child is not a process group leader,
    # so setsid(1) does not fork and $! is the daemon's own pid.
    setsid "$@" </dev/null >>"$out" 2>&1 &
    local pid=$!
    echo "$name $pid" >>"$DIR/pids"
    echo "$pid $(starttime_of "$pid" || echo 0)" >>"$DIR/pids.starttime"
}

# --- sshd --------------------------------------------------------------------
mkdir -p /run/sshd && chmod 0755 /run/sshd   # privilege separation directory
# How users log in to every sshd but plain.
CERTIFICATE_LOGIN="# Users log in with certificates from any of the three user CAs. With
# AuthorizedPrincipalsFile none a certificate must list the user name
# ($TEST_USER) among its principals. Plain keys in ~/.ssh/authorized_keys
# work too (default AuthorizedKeysFile).
TrustedUserCAKeys $DIR/ca/trusted-user-ca-keys.pub
AuthorizedPrincipalsFile none"
# write_sshd_config NAME PORT [HOSTKEY [EXTRA [LOGIN]]]: EXTRA lines replace the host certificate (empty: none),
# LOGIN lines replace CERTIFICATE_LOGIN.
write_sshd_config() {
    local name=$1 port=$2 hostkey=${3:-ssh_host_ed25519_key} extra=${4-"HostCertificate $DIR/host/host-$1-cert.pub"}
    local login=${5:-$CERTIFICATE_LOGIN}
    cat >"$DIR/sshd-$name.conf" <<EOF
# sshd $name for Sandgate interop tests (generated by start.sh)
ListenAddress 127.0.0.1:$port
HostKey $DIR/host/$hostkey
$extra
PidFile $DIR/sshd-$name.pid
LogLevel VERBOSE

$login
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $TEST_USER

Subsystem sftp internal-sftp
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
# Tests may open many connections at once.
MaxStartups 100:30:200
MaxSessions 50
LoginGraceTime 60
EOF
    /usr/sbin/sshd -t -f "$DIR/sshd-$name.conf" || die "sshd config $DIR/sshd-$name.conf is invalid"
}
write_sshd_config a "$SSHD_A_PORT"
write_sshd_config b "$SSHD_B_PORT"
write_sshd_config sha1 "$SSHD_SHA1_PORT"
# Algorithms that OpenSSH 9.2 still has but no longer offers by default.
write_sshd_config weak "$SSHD_WEAK_PORT" ssh_host_rsa_key "HostCertificate $DIR/host/host-weak-cert.pub
# only SHA-1 and CBC: a client must refuse this server unless told otherwise
KexAlgorithms diffie-hellman-group14-sha1
Ciphers aes128-cbc
MACs hmac-sha1
HostKeyAlgorithms ssh-rsa-cert-v01@openssh.com,ssh-rsa"
# E2B's recipe: a plain host key, no user CA, one authorized key. StrictModes would refuse the
# file, since a parent of DIR (such as /tmp) is writable by others.
write_sshd_config plain "$SSHD_PLAIN_PORT" ssh_host_plain_ed25519_key "" "# Users log in only with the plain key that AuthorizedKeysFile lists: no user CA.
AuthorizedKeysFile $DIR/plain/authorized_keys
StrictModes no"
# Absolute path: sshd re-executes itself. -E: log to file instead of syslog.
for name in a b weak sha1 plain; do
    launch "sshd-$name" "$DIR/sshd-$name.out" /usr/sbin/sshd -D -f "$DIR/sshd-$name.conf" -E "$DIR/sshd-$name.log"
done

# --- tinyproxy ---------------------------------------------------------------
TINYPROXY_USER=tpuser
TINYPROXY_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$DIR/tinyproxy.conf" <<EOF
# tinyproxy for Sandgate interop tests (generated by start.sh)
# Runs as root without a User line (it only warns); it listens on 127.0.0.1
# only and this avoids file permission trouble in DIR.
Port $TINYPROXY_PORT
Listen 127.0.0.1
Timeout 600
LogFile "$DIR/tinyproxy.log"
LogLevel Info
PidFile "$DIR/tinyproxy.pid"
MaxClients 100
Allow 127.0.0.1
BasicAuth $TINYPROXY_USER $TINYPROXY_PASSWORD
# CONNECT only to the two sshd ports.
ConnectPort $SSHD_A_PORT
ConnectPort $SSHD_B_PORT
ConnectPort $CLOSED_PORT
DisableViaHeader Yes
EOF
chmod 600 "$DIR/tinyproxy.conf"
launch tinyproxy "$DIR/tinyproxy.out" /usr/bin/tinyproxy -d -c "$DIR/tinyproxy.conf"

# --- squid -------------------------------------------------------------------
# -n gives this squid its own shared-memory names (/dev/shm/NAME-*), so it does
# not clash with a system squid or with another instance.
SQUID_NAME=sandgate$SQUID_PORT
echo "$SQUID_NAME" >"$DIR/squid/service-name"
cat >"$DIR/squid.conf" <<EOF
# squid for Sandgate interop tests (generated by start.sh): CONNECT only,
# from 127.0.0.1 only, to the two sshd ports only; no cache; no auth.
http_port 127.0.0.1:$SQUID_PORT
cache_effective_user proxy
pid_filename $DIR/squid/squid.pid
cache_log $DIR/squid/cache.log
access_log stdio:$DIR/squid/access.log
cache_store_log none
coredump_dir $DIR/squid
cache deny all
cache_mem 8 MB
# No cache_dir at all.
acl sg_clients src 127.0.0.1/32
acl sg_ports port $SSHD_A_PORT $SSHD_B_PORT $CLOSED_PORT
acl sg_connect method CONNECT
http_access allow sg_connect sg_clients sg_ports
http_access deny all
# Nothing of squid may talk to the network: no ICP/HTCP, no pinger, DNS only
# to localhost (targets are IP literals or 'localhost' from /etc/hosts).
icp_port 0
htcp_port 0
pinger_enable off
dns_nameservers 127.0.0.1
netdb_filename none
visible_hostname sandgate-interop
# Quick shutdown (squid still needs ~3 s after SIGTERM).
shutdown_lifetime 0 seconds
EOF
/usr/sbin/squid -k parse -n "$SQUID_NAME" -f "$DIR/squid.conf" >"$DIR/squid/parse.out" 2>&1 ||
    { tail -20 "$DIR/squid/parse.out" >&2; die "squid config $DIR/squid.conf is invalid"; }
launch squid "$DIR/squid.out" /usr/sbin/squid -N -n "$SQUID_NAME" -f "$DIR/squid.conf"

# --- websockify --------------------------------------------------------------
launch websockify "$DIR/websockify.out" /usr/bin/websockify --log-file "$DIR/websockify.log" \
    "127.0.0.1:$WEBSOCKIFY_PORT" "127.0.0.1:$SSHD_A_PORT"
# E2B's recipe: a WebSocket bridge in front of the plain sshd.
launch websockify-plain "$DIR/websockify-plain.out" /usr/bin/websockify --log-file "$DIR/websockify-plain.log" \
    "127.0.0.1:$WEBSOCKIFY_PLAIN_PORT" "127.0.0.1:$SSHD_PLAIN_PORT"

# --- wait for every port -----------------------------------------------------
declare -A PORT_OF=([sshd-a]=$SSHD_A_PORT [sshd-b]=$SSHD_B_PORT [sshd-weak]=$SSHD_WEAK_PORT
                    [sshd-sha1]=$SSHD_SHA1_PORT [sshd-plain]=$SSHD_PLAIN_PORT [tinyproxy]=$TINYPROXY_PORT
                    [squid]=$SQUID_PORT [websockify]=$WEBSOCKIFY_PORT [websockify-plain]=$WEBSOCKIFY_PLAIN_PORT)
declare -A LOG_OF=([sshd-a]=$DIR/sshd-a.log [sshd-b]=$DIR/sshd-b.log [sshd-weak]=$DIR/sshd-weak.log
                   [sshd-sha1]=$DIR/sshd-sha1.log [sshd-plain]=$DIR/sshd-plain.log [tinyproxy]=$DIR/tinyproxy.log
                   [squid]=$DIR/squid/cache.log [websockify]=$DIR/websockify.log
                   [websockify-plain]=$DIR/websockify-plain.log)
declare -A OUT_OF=([sshd-a]=$DIR/sshd-a.out [sshd-b]=$DIR/sshd-b.out [sshd-weak]=$DIR/sshd-weak.out
                   [sshd-sha1]=$DIR/sshd-sha1.out [sshd-plain]=$DIR/sshd-plain.out [tinyproxy]=$DIR/tinyproxy.out
                   [squid]=$DIR/squid.out [websockify]=$DIR/websockify.out
                   [websockify-plain]=$DIR/websockify-plain.out)
service_failed() { # service_failed NAME WHY
    echo "$ME: ERROR: $1 (127.0.0.1:${PORT_OF[$1]}) $2" >&2
    local f
    for f in "${LOG_OF[$1]}" "${OUT_OF[$1]}"; do
        if [[ -s $f ]]; then
            echo "---- last lines of $f ----" >&2
            tail -n 20 "$f" >&2
        fi
    done
    exit 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

declare -A PID_OF=()
while read -r name pid; do PID_OF[$name]=$pid; done <"$DIR/pids"
pending=(sshd-a sshd-b sshd-weak sshd-sha1 sshd-plain tinyproxy squid websockify websockify-plain)
deadline=$((SECONDS + WAIT_SECONDS))
while ((${#pending[@]})); do
    still=()
    for name in "${pending[@]}"; do
        if port_open "${PORT_OF[$name]}"; then
            continue
        fi
        kill -0 "${PID_OF[$name]}" 2>/dev/null || service_failed "$name" "exited before opening its port"
        still+=("$name")
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) || break
    ((SECONDS < deadline)) || service_failed "${pending[0]}" "did not open its port within ${WAIT_SECONDS}s"
    sleep 0.2
done

# --- smoke checks (fail early with a clear message) --------------------------
# Reads the first response line after sending $2 to port $1.
first_line() {
    local line=""
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf '%b' "$2" >&3
    IFS= read -r -t 5 line <&3 || true
    exec 3<&- 3>&-
    printf '%s' "${line%$'\r'}"
}
SSHD_BANNER=$(first_line "$SSHD_A_PORT" "")
[[ $SSHD_BANNER == SSH-2.0-* ]] || service_failed sshd-a "sent no SSH banner (got '$SSHD_BANNER')"
[[ $(first_line "$SSHD_B_PORT" "") == SSH-2.0-* ]] || service_failed sshd-b "sent no SSH banner"
[[ $(first_line "$SSHD_WEAK_PORT" "") == SSH-2.0-* ]] || service_failed sshd-weak "sent no SSH banner"
[[ $(first_line "$SSHD_SHA1_PORT" "") == SSH-2.0-* ]] || service_failed sshd-sha1 "sent no SSH banner"
[[ $(first_line "$SSHD_PLAIN_PORT" "") == SSH-2.0-* ]] || service_failed sshd-plain "sent no SSH banner"

TP_AUTH=$(printf '%s:%s' "$TINYPROXY_USER" "$TINYPROXY_PASSWORD" | base64 -w0)
connect_req="CONNECT 127.0.0.1:$SSHD_A_PORT HTTP/1.1\r\nHost: 127.0.0.1:$SSHD_A_PORT\r\n"
got=$(first_line "$TINYPROXY_PORT" "$connect_req\r\n")
[[ $got == HTTP/1.?" 407 "* ]] || service_failed tinyproxy "CONNECT without credentials: expected 407, got '$got'"
got=$(first_line "$TINYPROXY_PORT" "${connect_req}Proxy-Authorization: Basic $TP_AUTH\r\n\r\n")
[[ $got == HTTP/1.?" 200 "* ]] || service_failed tinyproxy "CONNECT with credentials: expected 200, got '$got'"
got=$(first_line "$SQUID_PORT" "$connect_req\r\n")
[[ $got == HTTP/1.?" 200 "* ]] || service_failed squid "CONNECT: expected 200, got '$got'"
for name in websockify websockify-plain; do
    port=${PORT_OF[$name]}
    got=$(first_line "$port" "GET / HTTP/1.1\r\nHost: 127.0.0.1:$port\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    [[ $got == "HTTP/1.1 101 "* ]] || service_failed "$name" "WebSocket upgrade: expected 101, got '$got'"
done

# --- versions ------------------------------------------------------------------
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
SQUID_VERSION=$(/usr/sbin/squid -v | sed -n '1s/^Squid Cache: Version //p')
TINYPROXY_VERSION=$(/usr/bin/tinyproxy -v 2>&1 | sed -n '1s/^tinyproxy //p')
WEBSOCKIFY_VERSION=$(pkg_version websockify)

# --- peers.properties ----------------------------------------------------------
prop() { # Java properties: escape backslashes in values; keys are plain.
    printf '%s=%s\n' "$1" "${2//\\/\\\\}"
}
{
    echo "# Sandgate interop peers, written by start.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# Stop them with: stop.sh $DIR"
    prop dir "$DIR"
    prop host 127.0.0.1
    prop user "$TEST_USER"
    prop user.home "$TEST_HOME"
    echo "# A user certificate must list the user name as a principal (AuthorizedPrincipalsFile none)."
    prop cert.principal "$TEST_USER"
    prop sshd.a.port "$SSHD_A_PORT"
    prop sshd.b.port "$SSHD_B_PORT"
    prop sshd.weak.port "$SSHD_WEAK_PORT"
    prop sshd.sha1.port "$SSHD_SHA1_PORT"
    prop sshd.a.log "$DIR/sshd-a.log"
    prop sshd.b.log "$DIR/sshd-b.log"
    prop sshd.banner "$SSHD_BANNER"
    prop sshd.version "$(pkg_version openssh-server)"
    prop tinyproxy.port "$TINYPROXY_PORT"
    prop tinyproxy.user "$TINYPROXY_USER"
    prop tinyproxy.password "$TINYPROXY_PASSWORD"
    prop tinyproxy.log "$DIR/tinyproxy.log"
    prop tinyproxy.version "$TINYPROXY_VERSION"
    prop squid.port "$SQUID_PORT"
    prop squid.log "$DIR/squid/access.log"
    prop squid.version "$SQUID_VERSION"
    prop websockify.port "$WEBSOCKIFY_PORT"
    prop websockify.target.port "$SSHD_A_PORT"
    prop closed.port "$CLOSED_PORT"
    prop websockify.log "$DIR/websockify.log"
    prop websockify.version "$WEBSOCKIFY_VERSION"
    echo "# E2B's recipe: sshd plain (plain host key, no user CA) behind its own websockify, a plain user key"
    prop sshd.plain.port "$SSHD_PLAIN_PORT"
    prop sshd.plain.log "$DIR/sshd-plain.log"
    prop websockify.plain.port "$WEBSOCKIFY_PLAIN_PORT"
    prop websockify.plain.log "$DIR/websockify-plain.log"
    prop host.plain.key.pub "$DIR/host/ssh_host_plain_ed25519_key.pub"
    echo "# The user key (OpenSSH format, no passphrase; public key: same path + .pub) that sshd plain authorizes"
    prop user.key.plain "$DIR/plain/user-ed25519"
    prop authorized_keys.plain "$DIR/plain/authorized_keys"
    echo "# User CA private keys (OpenSSH format, no passphrase); public keys are the same path + .pub"
    prop ca.user.ed25519 "$DIR/ca/user-ca-ed25519"
    prop ca.user.ecdsa "$DIR/ca/user-ca-ecdsa"
    prop ca.user.rsa "$DIR/ca/user-ca-rsa"
    echo "# The same keys as unencrypted PKCS#8 PEM"
    prop ca.user.ed25519.pkcs8 "$DIR/ca/user-ca-ed25519.pkcs8.pem"
    prop ca.user.ecdsa.pkcs8 "$DIR/ca/user-ca-ecdsa.pkcs8.pem"
    prop ca.user.rsa.pkcs8 "$DIR/ca/user-ca-rsa.pkcs8.pem"
    prop ca.user.trusted "$DIR/ca/trusted-user-ca-keys.pub"
    prop ca.host "$DIR/ca/host-ca-ed25519.pub"
    prop ca.host.key "$DIR/ca/host-ca-ed25519"
    prop ca.host.key.pkcs8 "$DIR/ca/host-ca-ed25519.pkcs8.pem"
    echo "# The RSA host CA that signed sshd sha1's host certificate with ssh-rsa (SHA-1)"
    prop ca.host.rsa "$DIR/ca/host-ca-rsa.pub"
    prop host.key.pub "$DIR/host/ssh_host_ed25519_key.pub"
    prop host.cert.a "$DIR/host/host-a-cert.pub"
    prop host.cert.b "$DIR/host/host-b-cert.pub"
    prop host.principals.a "$HOST_PRINCIPALS_A"
    prop host.principals.b ""
    prop known_hosts "$DIR/known_hosts"
} >"$DIR/peers.properties"

started_ok=yes
log "peers up in $DIR: sshd A :$SSHD_A_PORT, sshd B :$SSHD_B_PORT, sshd weak :$SSHD_WEAK_PORT, sshd sha1 :$SSHD_SHA1_PORT, tinyproxy :$TINYPROXY_PORT, squid :$SQUID_PORT, websockify :$WEBSOCKIFY_PORT -> :$SSHD_A_PORT, sshd plain :$SSHD_PLAIN_PORT, websockify-plain :$WEBSOCKIFY_PLAIN_PORT -> :$SSHD_PLAIN_PORT"
log "properties: $DIR/peers.properties"
