#!/usr/bin/env bash
# Shared helpers for the lab scripts. Source it; it sets no traps and starts nothing.
# Caches (slow to rebuild, shared by every clone): $FFO_CACHE (default ~/.cache/ffo-twin).
# Runtime state of this clone's lab (pids, logs, data): $FFO_LAB_DIR (default <repo>/.lab).
LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_ROOT/.." && pwd)
FFO_CACHE=${FFO_CACHE:-$HOME/.cache/ffo-twin}
FFO_LAB_DIR=${FFO_LAB_DIR:-$REPO_ROOT/.lab}
mkdir -p "$FFO_CACHE" "$FFO_LAB_DIR"
# pyenv shims come first in PATH on this machine kind; Debian's tools want Debian's python.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# ensure_apt PKG... : install the Debian packages that are missing (idempotent).
ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ ! -f "$FFO_CACHE/.apt-updated" ] || [ -n "$(find "$FFO_CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq && touch "$FFO_CACHE/.apt-updated"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# pid_alive FILE : true when FILE holds the pid of a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid FILE [SECONDS] : TERM the pid in FILE, wait, then KILL; never kills by name.
stop_pid() {
  local f=$1 t=${2:-20} pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < t * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# port_open PORT [HOST] : true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# wait_for SECONDS CMD... : poll CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local t=$1 i; shift
  for ((i = 0; i < t * 5; i++)); do "$@" && return 0; sleep 0.2; done
  return 1
}

# env_set FILE KEY VALUE : set KEY=VALUE in a shell-style env file (one per line).
env_set() {
  local f=$1 k=$2 v=$3
  touch "$f"
  grep -v "^$k=" "$f" >"$f.tmp" || true
  printf '%s=%q\n' "$k" "$v" >>"$f.tmp"
  chmod 600 "$f.tmp"
  mv "$f.tmp" "$f"
}
