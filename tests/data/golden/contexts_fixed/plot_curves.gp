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
set xrange [0.00062500000000000001:1.6000000000000001]
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1120,460 noenhanced font ",10"
    } else {
      set terminal png size 1120,460 noenhanced
    }
  } else {
    set terminal svg size 1120,460 noenhanced dynamic font "sans,10"
  }
  set output "curves.".fmt
  set multiplot layout 1,2 title "generative contexts (Prop A): c = 9, k = 3, d = 20, n = 200, 100 trials; bars: mean +- 2 standard errors"
  set ylabel "E_train = (1/c) ||P - Phat||_F^2"
  plot "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "(1/c) sum_a <phat_a,p_a>/||p_a||^2"
  plot "curves.csv" skip 1 using ($1==2 ? $3 : NaN):($1==2 ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical", \
       "curves.csv" skip 1 using ($1==2 ? $3 : NaN):($1==2 ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb "#cc3311" title "theory"
  unset multiplot
  set output
}
