# plot_resolvent_complex.gp: written by rmtmc; resolvent functionals at the complex z (functionals.csv)
# Run from this directory: gnuplot plot_resolvent_complex.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set key top right box opaque
set grid
set bars 2
set offsets 0, 0, graph 0.12, graph 0.12
set xrange [0.5:1.5]
set xtics ("0.4+0.3i" 1)
set xlabel "z"
set datafile separator "\t"
set table $rmtmc_unused
plot "plot_labels.txt" every ::0::0 using (user_text = strcol(1), 0):(0) with table
unset table
set datafile separator ","
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1260,1140 noenhanced font ",10"
    } else {
      set terminal png size 1260,1140 noenhanced
    }
  } else {
    set terminal svg size 1260,1140 noenhanced dynamic font "sans,10"
  }
  set output "resolvent_complex.".fmt
  set multiplot layout 3,3 title "Q(z) = (S + zI)^-1 at complex z: d = 20, n = 40, 70 trials, " . user_text . "; filled: Monte Carlo mean +- 2 standard errors, open: theory"
  set title "trace = (1/d) tr Q"
  set key top right box opaque font ",8"
  plot "functionals.csv" skip 1 using ($1==1 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==1 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==1 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==1 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==1 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==1 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==1 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==1 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "trace_sigma = (1/d) tr Sigma Q"
  unset key
  plot "functionals.csv" skip 1 using ($1==2 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==2 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==2 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==2 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==2 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==2 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==2 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==2 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "delta = (1/n) tr Sigma Q"
  unset key
  plot "functionals.csv" skip 1 using ($1==3 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==3 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==3 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==3 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==3 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==3 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==3 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==3 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "quad_e1 = e1^T Q e1"
  unset key
  plot "functionals.csv" skip 1 using ($1==4 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==4 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==4 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==4 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==4 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==4 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==4 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==4 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "quad_top = v^T Q v"
  unset key
  plot "functionals.csv" skip 1 using ($1==5 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==5 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==5 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==5 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==5 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==5 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==5 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==5 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "quad_random = u^T Q u"
  unset key
  plot "functionals.csv" skip 1 using ($1==6 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==6 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==6 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==6 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==6 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==6 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==6 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==6 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "bilinear_e1_top = e1^T Q v"
  unset key
  plot "functionals.csv" skip 1 using ($1==7 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==7 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==7 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==7 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==7 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==7 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==7 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==7 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "quad2_e1 = e1^T Q^2 e1"
  unset key
  plot "functionals.csv" skip 1 using ($1==8 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==8 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==8 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==8 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==8 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==8 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==8 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==8 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  set title "diag_dev = max_i |Q_ii - Qbar_ii|"
  unset key
  plot "functionals.csv" skip 1 using ($1==9 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==9 && $6!=0 && strcol(4) eq "re" ? $8 : NaN):(2*$9) with yerrorbars pt 7 lc rgb "#4477aa" title "Re, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==9 && $6!=0 && strcol(4) eq "re" ? $19-0.1 : NaN):($1==9 && $6!=0 && strcol(4) eq "re" ? $11 : NaN) with points pt 6 ps 2 lw 2 lc rgb "#cc3311" title "Re, theory", \
       "functionals.csv" skip 1 using ($1==9 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==9 && $6!=0 && strcol(4) eq "im" ? $8 : NaN):(2*$9) with yerrorbars pt 5 lc rgb "#228833" title "Im, Monte Carlo", \
       "functionals.csv" skip 1 using ($1==9 && $6!=0 && strcol(4) eq "im" ? $19+0.1 : NaN):($1==9 && $6!=0 && strcol(4) eq "im" ? $11 : NaN) with points pt 4 ps 2 lw 2 lc rgb "#ee7733" title "Im, theory"
  unset multiplot
  set output
}
