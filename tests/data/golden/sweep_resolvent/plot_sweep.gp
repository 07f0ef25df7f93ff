# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)
# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)
set datafile separator ","
set grid lc rgb "#dddddd"
set logscale xy
set bars 2
set format y "10^{%L}"
set xtics ("10" 10, "20" 20) rotate by -30
set xrange [8:25]
set xlabel "dimension d (n = 2 d)"
do for [fmt in "png svg"] {
  if (fmt eq "png") {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
      set terminal pngcairo size 1250,640 enhanced font "sans,11"
    } else {
      set terminal png size 1250,640 enhanced
    }
  } else {
    set terminal svg size 1250,640 enhanced dynamic font "sans,11"
  }
  set output "sweep.".fmt
  set multiplot layout 1,2 title "functionals of Q(z) = (S + zI)^{−1} against their deterministic equivalents: 30 trials per point; bars: ± 2 standard errors; solid: least-squares fit, dashed: predicted slope\n "
  set ylabel "|mean over trials − theory|"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 13.7
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "trace, z = 1+0i" noenhanced, \
       exp(-4.1965274978759366)*x**(-0.6854750506057069) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope -0.685", \
       0.002448059325492863*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 9 ps 1.3 lc rgb "#cc3311" title "trace, z = 0.5+0.5i" noenhanced, \
       exp(-3.61869090597426)*x**(-0.73128550965575367) with lines lw 1.6 lc rgb "#cc3311" title "fit: slope -0.731", \
       0.0038642708712592791*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#cc3311" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==3 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 11 ps 1.3 lc rgb "#009988" title "quad_e1, z = 1+0i" noenhanced, \
       exp(-13.691994939243017)*x**(3.4456694822136216) with lines lw 1.6 lc rgb "#009988" title "fit: slope 3.446", \
       0.010421652033473837*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#009988" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==4 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 13 ps 1.3 lc rgb "#ee7733" title "quad_e1, z = 0.5+0.5i" noenhanced, \
       exp(-9.4982029534760741)*x**(2.2165575693306732) with lines lw 1.6 lc rgb "#ee7733" title "fit: slope 2.217", \
       0.026617397870672934*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#ee7733" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==5 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 7 ps 1.3 lc rgb "#33bbee" title "quad2_e1, z = 1+0i" noenhanced, \
       exp(-11.695451291376145)*x**(2.8432045998195568) with lines lw 1.6 lc rgb "#33bbee" title "fit: slope 2.843", \
       0.015555342387875298*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#33bbee" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==6 ? $2 : NaN):12:(($12-2*$16) > $12/20 ? $12-2*$16 : $12/20):($12+2*$16) with yerrorbars pt 9 ps 1.3 lc rgb "#ee3377" title "quad2_e1, z = 0.5+0.5i" noenhanced, \
       exp(-6.7227413293047)*x**(1.4434179356271717) with lines lw 1.6 lc rgb "#ee3377" title "fit: slope 1.443", \
       0.055083879618056199*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#ee3377" title "predicted slope -1"
  set ylabel "trial-to-trial sd"
  set key below center horizontal box maxcols 3 height 0.6
  set bmargin 13.7
  plot "sweep.csv" skip 1 using ($5==1 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 7 ps 1.3 lc rgb "#0077bb" title "trace, z = 1+0i" noenhanced, \
       exp(-2.4316137466353549)*x**(-0.66070340438713382) with lines lw 1.6 lc rgb "#0077bb" title "fit: slope -0.661", \
       0.015269133487442079*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#0077bb" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==2 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 9 ps 1.3 lc rgb "#cc3311" title "trace, z = 0.5+0.5i" noenhanced, \
       exp(-2.0371902317396042)*x**(-0.61826091620309387) with lines lw 1.6 lc rgb "#cc3311" title "fit: slope -0.618", \
       0.025347846419287733*(x/14.142135623730955)**(-1) with lines dt 2 lw 1.4 lc rgb "#cc3311" title "predicted slope -1", \
       "sweep.csv" skip 1 using ($5==3 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 11 ps 1.3 lc rgb "#009988" title "quad_e1, z = 1+0i" noenhanced, \
       exp(-1.158245882576209)*x**(-0.5011795780394892) with lines lw 1.6 lc rgb "#009988" title "fit: slope -0.501", \
       0.083246423365662153*(x/14.142135623730955)**(-0.5) with lines dt 2 lw 1.4 lc rgb "#009988" title "predicted slope -0.5", \
       "sweep.csv" skip 1 using ($5==4 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 13 ps 1.3 lc rgb "#ee7733" title "quad_e1, z = 0.5+0.5i" noenhanced, \
       exp(-0.81696000942525271)*x**(-0.43842322088736629) with lines lw 1.6 lc rgb "#ee7733" title "fit: slope -0.438", \
       0.13828856974550341*(x/14.142135623730955)**(-0.5) with lines dt 2 lw 1.4 lc rgb "#ee7733" title "predicted slope -0.5", \
       "sweep.csv" skip 1 using ($5==5 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 7 ps 1.3 lc rgb "#33bbee" title "quad2_e1, z = 1+0i" noenhanced, \
       exp(-1.3780081552388261)*x**(-0.34958346537026536) with lines lw 1.6 lc rgb "#33bbee" title "fit: slope -0.350", \
       0.099847602736800559*(x/14.142135623730955)**(-0.5) with lines dt 2 lw 1.4 lc rgb "#33bbee" title "predicted slope -0.5", \
       "sweep.csv" skip 1 using ($5==6 ? $2 : NaN):15:(($15-2*$17) > $15/20 ? $15-2*$17 : $15/20):($15+2*$17) with yerrorbars pt 9 ps 1.3 lc rgb "#ee3377" title "quad2_e1, z = 0.5+0.5i" noenhanced, \
       exp(-0.8162042984962613)*x**(-0.26034606897863527) with lines lw 1.6 lc rgb "#ee3377" title "fit: slope -0.260", \
       0.22181704737768429*(x/14.142135623730955)**(-0.5) with lines dt 2 lw 1.4 lc rgb "#ee3377" title "predicted slope -0.5"
  unset multiplot
  set output
}
