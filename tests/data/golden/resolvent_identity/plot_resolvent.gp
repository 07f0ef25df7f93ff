# plot_resolvent.gp: written by rmtmc; resolvent functionals against real z (functionals.csv, resolvent_curve.csv)
# Run from this directory: gnuplot plot_resolvent.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set logscale x
set bars 2
set key top right box opaque
set offsets 0, 0, graph 0.1, graph 0.1
set xrange [0.25:4]
set xlabel "z (real, log scale)"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1260,1080 noenhanced font ",10"
    } else {
      set terminal png size 1260,1080 noenhanced
    }
  } else {
    set terminal svg size 1260,1080 noenhanced dynamic font "sans,10"
  }
  set output "resolvent.".fmt
  set multiplot layout 3,3 title "Q(z) = (S + zI)^-1: d = 20, n = 40, 70 trials, " . user_text . "; line: deterministic equivalent, points: Monte Carlo mean +- 2 standard errors"
  set title "trace = (1/d) tr Q"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:2 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==1 && $6==0 ? $5 : NaN):($1==1 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "trace_sigma = (1/d) tr Sigma Q"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:3 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==2 && $6==0 ? $5 : NaN):($1==2 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "delta = (1/n) tr Sigma Q"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:4 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==3 && $6==0 ? $5 : NaN):($1==3 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "quad_e1 = e1^T Q e1"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:5 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==4 && $6==0 ? $5 : NaN):($1==4 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "quad_top = v^T Q v"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:6 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==5 && $6==0 ? $5 : NaN):($1==5 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "quad_random = u^T Q u"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:7 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==6 && $6==0 ? $5 : NaN):($1==6 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "bilinear_e1_top = e1^T Q v"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:8 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==7 && $6==0 ? $5 : NaN):($1==7 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "quad2_e1 = e1^T Q^2 e1"
  set ylabel ""
  plot "resolvent_curve.csv" skip 1 using 1:9 with lines lw 2 lc rgb "#cc3311" title "theory", \
       "functionals.csv" skip 1 using ($1==8 && $6==0 ? $5 : NaN):($1==8 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  set title "diag_dev = max_i |Q_ii - Qbar_ii|"
  set ylabel ""
  plot 0 with lines lw 2 lc rgb "#cc3311" title "theory (limit 0)", \
       "functionals.csv" skip 1 using ($1==9 && $6==0 ? $5 : NaN):($1==9 && $6==0 ? $8 : NaN):(2*$9) with yerrorbars pt 7 ps 0.8 lc rgb "#4477aa" title "Monte Carlo"
  unset multiplot
  set output
}
