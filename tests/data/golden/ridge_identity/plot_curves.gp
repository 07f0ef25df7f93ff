# plot_curves.gp: written by rmtmc; empirical vs theory curves (curves.csv)
# Run from this directory: gnuplot plot_curves.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set logscale x
set bars 2
set xlabel "ridge lambda (log scale)"
set key below
set bmargin 5
set offsets 0, 0, graph 0.08, graph 0.08
set xrange [0.0062499999999999995:1.6000000000000001]
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1120,880 noenhanced font ",10"
    } else {
      set terminal png size 1120,880 noenhanced
    }
  } else {
    set terminal svg size 1120,880 noenhanced dynamic font "sans,10"
  }
  set output "curves.".fmt
  set multiplot layout 2,2 title "ridge: d = 30, n = 60, sigma identity, ||beta||^2 = 1, sigma2 = 1, 70 trials; bars: mean +- 2 standard errors"
  set ylabel "excess risk (bhat-beta)^T Sigma (bhat-beta)"
  plot "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "training error (1/n) ||y - X bhat||^2"
  plot "curves.csv" skip 1 using ($1==2 ? $3 : NaN):($1==2 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==2 ? $3 : NaN):($1==2 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "GCV (theory: risk + sigma2)"
  plot "curves.csv" skip 1 using ($1==3 ? $3 : NaN):($1==3 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==3 ? $3 : NaN):($1==3 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "1 - tr H / n (theory: lambda / kappa)"
  plot "curves.csv" skip 1 using ($1==4 ? $3 : NaN):($1==4 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==4 ? $3 : NaN):($1==4 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  unset multiplot
  set output
}
