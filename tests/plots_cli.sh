#!/usr/bin/env bash
# Pictures and the HTML report: a small spectrum study with --out draws PNG
# and SVG pictures (gnuplot) and writes report.html with them embedded; the
# ridge study draws its curves; with gnuplot off PATH the study still exits 0,
# says how to get the pictures, and report.html is still written; --no-plots.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

args="spectrum --d 60 --n 40 --trials 20 --seed 3 --z=-1,6,1+0.3i --bins 20 --backend cpu --threads 2 --quiet"
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

"$RMTMC" $args --out "$work/s" 2>"$work/s.err" && ok "spectrum --out exits 0" || bad "spectrum --out exits 0"
for f in plot_density.gp plot_stieltjes.gp report.html; do
  [ -s "$work/s/$f" ] && ok "wrote $f" || bad "wrote $f"
done
check_pictures() { # dir stem...
  local dir=$1; shift
  for stem in "$@"; do
    python3 - "$dir/$stem.png" "$dir/$stem.svg" <<'PY' && ok "$stem.png is a PNG, $stem.svg parses as XML" || bad "$stem.png / $stem.svg"
import sys, xml.etree.ElementTree as ET
png = open(sys.argv[1], "rb").read()
assert len(png) > 1000 and png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
root = ET.parse(sys.argv[2]).getroot()
assert root.tag.endswith("svg"), root.tag
PY
  done
}
if [ $have_gnuplot = 1 ]; then
  check_pictures "$work/s" density stieltjes
  python3 - "$work/s/report.html" <<'PY' && ok "report.html: html, embedded PNG pictures, verdict column" || bad "report.html contents"
import sys
h = open(sys.argv[1]).read()
assert "<html" in h and "</html>" in h
assert h.count('src="data:image/png;base64,') == 2, "expected two embedded pictures"
assert "verdict" in h and ("agrees" in h or "DISAGREES" in h)
assert "m(z) = (1/d) tr (S - zI)" in h
PY
  grep -q "atom at 0" "$work/s/plot_density.gp" && ok "d > n: the density picture marks the atom at 0" || bad "atom at 0 marked"
else
  skip "gnuplot not installed here: picture checks (install gnuplot-nox)"
fi

# gnuplot missing from PATH: still exit 0, say how to get the pictures, report.html without pictures.
mkdir -p "$work/empty"
PATH="$work/empty" "$RMTMC" $args --out "$work/np" 2>"$work/np.err"
rc=$?
[ $rc -eq 0 ] && ok "without gnuplot on PATH the study exits 0" || bad "without gnuplot: exit $rc"
grep -q "gnuplot-nox" "$work/np.err" && grep -q "gnuplot plot_" "$work/np.err" &&
  ok "without gnuplot: stderr says how to get the pictures" || { bad "without gnuplot: message"; cat "$work/np.err"; }
[ -s "$work/np/report.html" ] && grep -q "<html" "$work/np/report.html" && ! grep -q "data:image/png" "$work/np/report.html" &&
  ok "without gnuplot: report.html written, no pictures" || bad "without gnuplot: report.html"
[ -s "$work/np/plot_density.gp" ] && [ ! -e "$work/np/density.png" ] && ok "without gnuplot: scripts kept for later" || bad "without gnuplot: scripts"

"$RMTMC" $args --out "$work/nop" --no-plots 2>"$work/nop.err" && [ ! -e "$work/nop/plot_density.gp" ] &&
  [ ! -e "$work/nop/density.png" ] && [ -s "$work/nop/report.html" ] && [ ! -s "$work/nop.err" ] &&
  ok "--no-plots: no scripts or pictures, report.html written" || bad "--no-plots"

"$RMTMC" ridge --d 40 --n 80 --trials 6 --threads 2 --quiet --out "$work/r" && [ -s "$work/r/curves.csv" ] &&
  [ -s "$work/r/plot_curves.gp" ] && grep -q "<html" "$work/r/report.html" && ok "ridge --out: curves.csv, plot_curves.gp, report.html" || bad "ridge --out"
[ $have_gnuplot = 1 ] && check_pictures "$work/r" curves
"$RMTMC" generative mixture --d 40 --n 80 --trials 6 --threads 2 --quiet --out "$work/g" &&
  grep -q "^1,etest," "$work/g/curves.csv" && [ -s "$work/g/report.html" ] && ok "generative mixture --out: curves.csv, report.html" || bad "generative --out"
[ -s "$work/r/theory_curves.csv" ] && [ "$(wc -l < "$work/r/theory_curves.csv")" -ge 300 ] &&
  grep -q "ridgeless limit" "$work/r/plot_curves.gp" && grep -q "λ\*" "$work/r/plot_curves.gp" &&
  ok "ridge picture: the theory as a curve of 300 points, lambda* and the ridgeless point marked" || bad "ridge theory curve"
"$RMTMC" generative contexts --contexts 9 --k 3 --d 12 --n 90 --trials 6 --threads 2 --quiet --out "$work/c" &&
  grep -q "^3,spread," "$work/c/curves.csv" && grep -q "spread" "$work/c/plot_curves.gp" &&
  ok "contexts picture: every verdict row is plotted, the spread included" || bad "contexts spread panel"
[ $have_gnuplot = 1 ] && check_pictures "$work/c" curves

# rmtmc theory --out: the density and m(z) pictures and a report
"$RMTMC" theory --sigma points:1:0.5,4:0.5 --eta 0.5 --z=-1,2+0.1i --out "$work/t" 2>/dev/null &&
  [ -s "$work/t/plot_density.gp" ] && [ -s "$work/t/plot_stieltjes.gp" ] && [ -s "$work/t/stieltjes_curve.csv" ] &&
  grep -q "<html" "$work/t/report.html" && ok "theory --out: density and m(z) scripts, report.html" || bad "theory --out"
if [ $have_gnuplot = 1 ]; then
  check_pictures "$work/t" density stieltjes
  [ "$(grep -o 'src="data:image/png;base64,' "$work/t/report.html" | wc -l)" -eq 2 ] &&
    ok "theory report.html embeds both pictures" || bad "theory report.html pictures"
fi

# A law over more than two decades (26 intervals): log lambda axis, lambda x density, a fine curve.
"$RMTMC" theory --sigma ar1:0.9 --d 200 --eta 0.1 --out "$work/t9" 2>/dev/null &&
  grep -q "set logscale x" "$work/t9/plot_density.gp" && grep -q 'using 1:(\$1\*\$2)' "$work/t9/plot_density.gp" &&
  [ "$(wc -l < "$work/t9/density_curve.csv")" -ge 4000 ] &&
  ! grep -q "set logscale x" "$work/t/plot_density.gp" &&
  ok "theory density over 2.8 decades: log axis, lambda x density, 4000 points (not for a narrow law)" ||
  bad "theory log-axis density"

# A spiked density: the BBP location and the empirical outlier are marked.
"$RMTMC" spectrum --d 40 --n 80 --trials 10 --sigma spike:3 --z=-1 --threads 2 --quiet --out "$work/k" &&
  grep -q "BBP: spike 4" "$work/k/plot_density.gp" && grep -q "empirical extreme eigenvalue" "$work/k/plot_density.gp" &&
  grep -q "density_curve.csv" "$work/k/plot_density.gp" && [ "$(wc -l < "$work/k/density_curve.csv")" -ge 400 ] &&
  ok "spiked density: theory on a refined grid, BBP and empirical outliers marked" || bad "spiked density picture"

# User text never enters a script: a Sigma file whose path has quotes,
# a backquote and $(...) is named in plot_labels.txt only, and gnuplot
# draws the pictures without running anything.
odd="$work/odd \"dir\" \`touch pwned1\` \$(touch pwned2)"
mkdir -p "$odd" && for i in 1 2 3 4 5 6 7 8 9 10; do echo "$i"; done > "$odd/s.txt"
"$RMTMC" spectrum --d 10 --n 20 --trials 6 --sigma "file:$odd/s.txt" --threads 2 --quiet --out "$work/u" 2>/dev/null &&
  ! grep -q "touch pwned" "$work/u"/*.gp && grep -q "touch pwned" "$work/u/plot_labels.txt" &&
  [ ! -e "$work/pwned1" ] && [ ! -e "$work/pwned2" ] && [ ! -e "$work/u/pwned1" ] && [ ! -e "$work/u/pwned2" ] &&
  ok "user text: the Sigma spec is data (plot_labels.txt), never part of a gnuplot script" || bad "user text in scripts"
[ $have_gnuplot = 1 ] && check_pictures "$work/u" density stieltjes

finish
