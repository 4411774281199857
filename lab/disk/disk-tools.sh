#!/usr/bin/env bash
# Disk tools the migration engine shells out to (qemu-img, nbdkit, nbdcopy, virt-v2v, libguestfs).
#   lab/disk/disk-tools.sh install   install the Debian packages (idempotent)
#   lab/disk/disk-tools.sh check     print versions; exit 1 when a tool is missing
#   lab/disk/disk-tools.sh env       print `export LIBGUESTFS_BACKEND...` lines for this host
# On bookworm the nbdkit curl plugin and the extentlist/rate/delay filters ship inside `nbdkit` itself;
# there is no nbdkit-plugin-curl package.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

# linux-image-amd64: supermin builds the libguestfs appliance from the host kernel in /boot, and it is only a
# Recommends of supermin (skipped by --no-install-recommends). qemu-block-extra: qemu-img's curl (http://) driver.
PACKAGES=(qemu-utils nbdkit libnbd-bin virt-v2v guestfs-tools libguestfs-tools qemu-system-x86 qemu-block-extra
  debootstrap util-linux linux-image-amd64)

# kvm_usable : true only when the CPU advertises hardware virtualisation and /dev/kvm opens read-write.
# /dev/kvm alone is not enough: nested hosts expose it without vmx/svm and KVM guests then hang forever.
kvm_usable() {
  grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null || return 1
  [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  (exec 3<>/dev/kvm) 2>/dev/null
}

# guestfs_env : the libguestfs settings for this host, one `export` per line.
guestfs_env() {
  echo "export LIBGUESTFS_BACKEND=direct"
  kvm_usable || echo "export LIBGUESTFS_BACKEND_SETTINGS=force_tcg"
}

install_tools() {
  local s=$SECONDS
  ensure_apt "${PACKAGES[@]}"
  log "disk tools installed in $((SECONDS - s))s"
}

# first_line CMD... : the first output line of CMD, or empty when it fails.
first_line() { "$@" 2>&1 | head -n1 || true; }

check_tools() {
  local missing=0 t
  for t in qemu-img qemu-nbd qemu-system-x86_64 nbdkit nbdcopy nbdinfo virt-v2v virt-v2v-in-place \
    virt-customize virt-make-fs virt-inspector guestfish debootstrap losetup; do
    if command -v "$t" >/dev/null 2>&1; then
      printf '%-20s %s\n' "$t" "$(command -v "$t")"
    else
      printf '%-20s MISSING\n' "$t"
      missing=1
    fi
  done
  [ "$missing" = 0 ] || { log "some disk tools are missing; run: bash lab/disk/disk-tools.sh install"; return 1; }
  printf '%-20s %s\n' "qemu-img" "$(first_line qemu-img --version)"
  printf '%-20s %s\n' "nbdkit" "$(first_line nbdkit --version)"
  printf '%-20s %s\n' "nbdcopy" "$(first_line nbdcopy --version)"
  printf '%-20s %s\n' "virt-v2v" "$(first_line virt-v2v --version)"
  printf '%-20s %s\n' "virt-customize" "$(first_line virt-customize --version)"
  printf '%-20s %s\n' "guestfish" "$(first_line guestfish --version)"
  # The engine relies on these nbdkit parts; they are bundled in bookworm's nbdkit package.
  local p
  for p in file curl; do
    nbdkit "$p" --version >/dev/null 2>&1 || { log "nbdkit $p plugin missing"; missing=1; }
  done
  for p in extentlist rate; do
    nbdkit --filter="$p" null --version >/dev/null 2>&1 || { log "nbdkit $p filter missing"; missing=1; }
  done
  guestfs_env
  return "$missing"
}

case "${1:-}" in
  install) install_tools ;;
  check) check_tools ;;
  env) guestfs_env ;;
  *) die "usage: $0 install|check|env" ;;
esac
