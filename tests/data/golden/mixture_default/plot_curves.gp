# plot_curves.gp: written by rmtmc; empirical (curves.csv) vs the theory (theory_curves.csv)
# Run from this directory: gnuplot plot_curves.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#d8d8d8"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
set logscale x
set bars 2
set xlabel "ridge γ (log scale)"
set format x "10^{%L}"
set xrange [0.0063999999999999977:1.5625]
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 620,550 enhanced font "sans,11"
    } else {
      set terminal png size 620,550 enhanced
    }
  } else {
    set terminal svg size 620,550 enhanced dynamic font "sans,11"
  }
  set output "curves.".fmt
  set multiplot layout 1,1 title "generative mixture (Prop. B): c = 3 classes, k = 4, d = 30, n = 60, 70 trials\nlines: theory; points: Monte Carlo (MC) mean ± 2 standard errors\n "
  set label 20 user_text at screen 0.5, screen 0.8982 center noenhanced front
  set ylabel "E_{test} = (1/c) Σ_a (‖p_a − W^T μ_a‖^2 + ‖W‖_F^2)"
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 5.6
  plot "theory_curves.csv" skip 1 using 1:2 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#4477aa" title "Monte Carlo"
  unset arrow 1
  unset label 1
  unset label 20
  unset multiplot
  set output
}
