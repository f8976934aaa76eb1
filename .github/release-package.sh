#!/usr/bin/env bash
# The release workflow's build, on Debian 12 or Ubuntu 24.04: checks that the tag being
# released is CMakeLists.txt's project version, installs what is missing, builds labgrade and
# its shipped labs' bundles (build/bundles/), and makes the .deb (build/labgrade_*.deb).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(labgrade VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
if [[ v$version != "${GITHUB_REF_NAME:-v$version}" ]]; then
  echo "::error::tag $GITHUB_REF_NAME, but CMakeLists.txt says version $version" >&2
  exit 1
fi
git config --global --add safe.directory "$PWD"  # a container's root does not own the checkout
sudo=""
[[ $(id -u) -eq 0 ]] || sudo=sudo
$sudo bash scripts/install-deps.sh
bash scripts/build.sh build -DLABGRADE_TESTS=OFF
(cd build && cpack -G DEB)
