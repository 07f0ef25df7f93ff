# cases.sh: the golden cases (sourced by make_golden.sh and golden_test.sh).
# One line per case: NAME KIND ARGS...   KIND is
#   json  the study writes --json WORK/NAME.json
#   dir   the study writes --out WORK/NAME (result.json, CSV tables, gnuplot
#         scripts) and --json WORK/NAME.json
#   sweep the sweep writes --out WORK/NAME (points.jsonl, sweep.json, sweep.csv,
#         plot_sweep.gp)
#   trials --json WORK/NAME.json and --save-trials WORK/NAME.trials
#         (observables.npy, columns.json, eigenvalues.npy with --save-eigenvalues)
# Every case runs on the CPU with small sizes and fixed seeds; the commands run
# with tests/golden/inputs as the working directory (file: specs are relative).
GOLDEN_CASES=$(cat <<'CASES'
spectrum_mp            dir   spectrum --d 40 --n 80 --trials 150 --seed 3 --bins 24 --method dense
spectrum_ar1_student   json  spectrum --d 30 --n 20 --trials 100 --seed 4 --sigma ar1:0.5 --entries student:6 --z=-1,2+0.5i,0.5+0.1i
spectrum_points_rad    json  spectrum --d 25 --n 50 --trials 80 --seed 5 --sigma points:1:0.5,3:0.5 --entries rademacher
spectrum_spike         json  spectrum --d 40 --n 80 --trials 70 --seed 6 --sigma spike:3 --bins 30 --z=-1,9 --method dense
spectrum_file_single   json  spectrum --d 12 --n 30 --trials 90 --seed 7 --sigma file:sigma12.txt --precision single
spectrum_wide          json  spectrum --d 36 --n 24 --trials 65 --seed 8 --entries rademacher --z=-0.5,1+0.2i
theory_points          dir   theory --sigma points:1:0.5,4:0.5 --eta 0.5 --z=-1,2+0.1i --grid 50
theory_spike           json  theory --sigma spike:3 --d 400 --eta 0.5 --z=-1 --grid 20
theory_ar1             json  theory --sigma ar1:0.5 --d 100 --eta 0.25 --z=-1,2+0.1i,7 --grid 30
contexts_fixed         dir   generative contexts --k 3 --context-len 2 --d 20 --n 200 --trials 100 --seed 5
contexts_multinomial   json  generative contexts --contexts 20 --k 4 --d 30 --n 300 --trials 70 --seed 6 --counts multinomial --gamma 0.01,0.5
contexts_alpha_file    json  generative contexts --contexts 9 --k 2 --d 12 --n 90 --trials 30 --seed 7 --alpha file:alpha9.txt --rho 0.5
mixture_default        dir   generative mixture --classes 3 --k 4 --d 30 --n 60 --trials 70 --seed 8
mixture_gram           json  generative mixture --classes 2 --k 3 --d 40 --n 30 --trials 20 --seed 9 --gamma 0.1,1
mixture_means_file     json  generative mixture --k 2 --d 6 --n 40 --trials 25 --seed 10 --means file:means6.txt
ridge_identity         dir   ridge --d 30 --n 60 --trials 70 --seed 11
ridge_ar1_wide         json  ridge --d 40 --n 30 --trials 30 --seed 12 --sigma ar1:0.5
ridge_points           json  ridge --d 30 --n 60 --trials 40 --seed 13 --sigma points:0.5:0.5,2:0.5 --lambda 0.05,0.5 --noise 0.5 --signal 2
spectrum_tridiag       dir   spectrum --d 60 --n 120 --trials 100 --seed 21 --bins 24
spectrum_tridiag_wide  json  spectrum --d 90 --n 60 --trials 80 --seed 22 --method tridiagonal --sigma points:2:1 --z=-1,1+0.2i,16
spectrum_bartlett_ar1  json  spectrum --d 30 --n 90 --trials 80 --seed 23 --sigma ar1:0.5
spectrum_bartlett_wide json  spectrum --d 40 --n 25 --trials 70 --seed 24 --method bartlett --sigma points:1:0.5,3:0.5 --z=-1,2+0.3i
spectrum_tridiag_trials trials spectrum --d 30 --n 50 --trials 66 --seed 25 --method tridiagonal --z=-1,1+0.3i --save-eigenvalues
spectrum_deriv_trials  trials spectrum --d 20 --n 30 --trials 70 --seed 9 --observables m,dm --z=-1,1+0.3i,5 --save-eigenvalues --method dense
contexts_trials        trials generative contexts --contexts 9 --k 3 --d 12 --n 90 --trials 66 --seed 4
ridge_trials           trials ridge --d 12 --n 20 --trials 66 --seed 3 --sigma ar1:0.3
resolvent_identity     dir   resolvent --d 20 --n 40 --trials 70 --seed 21 --functionals all --z 0.5,2,0.4+0.3i
resolvent_ar1_rad      json  resolvent --d 24 --n 16 --trials 66 --seed 22 --sigma ar1:0.5 --entries rademacher --z 0.3,1+0.5i
resolvent_matrix       json  resolvent --d 12 --n 30 --trials 40 --seed 23 --sigma matrix:matrix12.txt --vector vector12.txt --z 1,0.5+0.5i
resolvent_eigen        json  resolvent --d 16 --n 24 --trials 30 --seed 25 --sigma points:1:0.5,2:0.5 --path eigen --functionals trace,trace_sigma,quad_e1,quad2_e1,diag_dev --z 0.5,1.5
resolvent_trials       trials resolvent --d 10 --n 14 --trials 66 --seed 24 --functionals trace,quad_e1 --z 1,0.2+0.2i
sweep_d                sweep sweep --param d --values 10,20,30 --trials 40 --seed 2 --z=-1,2+0.5i
sweep_n                sweep sweep --param n --d 10 --values 20,40 --trials 30 --seed 4 --sigma points:1:0.5,3:0.5
sweep_resolvent        sweep sweep --study resolvent --param d --values 10,20 --trials 30 --seed 5 --z 1,0.5+0.5i --functionals trace,quad_e1,quad2_e1
spectrum_complex       json  spectrum --d 20 --n 30 --trials 60 --seed 6 --entries complex-gaussian --sigma ar1:0.4
edge_white             dir   edge --d 30 --n 60 --trials 120 --seed 3 --bins 20
edge_spike_complex     json  edge --d 24 --n 40 --trials 70 --seed 4 --sigma spike:2,0.5,-0.8 --entries complex-gaussian
edge_points            json  edge --d 24 --n 40 --trials 70 --seed 5 --sigma points:1:0.5,4:0.5
theory_tw              json  theory --tracy-widom 2 --s -4,-1.77,0,1.5
CASES
)
