#!/usr/bin/env bash
# Installs spinal onto a robot board, here or over SSH, as a systemd service:
#   the binary in /usr/local/bin/spinal, the board config (and runtime config) in /etc/spinal/,
#   a system user `spinal` in the groups dialout, i2c and gpio, the unit
#   /etc/systemd/system/spinal.service (restart on failure, a watchdog the process feeds, raised CPU
#   and I/O priority, logs to the journal), enabled and started; then `spinal doctor` on the board.
#
#   scripts/install.sh --binary dist/spinal-linux-arm64 --board board-configs/rpi4-ld06-motorhat.yaml
#                      [--config FILE] [--host [USER@]HOST] [--root DIR] [--no-start]
#
# --host copies the files to HOST with scp and runs this script there with sudo (ssh and scp are
# $SPINAL_SSH and $SPINAL_SCP when set). --root DIR installs under DIR instead of / and changes
# nothing else on the machine: no user is added to the system (DIR/etc/passwd and DIR/etc/group are
# written instead), nothing is enabled or started. That is how the install is tested.
set -euo pipefail

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

binary="" board="" config="" host="" root="/" start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?}"; shift 2 ;;
    --board) board="${2:?}"; shift 2 ;;
    --config) config="${2:?}"; shift 2 ;;
    --host) host="${2:?}"; shift 2 ;;
    --root) root="${2:?}"; shift 2 ;;
    --no-start) start=0; shift ;;
    -h | --help) usage ;;
    *) echo "install.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$binary" ] && [ -n "$board" ] || { echo "install.sh: --binary and --board are required" >&2; usage; }
for file in "$binary" "$board" ${config:+"$config"}; do
  [ -f "$file" ] || { echo "install.sh: $file: no such file" >&2; exit 2; }
done

say() { printf 'install.sh: %s\n' "$*"; }

# Over SSH: copy the files and this script to a temporary directory on the host, run it there.
if [ -n "$host" ]; then
  ssh_cmd="${SPINAL_SSH:-ssh}" scp_cmd="${SPINAL_SCP:-scp}"
  remote="$($ssh_cmd "$host" mktemp -d /tmp/spinal-install.XXXXXX)"
  say "copying to $host:$remote"
  $scp_cmd "$0" "$binary" "$board" ${config:+"$config"} "$host:$remote/"
  args=(--binary "$remote/$(basename "$binary")" --board "$remote/$(basename "$board")" --root "$root")
  [ -n "$config" ] && args+=(--config "$remote/$(basename "$config")")
  [ "$start" -eq 0 ] && args+=(--no-start)
  sudo_cmd="sudo"
  [ "$root" != "/" ] && sudo_cmd=""
  status=0
  $ssh_cmd "$host" $sudo_cmd bash "$remote/install.sh" "${args[@]}" || status=$?
  $ssh_cmd "$host" rm -rf "$remote" || true
  exit "$status"
fi

scratch=0
[ "$root" != "/" ] && scratch=1
if [ "$scratch" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo), or with --root DIR for a scratch install" >&2
  exit 1
fi
root="${root%/}"
etc="$root/etc"
bin="$root/usr/local/bin/spinal"
unit="$etc/systemd/system/spinal.service"

# The system user and its groups. In a scratch root the account files are written directly.
ensure_group() {
  local group="$1"
  if [ "$scratch" -eq 1 ]; then
    mkdir -p "$etc" && touch "$etc/group"
    grep -q "^$group:" "$etc/group" || echo "$group:x:$((900 + $(wc -l <"$etc/group"))):" >>"$etc/group"
  elif ! getent group "$group" >/dev/null; then
    groupadd --system "$group"
  fi
}
add_to_group() {
  local user="$1" group="$2"
  if [ "$scratch" -eq 1 ]; then
    if ! grep -q "^$group:.*[:,]$user\(,\|$\)" "$etc/group"; then
      sed -i "s/^\($group:[^:]*:[^:]*:\)\(.\+\)\$/\1\2,$user/; s/^\($group:[^:]*:[^:]*:\)\$/\1$user/" "$etc/group"
    fi
  else
    usermod -a -G "$group" "$user"
  fi
}
ensure_user() {
  local user="spinal"
  ensure_group "$user"
  if [ "$scratch" -eq 1 ]; then
    touch "$etc/passwd"
    local gid
    gid="$(grep "^$user:" "$etc/group" | cut -d: -f3)"
    grep -q "^$user:" "$etc/passwd" || echo "$user:x:$gid:$gid:spinal robot runtime:/var/lib/spinal:/usr/sbin/nologin" >>"$etc/passwd"
  elif ! getent passwd "$user" >/dev/null; then
    useradd --system --gid "$user" --home-dir /var/lib/spinal --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  for group in dialout i2c gpio; do
    ensure_group "$group"
    add_to_group "$user" "$group"
  done
}

say "binary -> $bin"
install -D -m 0755 "$binary" "$bin.partial"
mv -f "$bin.partial" "$bin"

say "board config -> $etc/spinal/board.yaml"
install -D -m 0644 "$board" "$etc/spinal/board.yaml"
run_args="--board /etc/spinal/board.yaml"
if [ -n "$config" ]; then
  install -D -m 0640 "$config" "$etc/spinal/config.yaml"
  run_args="$run_args --config /etc/spinal/config.yaml"
fi

say "system user spinal in the groups dialout, i2c, gpio"
ensure_user
[ "$scratch" -eq 0 ] && chgrp spinal "$etc/spinal/config.yaml" 2>/dev/null || true

say "systemd unit -> $unit"
mkdir -p "$(dirname "$unit")"
cat >"$unit" <<UNIT
[Unit]
Description=Spinal robot runtime
After=network-online.target
Wants=network-online.target
# Restarts on failure, but a binary that fails five times in two minutes stays down.
StartLimitIntervalSec=120
StartLimitBurst=5

[Service]
# Ready once spinal run has its devices, threads and debug port up (READY=1 through systemd-notify,
# a child process: hence NotifyAccess=all); the watchdog is fed from the reflex's own thread.
Type=notify
NotifyAccess=all
ExecStart=/usr/local/bin/spinal run $run_args
User=spinal
Group=spinal
Restart=on-failure
RestartSec=2
TimeoutStartSec=60
WatchdogSec=10
# SIGTERM: spinal brakes the motors first, then stops its threads and devices.
KillSignal=SIGTERM
TimeoutStopSec=15
# The reflex runs on the main thread at this nice value; the planner and comms threads lower their
# own. A real-time policy is not used: the worker threads would inherit it.
Nice=-10
IOSchedulingClass=best-effort
IOSchedulingPriority=0
# /var/cache/spinal holds the native addons unpacked from the binary; /var/lib/spinal the state.
CacheDirectory=spinal
StateDirectory=spinal
WorkingDirectory=/var/lib/spinal
# Fewer glibc malloc arenas for a process with several threads: a smaller footprint.
Environment=MALLOC_ARENA_MAX=2
# The journal stamps each line itself.
Environment=DEBUG_HIDE_DATE=1
SyslogIdentifier=spinal
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=multi-user.target
UNIT
chmod 0644 "$unit"

if [ "$scratch" -eq 0 ] && [ "$start" -eq 1 ] && command -v systemctl >/dev/null; then
  say "enabling and starting spinal.service"
  systemctl daemon-reload
  systemctl enable spinal.service
  systemctl restart spinal.service
fi

say "spinal doctor:"
doctor_status=0
"$bin" doctor --board "$etc/spinal/board.yaml" || doctor_status=$?
if [ "$doctor_status" -eq 0 ]; then
  say "done: nothing blocks spinal run"
else
  say "done, but spinal doctor found what blocks spinal run (above); fix it and run: sudo systemctl restart spinal"
fi
