#!/usr/bin/env bash
# Installs the third-party peers used by the Sandgate interop tests
# (OpenSSH server/client, tinyproxy, squid, websockify; rsync and git for the
# sandgate command's real-client tests) from Debian's packages.
#
# Needs root. No prompts. Safe to run again (apt-get install is a no-op when the
# packages are already there).
#
# Installing these packages would normally start system daemons (sshd on :22,
# squid on :3128, tinyproxy on :8888). The tests never use those: start.sh runs
# its own private instances. So while apt runs we put a policy-rc.d in place
# that forbids every service start, and we remove it again afterwards (only if
# we created it; an existing policy-rc.d, as in Docker images, is left alone).
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "install.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# python3 + python3-cryptography: start.sh picks free ports and writes PKCS#8
# copies of the CA keys with them (websockify pulls both in anyway).
PACKAGES=(openssh-server openssh-client tinyproxy squid websockify python3 python3-cryptography rsync git)

POLICY=/usr/sbin/policy-rc.d
POLICY_MARK="# sandgate-interop temporary policy-rc.d"
created_policy=no

remove_policy() {
    # Remove the policy file only if it is the one we wrote.
    if [[ $created_policy == yes ]] && grep -qF "$POLICY_MARK" "$POLICY" 2>/dev/null; then
        rm -f "$POLICY"
    fi
}
trap remove_policy EXIT

if [[ -e $POLICY ]] && ! grep -qF "$POLICY_MARK" "$POLICY"; then
    # Someone else's policy (e.g. the Docker one that always exits 101). Keep it.
    echo "install.sh: keeping existing $POLICY"
else
    # Ours (maybe left over from an interrupted run) or none: (re)write it.
    printf '#!/bin/sh\n%s\n# 101 = action forbidden by policy: no service starts while installing.\nexit 101\n' \
        "$POLICY_MARK" >"$POLICY"
    chmod 755 "$POLICY"
    created_policy=yes
fi

# Remember which standard daemon pid files exist before the install, so that
# afterwards we only ever stop a daemon that this install itself started.
STD_PIDFILES=(/run/sshd.pid /run/squid.pid /run/tinyproxy/tinyproxy.pid)
declare -A had_pidfile=()
for f in "${STD_PIDFILES[@]}"; do
    [[ -e $f ]] && had_pidfile[$f]=1
done

# apt's chatter goes to a log file; its tail is shown if something fails.
APT_LOG=$(mktemp /tmp/sandgate-interop-install.XXXXXX.log)
run_apt() {
    if ! "$@" >>"$APT_LOG" 2>&1; then
        echo "install.sh: FAILED: $*" >&2
        tail -n 30 "$APT_LOG" >&2
        exit 1
    fi
}
run_apt apt-get update -q
run_apt apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}"
denied=$(grep -c 'policy-rc.d denied execution' "$APT_LOG" || true)

# Safety net: normally the policy above stopped every start. If a daemon was
# started anyway (a pid file appeared that was not there before and its process
# is alive), stop it through its own init script, never by process name.
declare -A service_of=([/run/sshd.pid]=ssh [/run/squid.pid]=squid [/run/tinyproxy/tinyproxy.pid]=tinyproxy)
stopped=()
for f in "${STD_PIDFILES[@]}"; do
    [[ -n ${had_pidfile[$f]:-} ]] && continue
    [[ -s $f ]] || continue
    pid=$(tr -dc '0-9' <"$f")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        svc=${service_of[$f]}
        if [[ -x /etc/init.d/$svc ]]; then
            /etc/init.d/"$svc" stop >/dev/null 2>&1 || true
        fi
        # Still alive: stop exactly that pid.
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
        stopped+=("$svc")
    fi
done

versions=$(dpkg-query -W -f='${Package}=${Version} ' "${PACKAGES[@]}")
echo "install.sh: installed/verified: ${versions% }"
if ((${#stopped[@]})); then
    echo "install.sh: stopped system daemons started by the install: ${stopped[*]}"
else
    echo "install.sh: no system daemon left running (service start/restart requests refused by policy-rc.d: $denied)"
fi
rm -f "$APT_LOG"
