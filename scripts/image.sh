#!/usr/bin/env bash
# The connector's container image, as Airbyte runs it, built and run here without a
# registry or a Docker daemon (podman).
#
#   scripts/image.sh build        builds IMAGE (dockerRepository:dockerImageTag of
#                                 metadata.yaml) from the Dockerfile and prints its size
#   scripts/image.sh run [podman-run-options] -- [connector arguments]
#                                 runs it the way this machine can: runc, explicit limits,
#                                 the host's network (to reach a local klarna-sandbox)
#   scripts/image.sh name         prints IMAGE
#
# On a fresh Debian 12, as root, with only apt reachable: it installs podman, buildah,
# debootstrap, runc, fuse-overlayfs, uidmap and slirp4netns, and makes the Debian
# base image locally with debootstrap from this machine's own Debian mirror (cached in
# $IMAGE_CACHE, default /var/cache/source-klarna). Elsewhere, `podman build .` or
# `docker build .` uses the public debian:bookworm-slim.
set -euo pipefail
cd "$(dirname "$0")/.."

metadata_field() { awk -v key="$1:" '$1 == key {print $2; exit}' metadata.yaml; }
image="$(metadata_field dockerRepository):$(metadata_field dockerImageTag)"
# Bump the number when make_base changes, so machines that kept the old base make it again.
base=localhost/debian-slim-klarna:bookworm-2
cache=${IMAGE_CACHE:-/var/cache/source-klarna}

install_tools() {
  local missing=()
  for tool in podman buildah debootstrap runc fuse-overlayfs newuidmap slirp4netns; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "image: installing podman buildah debootstrap runc fuse-overlayfs uidmap slirp4netns (apt-get)" >&2
  apt-get update -q > /dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    podman buildah debootstrap runc fuse-overlayfs uidmap slirp4netns > /dev/null
}

# The first Debian mirror apt uses here (deb822 .sources or a one-line sources.list).
debian_mirror() {
  local mirror
  mirror=$(awk '$1 == "URIs:" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${mirror:-http://deb.debian.org/debian}"
}

# What Debian's own slim images leave out: downloaded packages, package lists,
# documentation but its copyright files, manuals and translations, now and in
# whatever a later apt-get install adds.
slim() {
  local root=$1
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
  find "$root"/usr/share/doc -type f ! -name copyright -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
  cat > "$root"/etc/dpkg/dpkg.cfg.d/slim <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/info/*
CFG
  cat > "$root"/etc/apt/apt.conf.d/slim <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
}

# A minimal Debian bookworm root file system as the local base image; the tarball
# is kept, so later builds (and CI runs on a machine that keeps it) skip debootstrap.
make_base() {
  podman image exists "$base" && return
  local tarball="$cache/debian-bookworm-slim-2.tar"
  if [ ! -s "$tarball" ]; then
    local mirror rootfs
    mirror=$(debian_mirror)
    rootfs=$(mktemp -d)
    echo "image: debootstrap --variant=minbase bookworm from $mirror (about a minute)" >&2
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$rootfs.log" 2>&1 \
      || { tail -20 "$rootfs.log" >&2; exit 1; }
    slim "$rootfs"
    mkdir -p "$cache"
    tar -C "$rootfs" -c . > "$tarball.part" && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs" "$rootfs.log"
  fi
  podman import -q "$tarball" "$base" > /dev/null
}

case "${1:-}" in
  name)
    echo "$image"
    ;;
  build)
    install_tools
    make_base
    echo "image: podman build -t $image (the build stage compiles source-klarna)" >&2
    podman build -q --network host --build-arg BASE="$base" -t "$image" . > /dev/null
    size=$(podman image inspect --format '{{.Size}}' "$image")
    echo "image: $image, $((size / 1024 / 1024)) MiB"
    ;;
  run)
    shift
    options=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    # runc: this host's hybrid cgroups defeat crun; the limits must be explicit, as
    # rootful podman cannot raise them past the host's.
    nofile=$(ulimit -Hn)
    exec podman --runtime runc run --rm -i --network host \
      --ulimit "nofile=$nofile:$nofile" --ulimit nproc=32768:32768 \
      "${options[@]}" "$image" "$@"
    ;;
  *)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
