# plot_density.gp: written by rmtmc; pooled eigenvalue histogram (density.csv) vs the theory density
# Run from this directory: gnuplot plot_density.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set xrange [-0.1001543289325507:3.4386319600175743]
set yrange [0:*]
set title "Eigenvalues of S = X X^T / n: d = 60, n = 120 (eta = d/n = 0.5), 100 trials, sigma identity, entries gaussian"
set xlabel "eigenvalue lambda of S (histogram pooled over trials, 24 bins)"
set ylabel "density of the a.c. part (count / (trials d bin width))"
set style fill solid 0.35 border
set arrow from 0.085786437626904952, graph 0 to 0.085786437626904952, graph 1 nohead dt 2 lw 1.5 lc rgb "#555555"
set arrow from 2.9142135623730949, graph 0 to 2.9142135623730949, graph 1 nohead dt 2 lw 1.5 lc rgb "#555555"
set label 1 "dashed: theory support edges" at graph 0.02, graph 0.96 left
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
  set output "density.".fmt
  plot "density.csv" skip 1 using 3:5:($2-$1) with boxes lc rgb "#4477aa" title "empirical (pooled)", \
       "density.csv" skip 1 using 3:6 with lines lw 2.5 lc rgb "#cc3311" title "theory (deterministic equivalent, eta = d/n)"
  set output
}
