# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#dddddd"
set logscale xy
set bars 2
set format y "10^{%L}"
set xtics ("10" 10, "20" 20, "30" 30) rotate by -30
set xrange [8:37.5]
set xlabel "dimension d (n = 2 d)"
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
  set multiplot layout 1,2 title "m_d(z) = (1/d) tr (S − zI)^{−1} against its limit m(z): 40 trials per point; bars: ± 2 standard errors; solid: least-squares fit, dashed: predicted slope\n "
  set ylabel "|mean over trials of m_d(z) − m(z)|"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 8.3
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "z = -1+0i", \
       exp(-7.0034252455098347)*x**(-0.03709344506668931) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope -0.037", \
       0.00081608647339555197*(x/18.171205928321406)**(-1) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 9 ps 1.3 lc rgb "#cc3311" title "z = 2+0.5i", \
       exp(4.189813664620023)*x**(-3.263738329762278) with lines lw 1.6 lc rgb "#cc3311" title "fit: slope -3.264", \
       0.005120518476744107*(x/18.171205928321406)**(-1) with lines dt 2 lw 1.4 lc rgb "#cc3311" title "predicted slope -1"
  set ylabel "trial-to-trial sd of m_d(z)"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 8.3
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "z = -1+0i", \
       exp(-1.4207879580975664)*x**(-0.99072458544499775) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope -0.991", \
       0.013653914722717644*(x/18.171205928321406)**(-1) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 9 ps 1.3 lc rgb "#cc3311" title "z = 2+0.5i", \
       exp(0.41712425878486137)*x**(-1.066419717180074) with lines lw 1.6 lc rgb "#cc3311" title "fit: slope -1.066", \
       0.068884752322616358*(x/18.171205928321406)**(-1) with lines dt 2 lw 1.4 lc rgb "#cc3311" title "predicted slope -1"
  unset multiplot
  set output
}
