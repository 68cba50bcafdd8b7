#!/usr/bin/env bash
# Builds the Debian package: dist/packages/k8ts_<version>_<arch>.deb (dpkg-deb), holding
#   /usr/lib/k8ts/          the compiled program (no tests) and its production node_modules
#   /usr/bin/k8ts           -> ../lib/k8ts/dist/src/cmd/k8ts.js
#   /lib/systemd/system/    one unit per component (packaging/systemd)
#   /etc/k8ts/              default config files, generated from src/cmd/config (conffiles)
#   /etc/default/k8ts       the services' process environment (conffile)
#   /usr/share/doc/k8ts/    the reference pages
# and the maintainer scripts in packaging/debian. Usage: scripts/package.sh [OUT_DIR]
# K8TS_PACKAGE_NO_BUILD=1 skips setup/compile (the tests build before they package).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist/packages}")
[ "${K8TS_PACKAGE_NO_BUILD:-}" = 1 ] || bash scripts/setup.sh >&2

version=$(node -p 'require("./package.json").version')
arch=$(dpkg --print-architecture)   # better-sqlite3 is a native module: the package is per architecture
stage=$(mktemp -d /tmp/k8ts-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
lib=$root/usr/lib/k8ts
mkdir -p "$lib/dist" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/k8ts" "$root/etc/default" "$root/usr/share/doc/k8ts/reference" "$root/DEBIAN"

# The program: compiled JavaScript and the data files it loads (.proto), no tests, no source maps.
# (cp, not tar: a concurrent tsc may rewrite a file meanwhile, which tar reports as an error.)
(cd dist && find src -type f \( -name '*.js' -o -name '*.proto' \) ! -name '*.test.js' ! -path 'src/*/testing*' -print0 |
  xargs -0 cp --parents -t "$lib/dist")
cp package.json package-lock.json "$lib/"
# Production dependencies: the packages `npm ls --omit=dev` names, copied from the checkout's
# installed tree (no network; native modules are already built for this Node), without what only
# building or type-checking needs (C sources, object files, .d.ts, source maps).
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed "s|^$PWD/||" |
  grep -E '^node_modules/' | grep -Ev '^node_modules/(@[^/]+/)?[^/@]+/node_modules/' | sort -u > "$stage/prod-modules"
tar --exclude='node_modules/better-sqlite3/deps' --exclude='node_modules/better-sqlite3/src' \
  --exclude='node_modules/better-sqlite3/build/Release/obj*' --exclude='node_modules/better-sqlite3/build/Release/.deps' \
  --exclude='node_modules/better-sqlite3/build/Release/*.a' --exclude='node_modules/better-sqlite3/build/Release/test_extension.node' \
  --exclude='README.md' --exclude='CHANGELOG.md' --exclude='HISTORY.md' --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' \
  -cf - -T "$stage/prod-modules" | tar -xf - -C "$lib"
for dep in $(node -p 'Object.keys(require("./package.json").dependencies ?? {}).join(" ")'); do
  [ -f "$lib/node_modules/$dep/package.json" ] || { echo "package: dependency $dep is not installed; run npm ci" >&2; exit 1; }
done
chmod 0755 "$lib/dist/src/cmd/k8ts.js"
ln -s ../lib/k8ts/dist/src/cmd/k8ts.js "$root/usr/bin/k8ts"

install -m 0644 packaging/systemd/*.service "$root/lib/systemd/system/"
# `k8ts install` reads the units and /etc/default/k8ts from beside dist/, in a checkout as here.
mkdir -p "$lib/packaging/systemd" "$lib/packaging/default"
install -m 0644 packaging/systemd/*.service "$lib/packaging/systemd/"
install -m 0644 packaging/default/k8ts "$lib/packaging/default/"
node dist/src/cmd/config/generate.js --etc "$root/etc/k8ts" --docs "$root/usr/share/doc/k8ts/reference"
install -m 0644 packaging/default/k8ts "$root/etc/default/k8ts"
find "$root/etc" -type f | sed "s|^$root||" | sort > "$root/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: k8ts
Version: $version
Architecture: $arch
Maintainer: k8ts developers <k8ts@localhost>
Installed-Size: $size
Depends: nodejs (>= 20)
Recommends: containerd, runc, containernetworking-plugins, nftables, busybox-static
Suggests: etcd-server
Section: admin
Priority: optional
Homepage: https://github.com/k8ts/k8ts
Description: Kubernetes written in TypeScript on Node.js
 A container cluster manager that kubectl and the Kubernetes client libraries
 drive unchanged: API server, controller manager, scheduler, kubelet and
 service proxy, each a systemd service configured in /etc/k8ts, or the whole
 cluster in one service (k8ts-server).
CONTROL

mkdir -p "$out"
deb="$out/k8ts_${version}_${arch}.deb"
# zstd: several times faster than xz on this much JavaScript, and dpkg in Debian 12 reads it.
dpkg-deb --root-owner-group -Zzstd -z3 --build "$root" "$deb" >/dev/null
echo "$deb"
