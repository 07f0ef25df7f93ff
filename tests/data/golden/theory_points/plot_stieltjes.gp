# plot_stieltjes.gp: written by rmtmc; m(z) of the limit law along the real axis and the lines of the z asked for
# Run from this directory: gnuplot plot_stieltjes.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#d8d8d8"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
set xrange [-3.2549824825835132:12.554932432822122]
set xlabel "Re z"
set key below center horizontal box maxcols 2 height 0.6
set bmargin 6.9
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1200,600 enhanced font "sans,11"
    } else {
      set terminal png size 1200,600 enhanced
    }
  } else {
    set terminal svg size 1200,600 enhanced dynamic font "sans,11"
  }
  set output "stieltjes.".fmt
  set multiplot layout 1,2 title "m(z) = ∫ dν(x)/(x − z) of the limit law at η = 0.5 (d = 1000, n = 2000); gaps: the support\n "
  set label 20 user_text at screen 0.5, screen 0.9367 center noenhanced front
  set yrange [-0.4631821019643465:1.2562048486204032]
  set ylabel "Re m(z)"
  plot "stieltjes_curve.csv" index 0 using 3:4 with lines lw 2 lc rgb "#cc3311" title "Im z = 0", \
       "stieltjes_curve.csv" index 1 using 3:4 with lines lw 2 lc rgb "#0077bb" title "Im z = 0.1", \
       "stieltjes.csv" skip 1 using 1:3 with points pt 7 ps 1.4 lc rgb "black" title "the z asked for (--z)"
  unset label 20
  set yrange [-0.11517064232055876:1.2668770655261463]
  set ylabel "Im m(z)"
  plot "stieltjes_curve.csv" index 0 using 3:5 with lines lw 2 lc rgb "#cc3311" title "Im z = 0", \
       "stieltjes_curve.csv" index 1 using 3:5 with lines lw 2 lc rgb "#0077bb" title "Im z = 0.1", \
       "stieltjes.csv" skip 1 using 1:4 with points pt 7 ps 1.4 lc rgb "black" title "the z asked for (--z)"
  unset multiplot
  set output
}
