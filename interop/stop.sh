#!/usr/bin/env bash
# stop.sh DIR
#
# Stops the peers that start.sh DIR started: exactly the pids listed in
# DIR/pids, plus their child processes (sshd keeps one child per open
# connection, websockify one per WebSocket). Never kills by name.
# SIGTERM first, SIGKILL after ~5 s. Fine if they are already gone.
set -euo pipefail

ME=stop.sh
[[ $# -eq 1 && -n $1 ]] || { echo "usage: stop.sh DIR" >&2; exit 1; }
if [[ ! -d $1 ]]; then
    echo "$ME: $1 does not exist: nothing to stop"
    exit 0
fi
DIR=$(cd "$1" && pwd)
PIDS_FILE=$DIR/pids
GRACE_SECONDS=5

if [[ ! -s $PIDS_FILE ]]; then
    echo "$ME: no $PIDS_FILE: nothing to stop"
    exit 0
fi

starttime_of() { # field 22 of /proc/PID/stat; fails if PID is gone
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}

# Start times recorded by start.sh guard against killing an unrelated process
# that got a recorded pid after a reboot or a long time.
declare -A recorded_start=()
if [[ -f $DIR/pids.starttime ]]; then
    while read -r pid st; do recorded_start[$pid]=$st; done <"$DIR/pids.starttime"
fi

# Parent -> children map of all processes, from /proc/*/stat.
declare -A children=()
for stat_file in /proc/[0-9]*/stat; do
    { stat=$(<"$stat_file"); } 2>/dev/null || continue
    pid=${stat%% *}
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    children[$2]+=" $pid"
done
descendants() { # prints the pids of all descendants of $1
    local c
    for c in ${children[$1]:-}; do
        echo "$c"
        descendants "$c"
    done
}

targets=()
while read -r name pid; do
    [[ -n ${name:-} ]] || continue
    if [[ ! $pid =~ ^[0-9]+$ ]]; then
        echo "$ME: ignoring bad line in $PIDS_FILE: $name $pid" >&2
        continue
    fi
    if ! st=$(starttime_of "$pid"); then
        echo "$ME: $name ($pid) already gone"
        continue
    fi
    if [[ -n ${recorded_start[$pid]:-} && ${recorded_start[$pid]} != 0 && ${recorded_start[$pid]} != "$st" ]]; then
        echo "$ME: $name: pid $pid now belongs to another process: not touching it"
        continue
    fi
    # Children first in the list is not needed: all get SIGTERM together.
    mapfile -t kids < <(descendants "$pid")
    targets+=("$pid" "${kids[@]+"${kids[@]}"}")
    echo "$ME: stopping $name ($pid${kids[*]:+, children ${kids[*]}})"
done <"$PIDS_FILE"

if ((${#targets[@]})); then
    kill -TERM "${targets[@]}" 2>/dev/null || true
    deadline=$((SECONDS + GRACE_SECONDS))
    while :; do
        alive=()
        for pid in "${targets[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive+=("$pid")
        done
        ((${#alive[@]})) || break
        if ((SECONDS >= deadline)); then
            echo "$ME: still running after ${GRACE_SECONDS}s, sending SIGKILL to: ${alive[*]}"
            kill -KILL "${alive[@]}" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
    done
fi

# squid killed hard leaves its shared memory segments behind; they carry this
# instance's own name (squid -n), so removing them touches nothing else.
if [[ -s $DIR/squid/service-name ]]; then
    name=$(<"$DIR/squid/service-name")
    [[ $name =~ ^sandgate[0-9]+$ ]] && rm -f /dev/shm/"$name"-*.shm
fi

rm -f "$PIDS_FILE" "$DIR/pids.starttime"
echo "$ME: done"
