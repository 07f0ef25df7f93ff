# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid
set logscale xy
set key below maxrows 2
set bmargin 10
set xtics (10, 20, 30)
set xrange [7.6923076923076916:39]
set xlabel "dimension d (n = 2 d)"
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1100,600 noenhanced font ",10"
    } else {
      set terminal png size 1100,600 noenhanced
    }
  } else {
    set terminal svg size 1100,600 noenhanced dynamic font "sans,10"
  }
  set output "sweep.".fmt
  set multiplot layout 1,2 title "m_d(z) = (1/d) tr (S - zI)^{-1} vs its limit m(z): 40 trials per point; lines: least-squares fits"
  set ylabel "|mean over trials of m_d(z) - m(z)|"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $12 : NaN) with points pt 7 ps 1.5 lc 1 title "z = -1+0i", \
       exp(-7.0034252455098347)*x**(-0.03709344506668931) with lines lc 1 title "fit slope -0.037 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):($5==2 ? $12 : NaN) with points pt 9 ps 1.5 lc 2 title "z = 2+0.5i", \
       exp(4.189813664620023)*x**(-3.263738329762278) with lines lc 2 title "fit slope -3.264 (predicted -1)"
  set ylabel "trial-to-trial sd of m_d(z)"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $15 : NaN) with points pt 7 ps 1.5 lc 1 title "z = -1+0i", \
       exp(-1.4207879580975664)*x**(-0.99072458544499775) with lines lc 1 title "fit slope -0.991 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):($5==2 ? $15 : NaN) with points pt 9 ps 1.5 lc 2 title "z = 2+0.5i", \
       exp(0.41712425878486137)*x**(-1.066419717180074) with lines lc 2 title "fit slope -1.066 (predicted -1)"
  unset multiplot
  set output
}
