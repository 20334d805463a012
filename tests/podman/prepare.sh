#!/usr/bin/env bash
# Podman + Molecule prerequisites for linuxnet.fabric on Debian 12 (run as root). Idempotent: a second run
# only checks (under a second). Everything it writes lives in <repo>/.cache (git-ignored) and in
# podman's image store (the images below).
#
#   tests/podman/prepare.sh            # ensure everything, print the environment to use
#   eval "$(tests/podman/prepare.sh --env)"   # same, but only print `export ...` lines (for eval)
#   FORCE=1 tests/podman/prepare.sh    # rebuild the images and re-extract the collection
#
# Makes:
#   .cache/podman/containers.conf                  runc runtime, ulimits under the hard limit, netns=none
#   .cache/collections/ansible_collections/containers/podman   (from the `ansible` wheel; Galaxy unreachable)
#   .cache/collections/ansible_collections/linuxnet/fabric -> ../../../.. (this working tree)
#   localhost/fabric-node:07   debootstrap minbase bookworm + python3 iproute2 ... python3-pyroute2 (0.7.2)
#   localhost/fabric-node:09   :07 + pyroute2 0.9.x in /usr/local/lib/python3.11/dist-packages (shadows 0.7.2)
#   localhost/fabric-node:systemd-07, :systemd-09   the same plus systemd, which runs as PID 1 (CMD /sbin/init)
#
# Knobs (env): DEBIAN_MIRROR (default: the machine's apt mirror for bookworm), PYROUTE2_09 (default 0.9.7),
# ANSIBLE_WHEEL_VERSION (default 12.3.0 -> containers.podman 1.18.0), FORCE=1.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=$repo/.cache
conf=$cache/podman/containers.conf
collections=$cache/collections
PYROUTE2_09=${PYROUTE2_09:-0.9.7}
ANSIBLE_WHEEL_VERSION=${ANSIBLE_WHEEL_VERSION:-12.3.0}
FORCE=${FORCE:-0}
env_only=0
[ "${1:-}" = "--env" ] && env_only=1

log() { if [ $env_only = 1 ]; then echo "prepare: $*" >&2; else echo "prepare: $*"; fi; }
die() { echo "prepare: ERROR: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (podman runs rootful here)"

# --- 1. apt packages (same names as .ci/setup; containernetworking-plugins = podman 4.3's CNI backend) ----
apt_pkgs=(podman runc debootstrap containernetworking-plugins python3 python3-venv)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# The controller venv (ansible-core, molecule, testinfra, pip) comes from .ci/setup.
[ -x "$repo/.venv/bin/molecule" ] || { log "no .venv: running .ci/setup"; "$repo/.ci/setup" >&2; }
py=$repo/.venv/bin/python

# --- 2. private containers.conf ----------------------------------------------------------------------
mkdir -p "$cache/podman"
conf_text='# Written by tests/podman/prepare.sh -- use with CONTAINERS_CONF=<this file>.
[containers]
# podman default nofile/nproc exceed the hard limit of this machine -> container start fails.
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
# Safety net: a container started without --network gets no network at all (never the NATed "podman" net).
netns = "none"

[engine]
# crun 1.8.1 (bookworm) fails on hybrid cgroups: "cgroups in hybrid mode not supported".
runtime = "runc"
'
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$(printf '%s' "$conf_text")" ]; then
  printf '%s' "$conf_text" >"$conf"
  log "wrote $conf"
fi
export CONTAINERS_CONF=$conf

# --- 3. images ---------------------------------------------------------------------------------------
pkgs07=python3,iproute2,iputils-ping,nftables,procps,python3-pyroute2
if [ -z "${DEBIAN_MIRROR:-}" ]; then
  # The URI apt itself uses for the bookworm main archive (sources.list or deb822 .sources).
  # shellcheck disable=SC2016  # $(...) here is apt-get's own format syntax
  DEBIAN_MIRROR=$(apt-get indextargets --format '$(CODENAME) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
                  awk '$1 == "bookworm" {print $2; exit}')
  DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian/}
fi
recipe07=$(printf 'bookworm minbase %s' "$pkgs07" | sha256sum | cut -c1-12)
recipe09=$(printf '%s pyroute2==%s' "$recipe07" "$PYROUTE2_09" | sha256sum | cut -c1-12)
pkgs_systemd=systemd,systemd-sysv
recipe_sd07=$(printf 'bookworm minbase %s,%s' "$pkgs07" "$pkgs_systemd" | sha256sum | cut -c1-12)
recipe_sd09=$(printf '%s pyroute2==%s' "$recipe_sd07" "$PYROUTE2_09" | sha256sum | cut -c1-12)

image_recipe() { podman image inspect --format '{{ index .Labels "fabric.recipe" }}' "$1" 2>/dev/null || true; }
# Debian's 0.7.2 says pyroute2.__version__ == "unknown": ask the package metadata of the module actually imported.
pyroute2_in() {
  podman run --rm --network=none "$1" python3 -c 'import importlib.metadata as m, os, pyroute2
d = os.path.dirname(os.path.dirname(pyroute2.__file__))
print(next(x.version for x in m.distributions(path=[d]) if x.metadata["Name"] == "pyroute2"))'
}

work=$(mktemp -d /var/tmp/fabric-node.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the target; never rm -rf across a leftover mount.
  if findmnt -rn -o TARGET | grep -q "^$work/"; then
    findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r -n1 umount -l || true
  fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# debootstrap_image TAG PACKAGES RECIPE CMD: a minbase bookworm with PACKAGES, imported as TAG.
debootstrap_image() {
  log "building $1 (debootstrap from $DEBIAN_MIRROR, ~1-2 min)"
  t0=$SECONDS
  debootstrap --variant=minbase --include="$2" bookworm "$work/rootfs" "$DEBIAN_MIRROR" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | podman import -q \
    --change "CMD $4" \
    --change "LABEL fabric.recipe=$3" \
    --change "LABEL fabric.pyroute2=debian" \
    - "$1" >/dev/null
  rm -rf --one-file-system "$work/rootfs"
  log "built $1 in $((SECONDS - t0)) s"
}

# pyroute2_09_image BASE TAG RECIPE: BASE + pyroute2 $PYROUTE2_09 in /usr/local/lib/python3.11/dist-packages.
pyroute2_09_image() {
  log "building $2 (pyroute2==$PYROUTE2_09 over $1)"
  t0=$SECONDS
  if [ ! -d "$work/ctx/site" ]; then
    mkdir -p "$work/ctx"
    "$py" -m pip install -q --no-deps --target "$work/ctx/site" "pyroute2==$PYROUTE2_09" >&2
    rm -rf "$work/ctx/site/bin"
  fi
  printf 'FROM %s\nCOPY site/ /usr/local/lib/python3.11/dist-packages/\nLABEL fabric.recipe=%s fabric.pyroute2=%s\n' \
    "$1" "$3" "$PYROUTE2_09" >"$work/ctx/Containerfile"
  # COPY only (no RUN) and --network=none: the build never starts a container or touches a network.
  podman build -q --pull=never --network=none -t "$2" "$work/ctx" >/dev/null
  log "built $2 in $((SECONDS - t0)) s"
}

rebuilt=0
if [ "$FORCE" = 1 ] || [ "$(image_recipe localhost/fabric-node:07)" != "$recipe07" ]; then
  debootstrap_image localhost/fabric-node:07 "$pkgs07" "$recipe07" '["sleep", "infinity"]'
  rebuilt=1
fi
if [ "$FORCE" = 1 ] || [ $rebuilt = 1 ] || [ "$(image_recipe localhost/fabric-node:09)" != "$recipe09" ]; then
  pyroute2_09_image localhost/fabric-node:07 localhost/fabric-node:09 "$recipe09"
  rebuilt=1
fi
# Nodes that boot: systemd as PID 1 (scenario persist restarts them, as a reboot).
if [ "$FORCE" = 1 ] || [ "$(image_recipe localhost/fabric-node:systemd-07)" != "$recipe_sd07" ]; then
  debootstrap_image localhost/fabric-node:systemd-07 "$pkgs07,$pkgs_systemd" "$recipe_sd07" '["/sbin/init"]'
  rebuilt=2
fi
if [ "$FORCE" = 1 ] || [ $rebuilt = 2 ] || [ "$(image_recipe localhost/fabric-node:systemd-09)" != "$recipe_sd09" ]; then
  pyroute2_09_image localhost/fabric-node:systemd-07 localhost/fabric-node:systemd-09 "$recipe_sd09"
  rebuilt=1
fi
[ $rebuilt = 0 ] || podman image prune -f >/dev/null   # drop the untagged predecessors of replaced images

tags=(07 09 systemd-07 systemd-09)
expected="$recipe07 $recipe09 $recipe_sd07 $recipe_sd09"
if [ $rebuilt != 0 ] || [ ! -f "$cache/podman/images.ok" ] || [ "$(cat "$cache/podman/images.ok")" != "$expected" ]; then
  for tag in "${tags[@]}"; do
    v=$(pyroute2_in "localhost/fabric-node:$tag")
    case "$tag/$v" in
      *07/0.7.*|*09/"$PYROUTE2_09") log "verified: fabric-node:$tag -> pyroute2 $v" ;;
      *) die "fabric-node:$tag has pyroute2 $v (expected 0.7.x for *07, $PYROUTE2_09 for *09: sys.path order?)" ;;
    esac
  done
  echo "$expected" >"$cache/podman/images.ok"
fi

# --- 4. collections: containers.podman (from the `ansible` wheel) and linuxnet.fabric (this tree) ----------
FORCE=$FORCE ANSIBLE_WHEEL_VERSION=$ANSIBLE_WHEEL_VERSION "$repo/tests/collections.sh" >&2
dest=$collections/ansible_collections/containers/podman
podman_coll_version=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' \
  "$dest/MANIFEST.json")

# --- 5. how to use it --------------------------------------------------------------------------------------
env_lines="export CONTAINERS_CONF=$conf
export ANSIBLE_COLLECTIONS_PATH=$collections
export PATH=$repo/.venv/bin:\$PATH"
if [ $env_only = 1 ]; then
  echo "$env_lines"
else
  log "ready: images localhost/fabric-node:07, :09; containers.podman $podman_coll_version"
  echo "# Use with:"
  echo "$env_lines"
fi
