#!/usr/bin/env bash
# Installs what labgrade needs to build and run, from Debian 12's packages, only when missing.
# Run as root (or with sudo available). Safe to run again. Usage: install-deps.sh [--tests]
set -euo pipefail

# Debian 12 names Boost 1.81 explicitly; elsewhere (Ubuntu 24.04: 1.83) the default Boost.
boost=libboost-dev
if grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null; then boost=libboost1.81-dev; fi

packages=(
  g++ gcc make cmake ninja-build pkg-config   # the toolchain (gcc also builds the C labs)
  "$boost"                                   # Boost.Regex (header-only)
  libyaml-cpp-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev                               # GoogleTest
  util-linux                                 # ipcs, which the IPC probe runs
  iproute2 procps                            # ip, tc, ps: network labs and debugging
  binutils                                   # nm: the imports check reads what a program calls
  patch                                      # makes the tests' defective submissions
  dpkg-dev                                   # dpkg-shlibdeps: the .deb's library dependencies
  debootstrap libseccomp-dev unzip jq        # tests/deploy: a clean Debian 12 root, Gradescope
)

# --tests: also what only the test suite uses (scripts/test.sh passes it).
if [[ ${1:-} == --tests ]]; then
  packages+=(chromium python3)               # tests/class_report: report.html in a real browser
fi

# Node.js and npm run the workflow-file validator in the tests (tests/workflows).
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
