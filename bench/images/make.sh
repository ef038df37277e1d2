#!/bin/sh
# Remakes the bundled site's images from the drawings here: the SVG is copied as it is,
# the others are drawn by headless Chromium at twice their size (sharp on any screen;
# knead resizes them for each reader). Run from the repository: sh bench/images/make.sh
set -eu
here=$(dirname "$0")
out=content/images
mkdir -p "$out"
cp "$here/back-regions.svg" "$out/back-regions.svg"
chrome=${CHROMIUM:-chromium}
for name in desk-posture tennis-ball-wall; do
  size=$(sed -n 's/.*viewBox="0 0 \([0-9]*\) \([0-9]*\)".*/\1,\2/p' "$here/$name.svg" | head -n 1)
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=2 \
    --window-size="$size" --default-background-color=f7f8faff \
    --screenshot="$PWD/$out/$name.png" "file://$PWD/$here/$name.svg" >/dev/null 2>&1
done
ls -l "$out"
