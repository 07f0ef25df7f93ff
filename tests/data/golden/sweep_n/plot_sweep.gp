# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#dddddd"
set logscale xy
set bars 2
set format y "10^{%L}"
set xtics ("20" 20, "40" 40) rotate by -30
set xrange [16:50]
set xlabel "samples n (d = 10 fixed)"
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1250,640 enhanced font "sans,11"
    } else {
      set terminal png size 1250,640 enhanced
    }
  } else {
    set terminal svg size 1250,640 enhanced dynamic font "sans,11"
  }
  set output "sweep.".fmt
  set multiplot layout 1,2 title "m_d(z) = (1/d) tr (S − zI)^{−1} against its limit m(z): 30 trials per point; bars: ± 2 standard errors; solid: least-squares fit, dashed: predicted slope\n "
  set ylabel "|mean over trials of m_d(z) − m(z)|"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 7.0
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "z = -1+0i", \
       exp(-29.659387447238544)*x**(6.1396120356407824) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope 6.140", \
       0.0001074026030895053*(x/28.284271247461898)**(-1) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -1"
  set ylabel "trial-to-trial sd of m_d(z)"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 7.0
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "z = -1+0i", \
       exp(-4.1236161130449682)*x**(0.03564415468229519) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope 0.036", \
       0.018233723756636955*(x/28.284271247461898)**(-0.5) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -0.5"
  unset multiplot
  set output
}
