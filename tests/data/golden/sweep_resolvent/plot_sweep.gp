# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid
set logscale xy
set key below maxrows 2
set bmargin 10
set xtics (10, 20)
set xrange [7.6923076923076916:26]
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
  set multiplot layout 1,2 title "functionals of Q(z) = (S + zI)^{-1} vs their deterministic equivalents: 30 trials per point; lines: least-squares fits"
  set ylabel "|mean over trials - theory|"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $12 : NaN) with points pt 7 ps 1.5 lc 1 title "trace, z = 1+0i", \
       exp(-4.1965274978759366)*x**(-0.6854750506057069) with lines lc 1 title "fit slope -0.685 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):($5==2 ? $12 : NaN) with points pt 9 ps 1.5 lc 2 title "trace, z = 0.5+0.5i", \
       exp(-3.61869090597426)*x**(-0.73128550965575367) with lines lc 2 title "fit slope -0.731 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==3 ? $2 : NaN):($5==3 ? $12 : NaN) with points pt 11 ps 1.5 lc 3 title "quad_e1, z = 1+0i", \
       exp(-13.691994939243017)*x**(3.4456694822136216) with lines lc 3 title "fit slope 3.446 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==4 ? $2 : NaN):($5==4 ? $12 : NaN) with points pt 13 ps 1.5 lc 4 title "quad_e1, z = 0.5+0.5i", \
       exp(-9.4982029534760741)*x**(2.2165575693306732) with lines lc 4 title "fit slope 2.217 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==5 ? $2 : NaN):($5==5 ? $12 : NaN) with points pt 7 ps 1.5 lc 5 title "quad2_e1, z = 1+0i", \
       exp(-11.695451291376145)*x**(2.8432045998195568) with lines lc 5 title "fit slope 2.843 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==6 ? $2 : NaN):($5==6 ? $12 : NaN) with points pt 9 ps 1.5 lc 6 title "quad2_e1, z = 0.5+0.5i", \
       exp(-6.7227413293047)*x**(1.4434179356271717) with lines lc 6 title "fit slope 1.443 (predicted -1)"
  set ylabel "trial-to-trial sd"
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):($5==1 ? $15 : NaN) with points pt 7 ps 1.5 lc 1 title "trace, z = 1+0i", \
       exp(-2.4316137466353549)*x**(-0.66070340438713382) with lines lc 1 title "fit slope -0.661 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):($5==2 ? $15 : NaN) with points pt 9 ps 1.5 lc 2 title "trace, z = 0.5+0.5i", \
       exp(-2.0371902317396042)*x**(-0.61826091620309387) with lines lc 2 title "fit slope -0.618 (predicted -1)", \
       "sweep.csv" skip 1 using ($5==3 ? $2 : NaN):($5==3 ? $15 : NaN) with points pt 11 ps 1.5 lc 3 title "quad_e1, z = 1+0i", \
       exp(-1.158245882576209)*x**(-0.5011795780394892) with lines lc 3 title "fit slope -0.501 (predicted -0.5)", \
       "sweep.csv" skip 1 using ($5==4 ? $2 : NaN):($5==4 ? $15 : NaN) with points pt 13 ps 1.5 lc 4 title "quad_e1, z = 0.5+0.5i", \
       exp(-0.81696000942525271)*x**(-0.43842322088736629) with lines lc 4 title "fit slope -0.438 (predicted -0.5)", \
       "sweep.csv" skip 1 using ($5==5 ? $2 : NaN):($5==5 ? $15 : NaN) with points pt 7 ps 1.5 lc 5 title "quad2_e1, z = 1+0i", \
       exp(-1.3780081552388261)*x**(-0.34958346537026536) with lines lc 5 title "fit slope -0.350 (predicted -0.5)", \
       "sweep.csv" skip 1 using ($5==6 ? $2 : NaN):($5==6 ? $15 : NaN) with points pt 9 ps 1.5 lc 6 title "quad2_e1, z = 0.5+0.5i", \
       exp(-0.8162042984962613)*x**(-0.26034606897863527) with lines lc 6 title "fit slope -0.260 (predicted -0.5)"
  unset multiplot
  set output
}
