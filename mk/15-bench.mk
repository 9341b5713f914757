# `make bench`: the service vs nginx (1 worker) vs gunicorn + Flask, pinned
# to CPU 0 with wrk on CPU 1 (app/bench/bench.py). Not part of `make test`.
# BENCH_SECONDS (default 10) sets the length of each measurement.
.PHONY: bench
bench: ## Benchmark vs nginx and gunicorn+Flask; writes build/bench/results.{md,csv}
	@$(MAKE) --no-print-directory build
	@python3 app/bench/bench.py
	@python3 app/bench/coldstart.py  # Lambda mode: cold start, per-invocation overhead
