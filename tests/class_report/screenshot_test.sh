#!/usr/bin/env bash
# report.html as an instructor sees it: grades a class of two (the mmap reference and a
# submission that does not compile), renders report.html in headless Chromium at 1280 px wide
# and checks the screenshot: the cells that lost points are highlighted and the "did not build"
# note is on screen. scripts/install-deps.sh installs Chromium (about a minute of apt-get on the
# 2-core machine); where it is missing the test skips (exit 77).
# Usage: screenshot_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=${1:?usage: screenshot_test.sh SOURCE_DIR BUILD_DIR}
build_dir=${2:?usage: screenshot_test.sh SOURCE_DIR BUILD_DIR}
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIP: no chromium here (apt-get install chromium to run this test)"
  exit 77
fi
scratch=$(mktemp -d /var/tmp/labgrade-screenshot-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/class"
cp -r "$source_dir/reference/mmap" "$scratch/class/ada"
cp -r "$build_dir/submissions/mmap/does-not-compile" "$scratch/class/linus"
chmod -R a+rX "$scratch"
"$build_dir/labgrade" grade "$source_dir/labs/mmap" --submissions "$scratch/class" \
  --out "$scratch/graded" >"$scratch/grade.log" 2>&1 || { cat "$scratch/grade.log"; exit 1; }
# A tall window: only the width is under test.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
  --screenshot="$scratch/report.png" "file://$scratch/graded/report.html" \
  >"$scratch/browser.log" 2>&1 || { cat "$scratch/browser.log"; exit 1; }
python3 - "$scratch/report.png" <<'PY'
import struct, sys, zlib

def pixels(path):
    """The PNG's width, height and rows of (r, g, b) tuples (8-bit RGB or RGBA, no interlace)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows

width, height, rows = pixels(sys.argv[1])
assert width == 1280, f"the screenshot is {width} px wide, not 1280"
counts = {}
for row in rows:
    for rgb in row:
        counts[rgb] = counts.get(rgb, 0) + 1
lost = counts.get((0xff, 0xdd, 0xdd), 0)    # td.lost's background: a cell that lost points
note = counts.get((0xbb, 0x22, 0x22), 0)    # .bad: "did not build" in the notes column
failures = []
if lost < 500:
    failures.append(f"no highlighted cell on screen ({lost} pixels of #fdd)")
if note < 20:
    failures.append(f"the 'did not build' note is not on screen at 1280 px ({note} pixels of #b22)")
if failures:
    sys.exit("; ".join(failures))
print(f"report.html at 1280 px: {lost} px of highlighted cells, {note} px of the note")
PY
