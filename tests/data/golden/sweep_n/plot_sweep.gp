# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid
set logscale xy
set key below maxrows 2
set bmargin 10
set xtics (20, 40)
set xrange [15.384615384615383:52]
set xlabel "samples n (d = 10 fixed)"
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
  set multiplot layout 1,2 title "m_d(z) = (1/d) tr (S - zI)^{-1} vs its limit m(z): 30 trials per point; lines: least-squares fits"
  set ylabel "|mean over trials of m_d(z) - m(z)|"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $12 : NaN) with points pt 7 ps 1.5 lc 1 title "z = -1+0i", \
       exp(-29.659387447238544)*x**(6.1396120356407824) with lines lc 1 title "fit slope 6.140 (predicted -1)"
  set ylabel "trial-to-trial sd of m_d(z)"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $15 : NaN) with points pt 7 ps 1.5 lc 1 title "z = -1+0i", \
       exp(-4.1236161130449682)*x**(0.03564415468229519) with lines lc 1 title "fit slope 0.036 (predicted -0.5)"
  unset multiplot
  set output
}
