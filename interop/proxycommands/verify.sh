#!/usr/bin/env bash
# verify.sh DIR: checks a running start.sh set with OpenSSH's own client.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$(cd "$1" && pwd)
P=$DIR/peers.properties
prop() { sed -n "s/^$1=//p" "$P"; }
USER_=$(prop user); A=$(prop sshd.a.port); B=$(prop sshd.b.port)
TP=$(prop tinyproxy.port); TPU=$(prop tinyproxy.user); TPW=$(prop tinyproxy.password)
SQ=$(prop squid.port); WS=$(prop websockify.port)
W=$DIR/verify; rm -rf "$W"; mkdir -p "$W"
ssh-keygen -q -t ed25519 -N '' -C client -f "$W/id"
fails=0
check() { # check NAME CMD...
    local name=$1; shift
    local out rc=0
    out=$("$@" 2>"$W/last.err") || rc=$?
    if [[ $rc -eq 0 && $out == ok* ]]; then
        echo "PASS $name"
    else
        echo "FAIL $name (rc=$rc, out='$out')"; sed 's/^/    /' "$W/last.err" | tail -5; fails=$((fails+1))
    fi
}
SSH=(ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$(prop known_hosts)"
     -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o ConnectTimeout=10 -i "$W/id")
cat "$(prop known_hosts)"
for ca in ed25519 ecdsa rsa; do
    cp "$W/id" "$W/id-$ca"; cp "$W/id.pub" "$W/id-$ca.pub"
    ssh-keygen -q -s "$(prop ca.user.$ca)" -I "client-$ca" -n "$USER_" -V -5m:+1h "$W/id-$ca.pub"
    check "direct sshd A, user cert from $ca CA" "${SSH[@]}" -i "$W/id-$ca" -o CertificateFile="$W/id-$ca-cert.pub" -p "$A" "$USER_@127.0.0.1" echo ok
done
K=(-i "$W/id-ed25519" -o CertificateFile="$W/id-ed25519-cert.pub")
check "host cert principal 'localhost' on A" "${SSH[@]}" "${K[@]}" -p "$A" "$USER_@localhost" echo ok
check "sshd B (host cert without principals)" "${SSH[@]}" "${K[@]}" -p "$B" "$USER_@127.0.0.1" echo ok
check "via squid -> A" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $SQ %h %p" -p "$A" "$USER_@127.0.0.1" echo ok
check "via squid -> B" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $SQ %h %p" -p "$B" "$USER_@127.0.0.1" echo ok
check "via tinyproxy (basic auth) -> A" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $TP %h %p $TPU:$TPW" -p "$A" "$USER_@127.0.0.1" echo ok
check "via tinyproxy (basic auth) -> B" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $TP %h %p $TPU:$TPW" -p "$B" "$USER_@127.0.0.1" echo ok
check "via websockify -> A" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/websocket_proxycmd.py $WS" -p "$A" "$USER_@127.0.0.1" echo ok
# E2B's recipe: sshd plain behind websockify-plain, the plain user key, a known_hosts file naming the WebSocket's address
WSP=$(prop websockify.plain.port)
printf '[127.0.0.1]:%s %s\n' "$WSP" "$(cat "$(prop host.plain.key.pub)")" >"$W/known_hosts.plain"
E2B=(ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$W/known_hosts.plain"
     -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o ConnectTimeout=10
     -o ProxyCommand="$HERE/websocket_proxycmd.py $WSP" -p "$WSP")
check "E2B recipe: via websockify-plain -> sshd plain, plain key" "${E2B[@]}" -i "$(prop user.key.plain)" "$USER_@127.0.0.1" echo ok
# negative checks: must fail
neg() { local name=$1; shift; if "$@" >/dev/null 2>"$W/last.err"; then echo "FAIL $name (unexpectedly succeeded)"; fails=$((fails+1)); else echo "PASS $name (refused: $(head -1 "$W/last.err"))"; fi; }
neg "tinyproxy without credentials refused" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $TP %h %p" -p "$A" "$USER_@127.0.0.1" echo ok
neg "tinyproxy wrong password refused" "${SSH[@]}" "${K[@]}" -o ProxyCommand="$HERE/http_connect_proxycmd.py $TP %h %p $TPU:wrong" -p "$A" "$USER_@127.0.0.1" echo ok
neg "plain key without cert refused" "${SSH[@]}" -p "$A" "$USER_@127.0.0.1" echo ok
neg "E2B recipe: a key sshd plain does not list refused" "${E2B[@]}" -i "$W/id" "$USER_@127.0.0.1" echo ok
cp "$W/id" "$W/id-wp"; cp "$W/id.pub" "$W/id-wp.pub"; ssh-keygen -q -s "$(prop ca.user.ed25519)" -I wrong-principal -n someoneelse -V -5m:+1h "$W/id-wp.pub"
neg "cert with wrong principal refused" "${SSH[@]}" -i "$W/id-wp" -o CertificateFile="$W/id-wp-cert.pub" -p "$A" "$USER_@127.0.0.1" echo ok
# host cert of A does not list 'vm' (/etc/hosts alias of 127.0.0.1): host check must fail
neg "host name not in A's principals refused" "${SSH[@]}" "${K[@]}" -o HostKeyAlias=not-a-principal -p "$A" "$USER_@127.0.0.1" echo ok
# sftp of a 10 MiB file through squid, and through websockify
head -c $((10*1024*1024)) /dev/urandom >"$W/blob"
for via in squid websockify; do
    if [[ $via == squid ]]; then pc="$HERE/http_connect_proxycmd.py $SQ %h %p"; else pc="$HERE/websocket_proxycmd.py $WS"; fi
    printf 'put %s blob-%s\nget blob-%s %s\n' "$W/blob" "$via" "$via" "$W/blob.back-$via" >"$W/batch-$via"
    t0=$SECONDS
    if sftp -q -F none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$(prop known_hosts)" \
        -o IdentitiesOnly=yes "${K[@]}" -o ProxyCommand="$pc" -P "$A" -b "$W/batch-$via" "$USER_@127.0.0.1" >"$W/sftp-$via.out" 2>&1 \
        && cmp -s "$W/blob" "$W/blob.back-$via" && cmp -s "$W/blob" "$(prop user.home)/blob-$via"; then
        echo "PASS sftp put+get 10 MiB via $via ($((SECONDS-t0))s), files identical"
    else
        echo "FAIL sftp via $via"; tail -5 "$W/sftp-$via.out"; fails=$((fails+1))
    fi
    rm -f "$(prop user.home)/blob-$via"
done
echo "verify: $fails failure(s)"
[[ $fails -eq 0 ]]
