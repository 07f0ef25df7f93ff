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
set xlabel "ridge λ (log scale)"
set format x "10^{%L}"
set xrange [0.0063999999999999977:1.5625]
$opt << EOD
0.49999999999999961,0.41328606005003682,0.019922021596210964
EOD
$ridgeless << EOD
0.006911999999999998,1.0207735768751209,0.11521819542533093
EOD
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1240,990 enhanced font "sans,11"
    } else {
      set terminal png size 1240,990 enhanced
    }
  } else {
    set terminal svg size 1240,990 enhanced dynamic font "sans,11"
  }
  set output "curves.".fmt
  set multiplot layout 2,2 title "ridge regression: d = 30, n = 60, ‖β‖^2 = 1, σ^2 = 1, 70 trials\nlines: theory; points: Monte Carlo (MC) mean ± 2 standard errors\n "
  set label 20 user_text at screen 0.5, screen 0.9434 center noenhanced front
  set ylabel "excess risk (β̂ − β)^T Σ (β̂ − β)"
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 8.2
  set arrow 1 from 0.49999999999999961, graph 0 to 0.49999999999999961, graph 1 nohead dt 2 lw 1.5 lc rgb "#117733"
  set label 1 "λ* = 0.5 (optimal)" at 0.49999999999999961, graph 0.95 left offset char 0.5,0 textcolor rgb "#117733"
  plot "theory_curves.csv" skip 1 using 1:2 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "curves.csv" skip 1 using ($1==1 ? $3 : NaN):($1==1 ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#4477aa" title "Monte Carlo", \
       $opt using 1:2:3 with yerrorbars pt 5 ps 1.3 lc rgb "#117733" title "Monte Carlo at λ*", \
       1 with lines dt 3 lw 1.5 lc rgb "#882255" title "ridgeless limit", \
       $ridgeless using 1:2:3 with yerrorbars pt 9 ps 1.4 lc rgb "#882255" title "MC, min-norm (λ → 0+)"
  unset arrow 1
  unset label 1
  unset label 20
  set ylabel "training error (1/n) ‖y − Xβ̂‖^2"
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 8.2
  plot "theory_curves.csv" skip 1 using 1:3 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "curves.csv" skip 1 using ($1==2 ? $3 : NaN):($1==2 ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#4477aa" title "Monte Carlo"
  set ylabel "GCV (theory: risk + σ^2)"
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 8.2
  plot "theory_curves.csv" skip 1 using 1:4 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "curves.csv" skip 1 using ($1==3 ? $3 : NaN):($1==3 ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#4477aa" title "Monte Carlo"
  set ylabel "1 − tr H / n (theory: λ/κ)"
  set key below center horizontal box maxcols 2 height 0.6
  set bmargin 8.2
  plot "theory_curves.csv" skip 1 using 1:5 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "curves.csv" skip 1 using ($1==4 ? $3 : NaN):($1==4 ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 lc rgb "#4477aa" title "Monte Carlo"
  unset multiplot
  set output
}
