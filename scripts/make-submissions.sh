#!/usr/bin/env bash
# Makes the defective submissions the tests and the demo grade: each is stored as
# tests/submissions/<lab>/<defect>/defect.patch (a diff against reference/<lab>, so that every
# defect reads as the few lines it changes) next to its EXPECTED_FAILURES. This copies
# reference/<lab> to OUT/<lab>/<defect>/, applies the patch there and adds the defect's other
# files. Usage: make-submissions.sh OUT
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-submissions.sh OUT}

# OUT is made afresh, so that a defect removed from tests/ is not graded from a stale copy.
[[ -n $out && $out != / ]] || { echo "make-submissions: refusing OUT \"$out\"" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
status=0
for defect_dir in "$root"/tests/submissions/*/*/; do
  defect_dir=${defect_dir%/}
  defect=$(basename "$defect_dir")
  lab=$(basename "$(dirname "$defect_dir")")
  target=$out/$lab/$defect
  mkdir -p "$target"
  cp -R "$root/reference/$lab/." "$target/"
  for file in "$defect_dir"/*; do
    [[ $(basename "$file") == defect.patch ]] || cp -R "$file" "$target/"
  done
  [[ -f $defect_dir/defect.patch ]] || continue
  if ! log=$(patch --batch --forward --silent --no-backup-if-mismatch --reject-file=- -p1 -d "$target" \
               <"$defect_dir/defect.patch" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "make-submissions: tests/submissions/$lab/$defect/defect.patch no longer applies to" \
         "reference/$lab; edit a copy of the defect and remake the patch with" \
         "scripts/defect-patch.sh (see labs/README.md)" >&2
    rm -rf "$target"
    status=1
  fi
done
exit $status
