#!/usr/bin/env bash
# Boots a disk image read-only under qemu TCG and waits for a login prompt on the serial console.
#   lab/disk/boot-check.sh IMAGE virtio|ide [TIMEOUT_S=180]
# Exit 0 as soon as "login:" appears; 1 on timeout, kernel panic, initramfs ALERT (root device missing)
# or qemu exiting, with the last 30 console lines. Needs no network; the image is never written (-snapshot).
set -euo pipefail
export PATH=/usr/bin:/usr/sbin:/bin:/sbin:$PATH

img=${1:-}
bus=${2:-}
timeout_s=${3:-180}
[ -n "$img" ] && [ -n "$bus" ] || { echo "usage: $0 IMAGE virtio|ide [TIMEOUT_S]" >&2; exit 2; }
[ -r "$img" ] || { echo "boot-check: cannot read $img" >&2; exit 2; }
case "$bus" in virtio | ide) ;; *) echo "boot-check: bus must be virtio or ide, not $bus" >&2; exit 2 ;; esac
[[ "$timeout_s" =~ ^[0-9]+$ ]] || { echo "boot-check: TIMEOUT_S must be whole seconds" >&2; exit 2; }

# KVM is not trusted here (nested hosts expose /dev/kvm but hang); TCG boots this guest in well under a minute.
console=$(mktemp "${TMPDIR:-/tmp}/boot-check.XXXXXX")
qpid=""
cleanup() {
  if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
    kill -TERM "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
  fi
  rm -f "$console"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$SECONDS
coproc QEMU {
  exec qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot -snapshot \
    -monitor none -serial stdio -nic none \
    -drive "file=$img,format=raw,if=$bus" </dev/null 2>&1
}
qpid=$QEMU_PID
exec {out}<&"${QEMU[0]}"

# The prompt ("ffo-guest login: ") has no newline, so read chunks rather than lines and keep a rolling tail.
tail_buf=""
result=timeout
while ((SECONDS - start < timeout_s)); do
  chunk=""
  rc=0
  IFS= read -r -t 1 -N 512 -u "$out" chunk || rc=$?
  if [ -n "$chunk" ]; then
    printf '%s' "$chunk" >>"$console"
    tail_buf=${tail_buf: -2048}$chunk
    case "$tail_buf" in
      *login:*) result=login; break ;;
      # initramfs prints "ALERT!  /dev/sda1 does not exist" right after giving up on the root device.
      *"ALERT!"* | *"Kernel panic"*) result=panic; break ;;
    esac
  fi
  # rc 1 without data is EOF: qemu is gone. rc > 128 is just the 1 s read timeout.
  if [ "$rc" -ne 0 ] && [ "$rc" -le 128 ] && [ -z "$chunk" ]; then result=exited; break; fi
done
took=$((SECONDS - start))

if [ "$result" = login ]; then
  echo "boot-check: login prompt after ${took}s ($bus, $img)"
  exit 0
fi
# Let a panic message finish printing before showing it.
if [ "$result" = panic ]; then
  chunk=""
  IFS= read -r -t 2 -N 4096 -u "$out" chunk || true
  printf '%s' "$chunk" >>"$console"
fi
echo "boot-check: no login prompt ($result after ${took}s, $bus, $img); last console lines:" >&2
# Drop the firmware/grub screen-control sequences so the tail is readable.
sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g' "$console" | tail -n 30 >&2
exit 1
