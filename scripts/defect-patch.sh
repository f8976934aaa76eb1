#!/usr/bin/env bash
# Writes tests/submissions/LAB/DEFECT/defect.patch: what FOLDER (a whole submission, such as a
# copy of reference/LAB with the defect put in) changes in reference/LAB. FOLDER's
# EXPECTED_FAILURES is left out of the patch. Usage: defect-patch.sh LAB DEFECT FOLDER
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lab=${1:?usage: defect-patch.sh LAB DEFECT FOLDER}
defect=${2:?usage: defect-patch.sh LAB DEFECT FOLDER}
folder=$(cd "${3:?usage: defect-patch.sh LAB DEFECT FOLDER}" && pwd)
[[ -d $root/reference/$lab ]] || { echo "defect-patch: no reference/$lab" >&2; exit 2; }
mkdir -p "$root/tests/submissions/$lab/$defect"
patch_file=$root/tests/submissions/$lab/$defect/defect.patch
# Paths as a/FILE and b/FILE, without timestamps, so the patch changes only when the code does.
set +e
(cd "$root/reference/$lab" && diff -ruN -x EXPECTED_FAILURES -x defect.patch . "$folder") |
  sed -E -e '/^diff /d' \
         -e 's#^--- \./([^\t]*)\t.*#--- a/\1#' \
         -e "s#^\+\+\+ ${folder//#/\\#}/([^\t]*)\t.*#+++ b/\1#" >"$patch_file.tmp"
codes=("${PIPESTATUS[@]}")
set -e
if ((codes[0] > 1)); then
  rm -f "$patch_file.tmp"
  echo "defect-patch: diff failed" >&2
  exit 1
fi
if [[ ! -s $patch_file.tmp ]]; then
  rm -f "$patch_file.tmp"
  echo "defect-patch: $folder is the same as reference/$lab: no defect" >&2
  exit 1
fi
mv "$patch_file.tmp" "$patch_file"
echo "defect-patch: wrote tests/submissions/$lab/$defect/defect.patch"
