#!/usr/bin/env bash
# Build vcsim (vCenter simulator), govc (CLI), vcsim-cbt (vcsim + ext/*.go: a test-grade QueryChangedDiskAreas
# emulation and shared port groups/datastores) and vcsim-seed (seed/main.go, the estate seeder) from Debian only:
#   - toolchain + libraries: golang-go (1.19), golang-github-vmware-govmomi-dev (0.24.2), google-uuid, kr-pretty
#   - main packages: the Debian *source* package golang-github-vmware-govmomi 0.24.2 (its orig tarball still has
#     vcsim/ and govc/, the -dev package drops them), fetched through a private deb-src list (/etc/apt untouched).
# GOPATH mode, GO111MODULE=off, GOPROXY=off: no Go module proxy, no network besides the Debian archive.
#
# Everything goes to ${FFO_CACHE}/vcsim/ (outside the clone, shared by clones):
#   bin/{vcsim,govc,vcsim-cbt,vcsim-seed}  gocache/  gopath/  gopath-cbt/  src/  apt/
# Idempotent: builds only what is missing, vcsim-cbt again when an ext/*.go file changed, vcsim-seed again
# when seed/main.go changed. FORCE=1 rebuilds the binaries (with a warm Go cache that takes about a second).
# Usage: lab/vcsim/build.sh            Cold (apt + fetch + build) on 2 cores: ~2 min; nothing to do: <0.5 s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

VER=0.24.2
DEBREV=3
SRCPKG=golang-github-vmware-govmomi
W=$FFO_CACHE/vcsim
BIN=$W/bin
ORIG=$W/src/${SRCPKG}_${VER}.orig.tar.xz
SEED=$HERE/seed/main.go
mkdir -p "$W" "$BIN"

# One build at a time per cache (clones share it).
exec 9>"$W/.build.lock"
flock 9

# 1. Debian binary packages: Go toolchain and library sources under /usr/share/gocode.
ensure_apt golang-go golang-github-vmware-govmomi-dev golang-github-google-uuid-dev golang-github-kr-pretty-dev \
  xz-utils debian-archive-keyring ca-certificates openssl curl jq

# 2. Debian source package (orig tarball; the signed Sources index verifies its checksum).
if [ ! -s "$ORIG" ]; then
  log "fetching Debian source package $SRCPKG $VER"
  mkdir -p "$W/apt/lists/partial" "$W/apt/cache/archives/partial" "$W/src"
  # Reuse the Debian mirror this machine's apt already uses (deb822 or one-line format).
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" >"$W/apt/sources.list"
  aptopt=(-o Dir::Etc::SourceList="$W/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o Dir::State::Lists="$W/apt/lists" -o Dir::Cache="$W/apt/cache" -o APT::Sandbox::User=root)
  apt-get "${aptopt[@]}" update -qq
  (cd "$W/src" && { apt-get "${aptopt[@]}" source --download-only -qq "$SRCPKG=$VER-$DEBREV" ||
    apt-get "${aptopt[@]}" source --download-only -qq "$SRCPKG"; })
  [ -s "$ORIG" ] || die "source package download did not produce $ORIG"
fi

# unpack_tree DIR : DIR/src/github.com/vmware/govmomi = pristine upstream tree from the orig tarball.
unpack_tree() {
  local gm=$1/src/github.com/vmware/govmomi
  rm -rf "$gm" "$1/src/github.com/vmware/govmomi-$VER"
  mkdir -p "$(dirname "$gm")"
  tar -C "$(dirname "$gm")" -xJf "$ORIG"
  mv "$(dirname "$gm")/govmomi-$VER" "$gm"
}

# 3. GOPATH trees: the full upstream source first, Debian's /usr/share/gocode (uuid, kr/pretty...) second.
GP=$W/gopath
GM=$GP/src/github.com/vmware/govmomi
if [ ! -f "$GM/vcsim/main.go" ] || [ ! -f "$GM/govc/main.go" ]; then
  unpack_tree "$GP"
fi

export GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local GOCACHE="$W/gocache" CGO_ENABLED=0
LDFLAGS="-s -w -X github.com/vmware/govmomi/govc/flags.GitVersion=$VER-debian"

# gobuild NAME DIR PKG GOPATH : build PKG (relative to DIR) to $BIN/NAME atomically.
gobuild() {
  local name=$1 dir=$2 pkg=$3 gopath=$4 t0=$SECONDS
  log "go build $name"
  (cd "$dir" && GOPATH="$gopath" go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  log "built $BIN/$name in $((SECONDS - t0)) s ($(du -h "$BIN/$name" | cut -f1))"
}

for cmd in vcsim govc; do
  if [ -n "${FORCE:-}" ] || [ ! -x "$BIN/$cmd" ]; then
    gobuild "$cmd" "$GM" "./$cmd" "$GP:/usr/share/gocode"
  fi
done

# 4. vcsim-cbt: a second tree with the lab extensions in package simulator (stock vcsim stays unpatched):
#    - ext/vcsim_cbt_ext.go: CBT (QueryChangedDiskAreas, changeId) + a one-line hook after
#      `snapshot.Config = *vm.Config` in CreateSnapshotTask;
#    - ext/vcsim_lab_ext.go: shared standard port groups and datastores; wraps the renamed stock methods.
#    The tree is re-created (and vcsim-cbt rebuilt) whenever an ext/*.go file or this recipe changes.
GPC=$W/gopath-cbt
GC=$GPC/src/github.com/vmware/govmomi
RECIPE=2 # bump when the patch steps below change
stamp="recipe=$RECIPE $(cd "$HERE/ext" && sha256sum ./*.go | sha256sum | cut -c1-64)"
if [ "$(cat "$GC/.ffo-lab-ext" 2>/dev/null)" != "$stamp" ]; then
  rm -f "$BIN/vcsim-cbt"
  unpack_tree "$GPC"
  S=$GC/simulator
  sed -i 's/^\(\t*\)snapshot.Config = \*vm.Config$/&\n\1cbtOnSnapshot(snapshot, vm)/' "$S/virtual_machine.go"
  sed -i 's/^func (s \*HostNetworkSystem) AddPortGroup(/func (s *HostNetworkSystem) stockAddPortGroup(/' \
    "$S/host_network_system.go"
  sed -i -e 's/^func (dss \*HostDatastoreSystem) CreateLocalDatastore(/func (dss *HostDatastoreSystem) stockCreateLocalDatastore(/' \
    -e 's/^func (dss \*HostDatastoreSystem) CreateNasDatastore(/func (dss *HostDatastoreSystem) stockCreateNasDatastore(/' \
    "$S/host_datastore_system.go"
  grep -q 'cbtOnSnapshot(snapshot, vm)' "$S/virtual_machine.go" || die "CBT hook patch failed"
  grep -q 'stockAddPortGroup(' "$S/host_network_system.go" || die "AddPortGroup rename failed"
  [ "$(grep -c 'HostDatastoreSystem) stockCreate' "$S/host_datastore_system.go")" = 2 ] || die "datastore rename failed"
  cp "$HERE"/ext/*.go "$S/"
  echo "$stamp" >"$GC/.ffo-lab-ext" # last: marks the tree as complete
fi
if [ -n "${FORCE:-}" ] || [ ! -x "$BIN/vcsim-cbt" ]; then
  gobuild vcsim-cbt "$GC" ./vcsim "$GPC:/usr/share/gocode"
fi

# 5. vcsim-seed: the estate seeder (package main against the stock govmomi tree).
SD=$GP/src/ffo-twin/vcsim-seed
if [ -f "$SEED" ]; then
  if [ ! -f "$SD/main.go" ] || ! cmp -s "$SEED" "$SD/main.go"; then
    rm -f "$BIN/vcsim-seed"
    mkdir -p "$SD"
    cp "$SEED" "$SD/main.go"
  fi
  if [ -n "${FORCE:-}" ] || [ ! -x "$BIN/vcsim-seed" ]; then
    gobuild vcsim-seed "$SD" . "$GP:/usr/share/gocode"
  fi
fi

log "vcsim binaries in $BIN: $(cd "$BIN" && ls | tr '\n' ' ')($("$BIN/govc" version))"
