# plot_edge.gp: written by rmtmc; standardised extreme eigenvalues (edge_density.csv, edge_samples.csv) vs Tracy-Widom
# Run from this directory: gnuplot plot_edge.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set key top left box opaque
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1000,620 noenhanced font ",10"
    } else {
      set terminal png size 1000,620 noenhanced
    }
  } else {
    set terminal svg size 1000,620 noenhanced dynamic font "sans,10"
  }
  set output "edge_hist.".fmt
  set title "Standardised extreme eigenvalues vs the TW1 density: d = 30, n = 60, 120 trials, sigma identity, entries gaussian"
  set xlabel "standardised statistic: (lambda_max - mu)/sigma at the top, (mu - lambda_min)/sigma at the bottom (log scale: log(lambda/mu)/tau)"
  set ylabel "density"
  set style fill transparent solid 0.35 border
  set yrange [0:*]
  plot "edge_density.csv" skip 1 using 1:3 with boxes lc rgb "#4477aa" title "lambda_max (KS p = 0.979)", \
       "edge_density.csv" skip 1 using 1:4 with boxes lc rgb "#228833" title "lambda_min, mirrored (KS p = 0.0667)", \
       "edge_density.csv" skip 1 using 1:2 with lines lw 2.5 lc rgb "#cc3311" title "TW1 density"
  set output
}
set style fill empty
set yrange [*:*]
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 760,700 noenhanced font ",10"
    } else {
      set terminal png size 760,700 noenhanced
    }
  } else {
    set terminal svg size 760,700 noenhanced dynamic font "sans,10"
  }
  set output "edge_qq.".fmt
  set title "QQ plot against TW1: d = 30, n = 60, 120 trials, sigma identity, entries gaussian" noenhanced
  set xlabel "TW1 quantile at (i + 1/2)/trials"
  set ylabel "sample quantile of the standardised statistic"
  plot x with lines dt 2 lc rgb "#555555" title "y = x", \
       "edge_samples.csv" skip 1 using 2:3 with points pt 7 ps 0.5 lc rgb "#4477aa" title "lambda_max", \
       "edge_samples.csv" skip 1 using 2:4 with points pt 7 ps 0.5 lc rgb "#228833" title "lambda_min (mirrored)"
  set output
}
