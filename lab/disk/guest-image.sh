#!/usr/bin/env bash
# A small bootable Debian 12 guest disk configured like an old VMware guest, for migration tests.
#   lab/disk/guest-image.sh build [--force]   build once into $FFO_CACHE/guest/ (needs root, ~5 min under TCG)
#   lab/disk/guest-image.sh path              print the image path; exit 1 when it is not built
# VMware-like means: the disk is /dev/sda (SCSI/IDE), fstab and grub.cfg say /dev/sda1 instead of UUID=,
# the NIC is ens192. So it boots on IDE but not on virtio-blk until it is converted (virt-v2v).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

GUEST_DIR=$FFO_CACHE/guest
IMAGE=$GUEST_DIR/debian-vmware.img
MANIFEST=$GUEST_DIR/debian-vmware.json
SIZE=2G
HOSTNAME_GUEST=ffo-guest
INCLUDE=linux-image-amd64,grub-pc,systemd-sysv,udev,kmod,initramfs-tools,e2fsprogs,ifupdown,isc-dhcp-client

built() { [ -s "$IMAGE" ] && [ -s "$MANIFEST" ]; }

# debian_mirror : the main Debian archive URI from this host's apt sources (deb822 or one-line format).
debian_mirror() {
  local uri
  uri=$(awk '
    /^URIs:/ { u = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && u != "") { print u; exit } }
    /^$/ { u = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 || true)
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt sources"
  printf '%s\n' "${uri%/}"
}

# step NAME CMD... : run CMD and log how long it took.
step() {
  local name=$1 s=$SECONDS; shift
  log "guest: $name ..."
  "$@"
  log "guest: $name done in $((SECONDS - s))s"
}

# cleanup_work DIR : remove a build dir. An interrupted debootstrap can leave /proc, /sys or a /dev bind mount
# inside it, so unmount those first and never let rm cross into another file system.
cleanup_work() {
  local m
  # grep finding no mount is the normal case: it must not fail the EXIT trap under `set -e -o pipefail`
  # (that once made a successful build exit 1 and leave its work dir behind).
  { findmnt -rn -o TARGET | grep -F "$1/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$1"
}

# quietly LOG CMD... : run CMD with its output in LOG; show the tail of LOG if it fails.
quietly() {
  local f=$1; shift
  "$@" >"$f" 2>&1 || { tail -n 30 "$f" >&2; die "$1 failed (log above)"; }
}

configure_root() {
  local r=$1
  # Old VMware guests name their root by device, not UUID; that is what conversion has to fix.
  printf '/dev/sda1 / ext4 errors=remount-ro 0 1\n' >"$r/etc/fstab"
  printf '%s\n' "$HOSTNAME_GUEST" >"$r/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$HOSTNAME_GUEST" >"$r/etc/hosts"
  cat >"$r/etc/network/interfaces" <<'NET'
source /etc/network/interfaces.d/*
auto lo
iface lo inet loopback
# vmxnet3 on PCI slot 192, as vSphere names it.
allow-hotplug ens192
iface ens192 inet dhcp
NET
  cat >"$r/etc/default/grub" <<'GRUB'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --speed=115200"
GRUB_DISABLE_LINUX_UUID=true
GRUB_DISABLE_RECOVERY=true
GRUB_DISABLE_OS_PROBER=true
GRUB
  # A fresh machine-id per boot copy; systemd creates it on first boot.
  : >"$r/etc/machine-id"
  rm -f "$r/var/lib/dbus/machine-id"
  # Keep the image small: no docs, man pages, locales or apt caches.
  rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
    "$r"/var/cache/apt/* "$r"/var/lib/apt/lists/* "$r"/var/log/*.log "$r"/var/cache/debconf/*-old
}

# write_grub_script FILE : the boot loader install that runs inside the libguestfs appliance (chrooted into the
# guest). The appliance kernel may name the guest disk sdb and its own root sda (seen here once: grub-install
# /dev/sda then hit the appliance's partitionless ext2 and failed), so target the disk that holds / and write
# grub.cfg with the name the guest itself will see, /dev/sda1. (losetup -P makes no partition nodes on this
# host kind, so grub-install cannot run on the host.)
write_grub_script() {
  cat >"$1" <<'SH'
#!/bin/sh
set -eu
root=$(findmnt -n -o SOURCE /)
disk=/dev/$(lsblk -n -o PKNAME "$root" | head -n1)
echo "install-grub: / is $root on $disk"
grub-install --target=i386-pc "$disk"
update-grub
sed -i -E "s#root=$root( |\$)#root=/dev/sda1\1#g" /boot/grub/grub.cfg
SH
}

# read_guest IMG OUTDIR : copy fstab and grub.cfg out of the image and record the root fs UUID.
# A read-only loop mount is seconds; libguestfs is the fallback where loop devices are unavailable.
read_guest() {
  local img=$1 out=$2 start mnt loop
  start=$(partx -g -o START -n 1 "$img" | tr -d ' ')
  mnt=$out/mnt
  mkdir -p "$mnt"
  if loop=$(losetup --find --show --read-only --offset $((start * 512)) "$img" 2>/dev/null) &&
    mount -o ro,noload "$loop" "$mnt" 2>/dev/null; then
    cp "$mnt/etc/fstab" "$out/fstab"
    cp "$mnt/boot/grub/grub.cfg" "$out/grub.cfg"
    blkid -o value -s UUID "$loop" >"$out/uuid"
    umount "$mnt"
    losetup -d "$loop"
  else
    [ -n "${loop:-}" ] && losetup -d "$loop" 2>/dev/null || true
    guestfish --ro -a "$img" -m /dev/sda1 <<GF
download /etc/fstab $out/fstab
download /boot/grub/grub.cfg $out/grub.cfg
GF
    guestfish --ro -a "$img" run : vfs-uuid /dev/sda1 >"$out/uuid"
  fi
  rmdir "$mnt"
}

verify_guest() {
  local out=$1
  grep -qE '^/dev/sda1[[:space:]]+/[[:space:]]' "$out/fstab" || die "guest fstab does not mount /dev/sda1 as /"
  grep -q 'root=/dev/sda1' "$out/grub.cfg" || die "guest grub.cfg does not boot root=/dev/sda1"
  grep -q 'console=ttyS0' "$out/grub.cfg" || die "guest grub.cfg has no serial console"
  [ -s "$out/uuid" ] || die "could not read the guest root fs UUID"
}

# pkg_version ROOT PKG : the version of PKG installed in the guest tree ROOT.
pkg_version() { dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Version}' "$2" 2>/dev/null || echo unknown; }
host_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }

build() {
  local force=0
  [ "${1:-}" = "--force" ] && force=1
  [ "$(id -u)" -eq 0 ] || die "guest-image.sh build must run as root (debootstrap, loop mounts)"
  mkdir -p "$GUEST_DIR"
  # One builder at a time across clones; the others wait and then find the image built.
  exec 9>"$GUEST_DIR/.build.lock"
  flock 9
  if built && [ "$force" = 0 ]; then
    log "guest image already built: $IMAGE"
    return 0
  fi
  local t0=$SECONDS mirror work
  mirror=$(debian_mirror)
  eval "$(bash "$LAB_ROOT/disk/disk-tools.sh" env)"
  export LIBGUESTFS_CACHEDIR=${LIBGUESTFS_CACHEDIR:-/var/tmp}
  log "guest: mirror $mirror, LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS:-<none>}"
  work=$(mktemp -d "$GUEST_DIR/.build.XXXXXX")
  # Interrupted builds leave nothing behind but this (removed) temp dir.
  # FFO_GUEST_KEEP_FAILED=1 keeps a failed build's dir for debugging; it is never picked up as a result.
  if [ "${FFO_GUEST_KEEP_FAILED:-0}" = 1 ]; then
    trap "[ -e '$work/guest.img' ] && log 'guest: failed build kept in $work' || cleanup_work '$work'" EXIT
  else
    trap "cleanup_work '$work'" EXIT
  fi
  trap 'exit 130' INT TERM
  step debootstrap quietly "$work/debootstrap.log" \
    debootstrap --variant=minbase --include="$INCLUDE" bookworm "$work/root" "$mirror"
  configure_root "$work/root"
  local kernel_pkg
  kernel_pkg=$(dpkg-query --admindir="$work/root/var/lib/dpkg" -W -f='${Package}\n' 'linux-image-[0-9]*' | head -n1)
  local v_kernel v_grub v_systemd v_ifupdown v_initramfs v_debian
  v_kernel=$(pkg_version "$work/root" "$kernel_pkg")
  v_grub=$(pkg_version "$work/root" grub-pc)
  v_systemd=$(pkg_version "$work/root" systemd)
  v_ifupdown=$(pkg_version "$work/root" ifupdown)
  v_initramfs=$(pkg_version "$work/root" initramfs-tools)
  v_debian=$(cat "$work/root/etc/debian_version")
  step tar tar -C "$work/root" -cf "$work/guest-root.tar" .
  rm -rf "$work/root"
  step virt-make-fs virt-make-fs --partition=mbr --type=ext4 --size="$SIZE" "$work/guest-root.tar" "$work/guest.img"
  rm -f "$work/guest-root.tar"
  write_grub_script "$work/install-grub.sh"
  step virt-customize virt-customize -a "$work/guest.img" --no-network --run "$work/install-grub.sh"
  read_guest "$work/guest.img" "$work"
  verify_guest "$work"
  local vsize sha uuid
  vsize=$(stat -c %s "$work/guest.img")
  sha=$(sha256sum "$work/guest.img" | cut -d' ' -f1)
  uuid=$(tr -d '\n' <"$work/uuid")
  local build_s=$((SECONDS - t0))
  cat >"$work/manifest.json" <<JSON
{
  "image": "debian-vmware.img",
  "format": "raw",
  "virtualSizeBytes": $vsize,
  "allocatedBytes": $(($(stat -c %b "$work/guest.img") * $(stat -c %B "$work/guest.img"))),
  "sha256": "$sha",
  "rootDevice": "/dev/sda1",
  "rootFsUuid": "$uuid",
  "hostname": "$HOSTNAME_GUEST",
  "nic": "ens192",
  "debianVersion": "$v_debian",
  "buildDate": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildSeconds": $build_s,
  "guestPackages": {
    "$kernel_pkg": "$v_kernel",
    "grub-pc": "$v_grub",
    "systemd": "$v_systemd",
    "initramfs-tools": "$v_initramfs",
    "ifupdown": "$v_ifupdown"
  },
  "hostTools": {
    "debootstrap": "$(host_version debootstrap)",
    "guestfs-tools": "$(host_version guestfs-tools)",
    "libguestfs0": "$(host_version libguestfs0)",
    "qemu-system-x86": "$(host_version qemu-system-x86)"
  }
}
JSON
  # Image first, manifest last: `built` needs both, so a crash in between only forces a rebuild.
  rm -f "$MANIFEST"
  mv -f "$work/guest.img" "$IMAGE"
  mv -f "$work/manifest.json" "$MANIFEST"
  log "guest image built in ${build_s}s: $IMAGE ($vsize bytes, root UUID $uuid)"
}

case "${1:-}" in
  build) shift; build "$@" ;;
  path) built || { log "guest image not built; run: bash lab/disk/guest-image.sh build"; exit 1; }; printf '%s\n' "$IMAGE" ;;
  *) die "usage: $0 build [--force] | path" ;;
esac
