# plot_density.gp: written by rmtmc; the theory density (density.csv)
# Run from this directory: gnuplot plot_density.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#d8d8d8"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
set xrange [-0.2448848906669793:9.6670589825811319]
set yrange [0:0.72786108429348439]
set title "Limit eigenvalue density of S = XX^T/n at η = 0.5 (finite-d population, d = 1000)"
set label 20 user_text at graph 0.5, graph 1.02 center noenhanced front
set xlabel "eigenvalue λ of S"
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
  plot "density_curve.csv" skip 1 using 1:2 with lines lw 2.2 lc rgb "#cc3311" title "theory (finite-d population, η = d/n)"
  set output
}
