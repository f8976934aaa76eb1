#!/usr/bin/env bash
# The demo: installs what is missing, builds labgrade, and grades every lab's reference
# solution (it must get full marks) and a few sample submissions, showing the student's view,
# then grades a small class the way an instructor does and shows its gradebook and summary.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" || exit 1
"$root/scripts/build.sh" "$root/build" || exit 1
labgrade="$root/build/labgrade"
# The defective samples, made by the build from tests/submissions/<lab>/<defect>/defect.patch.
samples_dir="$root/build/submissions"

# A few defective samples per lab, to show what a student sees when something is wrong.
declare -A samples=(
  [shm-xfer]="semaphore-leak text-only-output spinning-reader does-not-compile"
  [shm-xfer-fixed-keys]="wrong-semaphore-key writer-semaphore-leak"
  [mmap]="read-write-copy no-ftruncate map-private"
  [tcp-echo]="iterative-server never-closes-connection no-sigchld-reaping"
  [udp-echo]="no-retransmission"
)

status=0
for lab_dir in "$root"/labs/*/; do
  lab=$(basename "$lab_dir")
  [[ -f $lab_dir/lab.yaml ]] || continue
  printf '\n=== %s: the reference solution (must score full marks) ===\n' "$lab"
  "$labgrade" selftest "$lab_dir" || status=1
  for sample in ${samples[$lab]:-}; do
    printf '\n=== %s: sample submission "%s" ===\n' "$lab" "$sample"
    "$labgrade" check "$lab_dir" --submission "$samples_dir/$lab/$sample"
    # Exit status 1 means tests failed, as these samples should; 2 and 3 are real problems.
    (( $? >= 2 )) && status=1
  done
done

# A small class: one folder per student (the folder's name is the student id), made of the
# reference and samples of the mmap lab (the quicker one), graded in parallel. Students fail
# here on purpose, and this part never changes the demo's exit status: it only shows.
grade_small_class() {
  local class=$1
  mkdir "$class/submissions" || return 1
  cp -r "$root/reference/mmap" "$class/submissions/ada" || return 1
  local pair
  for pair in grace:read-write-copy linus:no-ftruncate margaret:map-private ken:does-not-compile; do
    cp -r "$samples_dir/mmap/${pair#*:}" "$class/submissions/${pair%%:*}" || return 1
  done
  # Piped through cat, the progress is one line per student, as in a CI log.
  "$labgrade" grade "$root/labs/mmap" --submissions "$class/submissions" --out "$class/out" \
    2>&1 | cat || return 1
  printf '\n--- gradebook.csv ---\n'
  tr -d '\r' <"$class/out/gradebook.csv"
  printf '\n--- summary.md ---\n'
  cat "$class/out/summary.md"
  printf '\n(and, per student, <id>/report.txt and results.json; report.html is the class page)\n'
}

printf '\n=== a class of 5 students (labgrade grade) ===\n'
if class=$(mktemp -d /var/tmp/labgrade-demo-class-XXXXXX); then
  grade_small_class "$class" || echo "demo: grading the small class did not work (see above)" >&2
  rm -rf "$class"
fi
exit $status
