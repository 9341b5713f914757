-- wrk hook for the CPU figures: after a fixed number of responses (`-- N`
-- after the URL) print DONE and stop sending; bench.py then reads the
-- server's CPU time and interrupts wrk (whose main thread would otherwise
-- sleep out -d), which prints the BENCH line of report.lua.
local limit, seen = 0, 0

function init(args)
  limit = tonumber(args[1])
end

function response()
  seen = seen + 1
  if seen == limit then
    io.write("DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

done = function(summary, latency)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
