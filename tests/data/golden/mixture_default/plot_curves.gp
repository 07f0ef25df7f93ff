# plot_curves.gp: written by rmtmc; empirical vs theory curves (curves.csv)
# Run from this directory: gnuplot plot_curves.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set logscale x
set bars 2
set xlabel "ridge gamma (log scale)"
set key below
set bmargin 5
set offsets 0, 0, graph 0.08, graph 0.08
set xrange [0.0062499999999999995:1.6000000000000001]
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 560,460 noenhanced font ",10"
    } else {
      set terminal png size 560,460 noenhanced
    }
  } else {
    set terminal svg size 560,460 noenhanced dynamic font "sans,10"
  }
  set output "curves.".fmt
  set multiplot layout 1,1 title "generative mixture (Prop B): c = 3, k = 4, d = 30, n = 60, 70 trials; bars: mean +- 2 standard errors"
  set ylabel "E_test = (1/c) sum_a (||p_a - W^T mu_a||^2 + ||W||_F^2)"
  plot "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  unset multiplot
  set output
}
