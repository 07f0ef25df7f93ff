# CUDA backend set-up (placeholder until the CUDA backend lands): CPU only.
set(RMTMC_CUDA_SUMMARY "")
