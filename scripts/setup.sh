#!/usr/bin/env bash
# Installs what k8ts needs on a Debian 12 machine with Node 20, idempotently, then builds it.
# Debian packages: only those missing are installed. npm packages: only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(etcd-server containerd runc containernetworking-plugins busybox-static nftables)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# etcd-server's package starts a system etcd on 2379; k8ts runs its own etcds, so keep that one off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
  systemctl stop etcd || true
fi
# containerd's package starts and enables a system containerd on /run/containerd; each k8ts node
# runs its own (own roots and socket), so keep the distro one stopped and off at boot.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet containerd 2>/dev/null; then
  systemctl disable --now containerd >/dev/null 2>&1 || true
elif command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet containerd 2>/dev/null; then
  systemctl stop containerd || true
fi

stamp=node_modules/.k8ts-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# tsc copies no data files: the CRI client loads its .proto from beside its compiled module.
find src -name '*.proto' | while read -r f; do mkdir -p "dist/$(dirname "$f")"; cp "$f" "dist/$f"; done
npx tsc -p tsconfig.json
