# plot_density.gp: written by rmtmc; pooled eigenvalue histogram (density.csv) vs the theory density (density_curve.csv)
# Run from this directory: gnuplot plot_density.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#d8d8d8"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
set xrange [-0.13353910524340093:3.4720167363284244]
set yrange [0:1.0803366862404755]
set title "Eigenvalues of S = XX^T/n: d = 40, n = 80 (η = d/n = 0.5), 150 trials"
set label 20 user_text at graph 0.5, graph 1.02 center noenhanced front
set xlabel "eigenvalue λ of S  (histogram pooled over the trials)"
set ylabel "density of the absolutely continuous part"
set tmargin 5
set style fill solid 0.35 border lc rgb "#4477aa"
$bbp << EOD
EOD
$emp << EOD
EOD
set key below center horizontal box maxcols 2 height 0.6
set bmargin 5.6
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1000,660 enhanced font "sans,11"
    } else {
      set terminal png size 1000,660 enhanced
    }
  } else {
    set terminal svg size 1000,660 enhanced dynamic font "sans,11"
  }
  set output "density.".fmt
  plot "density.csv" skip 1 using 3:5:($2-$1) with boxes lc rgb "#4477aa" title "empirical (pooled, 24 bins)", \
       "density_curve.csv" skip 1 using 1:2 with lines lw 2.2 lc rgb "#cc3311" title "theory (finite-d population, η = d/n)"
  set output
}
