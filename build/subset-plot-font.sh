#!/usr/bin/env bash
# build/subset-plot-font.sh: remakes the plot fonts embedded in Rl.Training (src/Training/Plotting/*-subset.ttf) from Debian's
# DejaVu fonts: Latin-1, Greek, common punctuation, arrows and mathematical signs, no hinting, no layout tables (the plots'
# own font reader, OutlineFont.cs, reads cmap, hmtx, loca and glyf only). Needs fonts-dejavu-core and python3-fonttools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
unicodes="U+0020-007E,U+00A0-00FF,U+0391-03A9,U+03B1-03C9,U+2010-2027,U+2030,U+2032,U+2033,U+2190-2193,U+2212,U+2215,U+221A,U+221E,U+2248,U+2260,U+2264,U+2265,U+25A0-25CF"
for face in DejaVuSans DejaVuSans-Bold; do
  /usr/bin/python3 -m fontTools.subset "/usr/share/fonts/truetype/dejavu/$face.ttf" --unicodes="$unicodes" --no-hinting \
    --layout-features='' --drop-tables+=GPOS,GSUB,GDEF,FFTM,MATH,gasp --output-file="$root/src/Training/Plotting/$face-subset.ttf"
done
