#!/usr/bin/env bash
# labgrade's package in a clean Debian 12, as a course's machines get it (issue 10):
#  1. cpack makes the .deb from the build tree; `labgrade gradescope` makes each lab's
#     autograder.zip with it.
#  2. debootstrap makes a minimal Debian 12 root from Debian's mirror: no compiler at all.
#  3. Gradescope's setup.sh, run in that root, installs the .deb with apt-get, which brings gcc,
#     binutils and labgrade's libraries, and no C++ compiler (checked).
#  4. `labgrade selftest <name>` grades every shipped lab there, each test in namespaces of its
#     own: full marks, with the installed files only (the labs' references are prebuilt: no
#     sources are installed).
#  5. `labgrade check shm-xfer` grades a student's copy of the reference, built by that gcc.
#  6. Every defective submission (build/submissions/<lab>/<defect>) is graded by its lab's
#     run_autograder in a Gradescope-shaped /autograder tree, each run in namespaces of its own
#     (as a container) under a seccomp filter that refuses namespaces, as Docker's default
#     profile does, four at once (each in a user namespace of its own, see gradescope_run):
#     results.json must say host mode and why, and every test must end as the
#     isolated grading pins it in EXPECTED_FAILURES (tests/integration/grading_test.cc holds
#     the isolated grading to that), but for the tests host mode cannot run (those with
#     `network:`), which count 0 out of 0.
# The root is of the distribution the package was built for: Debian 12 (bookworm), or Ubuntu
# 24.04 (noble, main and universe) on Ubuntu. It prints how long each part took. Exit 77 (CTest:
# skipped) when this machine cannot do it: not root, a tool missing, another distribution, or
# the mirror out of reach. Nothing is kept between runs. Commands run in the root as in a
# container: a mount namespace whose root it is (pivot_root), the host's folders unmounted.
# Usage: clean_root_test.sh BUILD_DIR NO_NAMESPACES
set -uo pipefail
build=$(cd "${1:?usage: clean_root_test.sh BUILD_DIR NO_NAMESPACES}" && pwd)
no_namespaces=${2:-}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# ---- Outside: a mount namespace of its own for everything mounted, and the cleanup. ---------
if [[ ${LABGRADE_CLEAN_ROOT_WORK:-} == "" ]]; then
  [[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, mounts, pivot_root)"
  [[ -x $no_namespaces ]] || skip "no-namespaces was not built (it needs libseccomp-dev)"
  for tool in debootstrap cpack unshare pivot_root jq unzip ip findmnt; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh installs it)"
  done
  . /etc/os-release
  case "$ID $VERSION_ID" in
    "debian 12" | "ubuntu 24.04") ;;
    *) skip "the package made here is for $PRETTY_NAME; the clean root is Debian 12 or Ubuntu 24.04" ;;
  esac
  work=$(mktemp -d /var/tmp/labgrade-clean-root-XXXXXX) || fail "mktemp"
  # Mounts made in there are private to it and go with it, so the folder is removed afterwards
  # without crossing into anything mounted.
  LABGRADE_CLEAN_ROOT_WORK=$work unshare --mount --propagation private "$0" "$@"
  status=$?
  if findmnt -rn -o TARGET | grep -q "^$work"; then
    echo "clean_root_test: something is still mounted under $work: left in place" >&2
    exit 1
  fi
  rm -rf --one-file-system "$work"
  exit $status
fi

# ---- Inside the mount namespace. -----------------------------------------------------------
work=$LABGRADE_CLEAN_ROOT_WORK
root=$work/root
started=$SECONDS
declare -A took
step() { printf '== %s (at %d s)\n' "$*" $((SECONDS - started)); }
# Runs a command in the root as a container would: in a mount namespace of its own whose root
# is the root (pivot_root, the host's folders unmounted), not a chroot, in which a cell's mount
# namespace would lead back to the host's root.
in_root() {
  unshare --mount --propagation private /bin/sh -c '
      cd "$1" && pivot_root . .old-root && umount -l /.old-root && shift &&
      exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 NO_COLOR=1 "$@"' sh "$root" "$@"
}
show_log() {
  tail -n 40 "$1" >&2
}

step "making the package and each lab's autograder.zip"
t=$SECONDS
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1 ||
  { show_log "$work/cpack.log"; fail "cpack"; }
deb=$(echo "$work"/package/labgrade_*.deb)
[[ -f $deb ]] || fail "cpack made no labgrade_*.deb"
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
# Gradescope's containers have no namespaces: a lab that says `isolation: required` is refused
# there (GradescopeIntegration tests the refusal) and has no autograder to try here.
all_labs=()
labs=()
for spec in "$source_dir"/labs/*/lab.yaml; do
  all_labs+=("$(basename "$(dirname "$spec")")")
  grep -q '^isolation: required' "$spec" || labs+=("$(basename "$(dirname "$spec")")")
done
for lab in "${labs[@]}"; do
  tree=$work/gradescope/$lab
  mkdir -p "$tree/source" "$tree/submission" "$tree/results"
  "$build/labgrade" gradescope "$source_dir/labs/$lab" --package "$deb" --out "$work/$lab.zip" \
    >"$work/gradescope-$lab.log" 2>&1 || { show_log "$work/gradescope-$lab.log"; fail "gradescope $lab"; }
  # What Gradescope does with the zip: unpacked into source/, run_autograder copied beside it.
  unzip -q "$work/$lab.zip" -d "$tree/source" || fail "unzip $lab.zip"
  cp "$tree/source/run_autograder" "$tree/run_autograder"
done
took[package]=$((SECONDS - t))

. /etc/os-release
if [[ $ID == debian ]]; then
  suite=bookworm components=main mirror=${LABGRADE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
else
  # labgrade's libraries (yaml-cpp, fmt) are in Ubuntu's universe.
  suite=noble components=main,universe mirror=${LABGRADE_UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
fi
step "debootstrap: a minimal $PRETTY_NAME from $mirror"
t=$SECONDS
if ! debootstrap --variant=minbase --components="$components" "$suite" "$root" "$mirror" \
       >"$work/debootstrap.log" 2>&1; then
  if grep -qE "Failed getting release file|Temporary failure resolving|Could not resolve|Couldn't download" \
       "$work/debootstrap.log"; then
    skip "Debian's mirror $mirror cannot be reached: $(grep -m1 -E 'Failed|failure|resolve|download' "$work/debootstrap.log")"
  fi
  show_log "$work/debootstrap.log"
  fail "debootstrap"
fi
took[debootstrap]=$((SECONDS - t))
# The root a mount of its own, as a container's is: a cell makes its mounts private from "/".
mount --bind "$root" "$root" || fail "mount $root"
mount -t proc proc "$root/proc" || fail "mount proc"
mount --rbind /dev "$root/dev" || fail "mount /dev"
mount -t sysfs sysfs "$root/sys" || fail "mount /sys"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/autograder" "$root/.old-root"
cp "$no_namespaces" "$root/usr/local/bin/no-namespaces"
if in_root sh -c 'command -v cc || command -v gcc' >/dev/null; then fail "the fresh root has a C compiler already"; fi

step "Gradescope's setup.sh installs the package (apt-get)"
t=$SECONDS
for lab in "${labs[@]}"; do
  # Each lab is an assignment of its own: its tree is /autograder while its setup.sh runs.
  mount --bind "$work/gradescope/$lab" "$root/autograder" || fail "mount /autograder"
  in_root /bin/bash /autograder/source/setup.sh >"$work/setup-$lab.log" 2>&1
  status=$?
  umount "$root/autograder"
  ((status == 0)) || { show_log "$work/setup-$lab.log"; fail "setup.sh of $lab"; }
  [[ -n ${took[install]:-} ]] || took[install]=$((SECONDS - t))
done
in_root labgrade --version || fail "labgrade --version"
if in_root sh -c 'command -v g++ || command -v c++ || command -v clang++'; then
  fail "installing labgrade brought a C++ compiler"
fi
if [[ -d $root/usr/share/labgrade/labs ]] && find "$root/usr/share/labgrade" -name '*.c' | grep -q /reference/; then
  fail "the package holds reference sources"
fi

step "labgrade selftest of every shipped lab, by name"
t=$SECONDS
shipped=$(ls "$root/usr/share/labgrade/labs")
[[ $(echo $shipped) == "$(printf '%s\n' "${all_labs[@]}" | sort | xargs)" ]] ||
  fail "shipped labs '$(echo $shipped)', expected '${all_labs[*]}'"
for lab in $shipped; do
  in_root labgrade selftest "$lab" >"$work/selftest-$lab.log" 2>&1 ||
    { show_log "$work/selftest-$lab.log"; fail "selftest $lab"; }
  echo "selftest $lab: $(grep -m1 '^Score:' "$work/selftest-$lab.log"), $(grep -m1 '^isolation:' "$work/selftest-$lab.log")"
  grep -q '^isolation:  isolated' "$work/selftest-$lab.log" || fail "selftest $lab: tests not isolated"
done
took[selftest]=$((SECONDS - t))

step "a student's check, compiled by the root's gcc"
t=$SECONDS
mkdir -p "$root/home/student"
cp -R "$source_dir/reference/shm-xfer" "$root/home/student/shm-xfer"
in_root labgrade check shm-xfer --submission /home/student/shm-xfer >"$work/check.log" 2>&1 ||
  { show_log "$work/check.log"; fail "check shm-xfer"; }
echo "check shm-xfer: $(grep -m1 '^Score:' "$work/check.log")"
took[check]=$((SECONDS - t))

# The tests of LAB with network conditions, which host mode cannot run (lab.yaml's tests are
# "  - name: X" items with keys indented by four).
network_tests() {
  awk '/^  - name: / { name = $3 } /^    network:/ { print name }' "$source_dir/labs/$1/lab.yaml"
}

# One Gradescope run on lane LANE: /autograder is the lab's tree with the submission and a
# results folder bound in, in namespaces of its own with loopback up (a container's), under the
# filter. Each container has a user namespace whose root is root, and whose other users (the
# sandbox users labgrade runs programs as) are outer ids of the lane's own: runs at once would
# otherwise share the sandbox users, whose process limits (counted per user) then fail each
# other's forks. Writes FAILED in the run's folder with the reasons when results.json is not as
# expected.
gradescope_run() {
  local lane=$1 lab=$2 defect=$3
  local run=$work/runs/$lab-$defect
  local ids=$((1000000 + lane * 65536))  # the lane's outer ids for its users 1..65535
  mkdir -p "$run/submission" "$run/results"
  cp -R "$build/submissions/$lab/$defect/." "$run/submission/"
  rm -f "$run/submission/EXPECTED_FAILURES"
  # The container says when it is in its new namespaces (the ready pipe); this shell then
  # writes its id maps and lets it go on (the go pipe). Both pipes are held open here, so that
  # neither side blocks opening one.
  mkfifo "$run/ready" "$run/go"
  local ready go
  exec {ready}<>"$run/ready" {go}<>"$run/go"
  unshare --user --mount --ipc --net --uts --propagation private \
    "$source_dir/tests/deploy/gradescope_container.sh" "$work/gradescope/$lab" "$run" "$root" \
    >"$run/stdout" 2>&1 {ready}>&- {go}>&- &
  local container=$!
  if read -r -t 60 -u "$ready" _; then
    # A map is written in one write(2): dd with a whole block, not line by line.
    local map file
    map=$(printf '0 0 1\n1 %d 65535' $((ids + 1)))
    for file in uid_map gid_map; do
      echo "$map" | dd of="/proc/$container/$file" bs=64 iflag=fullblock status=none
    done
    echo go >&"$go"
  else
    echo "the container did not start within 60 s" >>"$run/stdout"
    kill "$container"
  fi
  exec {ready}>&- {go}>&-
  wait "$container"
  local status=$?
  local results=$run/results/results.json problems=""
  if [[ ! -s $results ]]; then
    problems="run_autograder exited $status without results.json"
  else
    jq -e '.extra_data.isolation == "host"' "$results" >/dev/null ||
      problems+="results.json does not say host mode; "
    jq -e '.output | contains("Isolation: host mode (one test at a time): cannot create a test cell")' \
      "$results" >/dev/null || problems+="results.json does not say why host mode; "
    jq -e '.score == ([.tests[].score] | add)' "$results" >/dev/null ||
      problems+="the score is not the sum of the tests' scores; "
    local expected skipped name status score max
    expected=$(grep -v '^#' "$build/submissions/$lab/$defect/EXPECTED_FAILURES")
    skipped=$(network_tests "$lab")
    while IFS=$'\t' read -r name status score max; do
      if grep -qx "$name" <<<"$skipped"; then
        [[ $score == 0 && $max == 0 ]] || problems+="$name: host mode cannot run it, yet $score/$max; "
      elif grep -qx "$name" <<<"$expected"; then
        [[ $status == failed && $score == 0 ]] || problems+="$name: $status $score/$max, isolated it fails; "
      else
        [[ $status == passed && $score == "$max" && $max != 0 ]] ||
          problems+="$name: $status $score/$max, isolated it passes; "
      fi
    done < <(jq -r '.tests[] | [.name, .status, .score, .max_score] | @tsv' "$results")
  fi
  if [[ -n $problems ]]; then
    printf '%s/%s: %s\n' "$lab" "$defect" "$problems" >"$run/FAILED"
  fi
  printf '%s/%s: %s in %s\n' "$lab" "$defect" \
    "$(jq -r '"\(.score) points, \(.tests | map(select(.status == "passed")) | length) of \(.tests | length) tests passed"' "$results" 2>/dev/null)" \
    "$(jq -r '.execution_time | floor | tostring + " s"' "$results" 2>/dev/null)"
}

# Each lane grades every lanes-th submission, one after the other; the lanes run at once (the
# tests mostly wait, on timeouts).
lanes=4
gradescope_lane() {
  local lane=$1 i=0 expected defect_dir
  for expected in "$build"/submissions/*/*/EXPECTED_FAILURES; do
    defect_dir=$(dirname "$expected")
    [[ -d $work/gradescope/$(basename "$(dirname "$defect_dir")") ]] || continue
    if ((i++ % lanes == lane)); then
      gradescope_run "$lane" "$(basename "$(dirname "$defect_dir")")" "$(basename "$defect_dir")"
    fi
  done
}

step "Gradescope: run_autograder for every defective submission, namespaces refused, $lanes at once"
t=$SECONDS
for ((lane = 0; lane < lanes; ++lane)); do gradescope_lane "$lane" & done
wait
runs=$(ls "$build"/submissions/*/*/EXPECTED_FAILURES | wc -l)
took[gradescope]=$((SECONDS - t))
failed=$(cat "$work"/runs/*/FAILED 2>/dev/null)
if [[ -n $failed ]]; then
  echo "$failed" >&2
  for run in "$work"/runs/*/; do
    [[ -f $run/FAILED ]] && { echo "--- $run stdout" >&2; tail -n 20 "$run/stdout" >&2; }
  done
  fail "results.json of $(grep -c . <<<"$failed") submissions not as isolated grading pins them"
fi
((runs > 0)) || fail "no defective submissions in $build/submissions"

printf '== times: package and zips %d s, debootstrap %d s, install (setup.sh: apt-get update and install) %d s, selftest of %d labs %d s, a student'"'"'s check %d s, Gradescope %d runs %d s; in all %d s\n' \
  "${took[package]}" "${took[debootstrap]}" "${took[install]}" "${#labs[@]}" "${took[selftest]}" \
  "${took[check]}" "$runs" "${took[gradescope]}" $((SECONDS - started))
echo "PASSED"
