# plot_stieltjes.gp: written by rmtmc; Stieltjes transform estimates (stieltjes.csv) vs the theory along the lines of the z grid
# Run from this directory: gnuplot plot_stieltjes.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#d8d8d8"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
set xrange [-1.4697056274847713:5.341025971044413]
set xlabel "Re z"
set bars 2
set offsets 0, 0, 0, 0
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1200,980 enhanced font "sans,11"
    } else {
      set terminal png size 1200,980 enhanced
    }
  } else {
    set terminal svg size 1200,980 enhanced dynamic font "sans,11"
  }
  set output "stieltjes.".fmt
  set multiplot layout 2,2 rowsfirst title "m(z) = (1/d) tr (S − zI)^{−1}: d = 60, n = 120, 100 trials; bars: mean ± 2 standard errors\n "
  set label 20 user_text at screen 0.5, screen 0.9612 center noenhanced front
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 6.9
  set yrange [-1.1802344156252631:3.9428036213542312]
  set ylabel "Re m(z)"
  unset arrow
  plot "stieltjes_curve.csv" index 0 using 3:4 with lines lw 2 lc rgb "#cc3311" title "theory, Im z = 0", \
       "stieltjes_curve.csv" index 1 using 3:4 with lines lw 2 lc rgb "#0077bb" title "theory, Im z = 0.2828", \
       "stieltjes.csv" skip 1 using ($2==0 ? $1 : NaN):3:(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#882255" title "empirical, Im z = 0", \
       "stieltjes.csv" skip 1 using ($2==0.28284271247461901 ? $1 : NaN):3:(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#33bbee" title "empirical, Im z = 0.2828"
  unset label 20
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 6.9
  set yrange [-0.11430039903479573:1.5430553869697423]
  set ylabel "Im m(z)"
  unset arrow
  plot "stieltjes_curve.csv" index 0 using 3:5 with lines lw 2 lc rgb "#cc3311" title "theory, Im z = 0", \
       "stieltjes_curve.csv" index 1 using 3:5 with lines lw 2 lc rgb "#0077bb" title "theory, Im z = 0.2828", \
       "stieltjes.csv" skip 1 using ($2==0 ? $1 : NaN):4:(2*$6) with yerrorbars pt 7 ps 1.1 lc rgb "#882255" title "empirical, Im z = 0", \
       "stieltjes.csv" skip 1 using ($2==0.28284271247461901 ? $1 : NaN):4:(2*$6) with yerrorbars pt 7 ps 1.1 lc rgb "#33bbee" title "empirical, Im z = 0.2828"
  set yrange [-0.017081318121065277:0.011474074034727074]
  set ylabel "Re (m_{emp} − m_{theory})"
  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb "black"
  set key below center horizontal box maxcols 1 height 0.6
  set bmargin 6.9
  plot "stieltjes.csv" skip 1 using 1:($3-$7):(2*$5) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical − theory", \
       "stieltjes.csv" skip 1 using 1:9 with points pt 4 ps 1.5 lw 2 lc rgb "#228833" title "predicted 1/d bias μ(z)/d"
  set yrange [-0.011372037618201786:0.0029269029552638397]
  set ylabel "Im (m_{emp} − m_{theory})"
  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb "black"
  set key below center horizontal box maxcols 1 height 0.6
  set bmargin 6.9
  plot "stieltjes.csv" skip 1 using 1:($4-$8):(2*$6) with yerrorbars pt 7 lc rgb "#4477aa" title "empirical − theory", \
       "stieltjes.csv" skip 1 using 1:10 with points pt 4 ps 1.5 lw 2 lc rgb "#228833" title "predicted 1/d bias μ(z)/d"
  unset arrow
  unset multiplot
  set output
}
