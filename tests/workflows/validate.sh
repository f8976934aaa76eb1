#!/usr/bin/env bash
# Validates every workflow file under .github/ against GitHub's schema with action-validator
# (installed by `npm ci` here; scripts/test.sh does that), and checks that a broken one is
# rejected. Exit 77 (CTest: skipped) when the validator is not installed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
validator="$here/node_modules/.bin/action-validator"
if [[ ! -x $validator ]] || ! command -v node >/dev/null; then
  echo "action-validator is not installed (npm ci --prefix tests/workflows): skipped"
  exit 77
fi
status=0
while IFS= read -r -d '' workflow; do
  if "$validator" "$workflow" >/tmp/labgrade-validate.$$ 2>&1; then
    echo "valid:   ${workflow#$root/}"
  else
    echo "INVALID: ${workflow#$root/}"
    cat /tmp/labgrade-validate.$$
    status=1
  fi
done < <(find "$root/.github" -name '*.yml' -print0 | sort -z)
if "$validator" "$here/broken-workflow.yml" >/dev/null 2>&1; then
  echo "the validator accepted broken-workflow.yml: it checks nothing"
  status=1
else
  echo "rejected, as it must be: tests/workflows/broken-workflow.yml"
fi
rm -f /tmp/labgrade-validate.$$
exit $status
