# plot_stieltjes.gp: written by rmtmc; Stieltjes transform estimates (stieltjes.csv) vs the theory
# Run from this directory: gnuplot plot_stieltjes.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set xrange [0.5:5.5]
set xtics ("-1+0i" 1, "4.871+0i" 2, "0.7929+0.2828i" 3, "1.5+0.2828i" 4, "2.207+0.2828i" 5) rotate by -30
set xlabel "z (point j of the grid, in the order of stieltjes.csv)"
set bars 2
set key below
set bmargin 9
set offsets 0, 0, graph 0.08, graph 0.08
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1100,860 noenhanced font ",10"
    } else {
      set terminal png size 1100,860 noenhanced
    }
  } else {
    set terminal svg size 1100,860 noenhanced dynamic font "sans,10"
  }
  set output "stieltjes.".fmt
  set multiplot layout 2,2 title "m(z) = (1/d) tr (S - zI)^{-1}: d = 60, n = 120, 100 trials; bars: mean +- 2 standard errors"
  set ylabel "Re m(z)"
  unset arrow
  plot "stieltjes.csv" skip 1 using ($0+1):3:(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical mean", \
       "stieltjes.csv" skip 1 using ($0+1):7 with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "Im m(z)"
  unset arrow
  plot "stieltjes.csv" skip 1 using ($0+1):4:(2*$6) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical mean", \
       "stieltjes.csv" skip 1 using ($0+1):8 with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "theory"
  set ylabel "Re (m_emp - m_theory)"
  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb "black"
  plot "stieltjes.csv" skip 1 using ($0+1):($3-$7):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical - theory", \
       "stieltjes.csv" skip 1 using ($0+1):9 with points pt 4 ps 1.5 lc rgb "#228833" title "predicted 1/d bias mu(z)/d"
  set ylabel "Im (m_emp - m_theory)"
  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb "black"
  plot "stieltjes.csv" skip 1 using ($0+1):($4-$8):(2*$6) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical - theory", \
       "stieltjes.csv" skip 1 using ($0+1):10 with points pt 4 ps 1.5 lc rgb "#228833" title "predicted 1/d bias mu(z)/d"
  unset arrow
  unset multiplot
  set output
}
