#!/usr/bin/env bash
# Smoke test of a single executable, as CI runs it: the binary alone in an empty directory, no
# node_modules, no Node on the PATH (the PATH is an empty directory), the addon cache under a
# scratch HOME. x64 (here): --version, doctor, a 20 s headless simulation, a scratch-root install.
# arm64 (under qemu-user-static): --version and a short headless simulation. Both then read a
# simulated lidar through a pseudo-terminal and the serialport addon carried in the binary
# (`sim --pty`; the PATH then holds socat alone).
#
#   scripts/binary/smoke-test.sh x64|arm64
set -euo pipefail
arch="${1:?usage: smoke-test.sh x64|arm64}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run" "$work/home" "$work/empty-path" "$work/socat-path"
ln -s "$(command -v socat)" "$work/socat-path/socat"
cp "$repo/dist/spinal-linux-$arch" "$work/run/spinal"
cd "$work/run"

runner=()
[ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ] && runner=("$(command -v qemu-aarch64-static)" -L /usr/aarch64-linux-gnu)
path="$work/empty-path"
spinal() {
  env -i HOME="$work/home" PATH="$path" SPINAL_DEBUG_LISTEN=127.0.0.1:0 \
    "${runner[@]+"${runner[@]}"}" ./spinal "$@"
}
step() { printf -- '-- %s\n' "$*"; }

step "spinal --version ($arch)"
version="$(spinal --version)"
echo "$version"
[ "$version" = "spinal $(node -p "require('$repo/package.json').version")" ]

report_ok() {
  node -e '
    const r = require(process.argv[1]).robots[0];
    console.log(`goal reached: ${r.goalReached}, collisions: ${r.collisions}`);
    if (!r.goalReached && process.argv[2] === "goal") process.exit(1);
    if (r.collisions !== 0) process.exit(1);
  ' "$work/run/report.json" "$1"
}

if [ "$arch" = x64 ]; then
  step "spinal doctor (exit 0 or 1: findings, never a crash)"
  status=0
  spinal doctor || status=$?
  [ "$status" -le 1 ]
  step "spinal sim --headless --duration 20"
  spinal sim --headless --duration 20 --report report.json
  report_ok goal
  [ "$(ls "$work/run")" = "$(printf 'report.json\nspinal')" ]
  step "scripts/install.sh into a scratch root"
  bash "$repo/scripts/install.sh" --binary "$work/run/spinal" \
    --board "$repo/board-configs/rpi4-ld06-motorhat.yaml" --root "$work/root"
else
  step "spinal sim --headless --duration 3 (under qemu)"
  spinal sim --headless --duration 3 --report report.json
  report_ok moving
fi
step "spinal sim --headless --pty: the lidar through the embedded serialport addon"
path="$work/socat-path"
spinal sim --headless --pty --duration 2 --report report.json
node -e '
  const r = require(process.argv[1]);
  if (!r.robots[0].everReady) { console.error("never ready:", r.robots[0].notReadyReason); process.exit(1); }
  console.log("ready through the pseudo-terminal");
' "$work/run/report.json"
ls "$work/home/.cache/spinal/"*/serialport-*.node
step "ok"
