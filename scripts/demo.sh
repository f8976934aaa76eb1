#!/usr/bin/env bash
# The demo: installs what is missing, builds labgrade, and grades every lab's reference
# solution (it must get full marks) and a few sample submissions, showing the student's view.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" || exit 1
"$root/scripts/build.sh" "$root/build" || exit 1
labgrade="$root/build/labgrade"

# A few defective samples per lab, to show what a student sees when something is wrong.
declare -A samples=(
  [shm-xfer]="semaphore-leak text-only-output spinning-reader does-not-compile"
  [mmap]="read-write-copy no-ftruncate map-private"
)

status=0
for lab_dir in "$root"/labs/*/; do
  lab=$(basename "$lab_dir")
  [[ -f $lab_dir/lab.yaml ]] || continue
  printf '\n=== %s: the reference solution (must score full marks) ===\n' "$lab"
  "$labgrade" selftest "$lab_dir" || status=1
  for sample in ${samples[$lab]:-}; do
    printf '\n=== %s: sample submission "%s" ===\n' "$lab" "$sample"
    "$labgrade" check "$lab_dir" --submission "$root/tests/submissions/$lab/$sample"
    # Exit status 1 means tests failed, as these samples should; 2 and 3 are real problems.
    (( $? >= 2 )) && status=1
  done
done
exit $status
