-- Prints one machine-readable line for benchmarks/compare.sh at the end of a wrk run:
--   wrkstats requests=N duration_us=D p50_us=.. p99_us=.. max_us=.. latency=measured|wrk
--            connect=.. read=.. write=.. timeout=.. status=..
-- "status" counts responses with a status above 399 (wrk's "Non-2xx or 3xx responses").
--
-- Latencies are the ones wrk measured, in microseconds: with pipelining wrk times a whole
-- batch, from writing its first request to reading its last response.
--
-- Why not latency:percentile() as it comes: after the run, wrk 4 adds made-up samples
-- for coordinated omission (stats_correct in wrk.c). For every sample n >= 2e it adds one
-- at n-e, n-2e, ... down to e, where e = duration / (responses / connections). With
-- pipelining, e counts responses, not batches, so it is depth times too short and the
-- added samples swamp the real ones; those that fall below the real minimum are counted
-- but never scanned, and the upper percentiles come out as 0. Since every bin m > e got
-- the sum of the real bins m+e, m+2e, ..., the real histogram is D(m) = D'(m) - D'(m+e),
-- read here straight from wrk's own struct through the FFI. compare.sh passes the
-- connection count in WRK_CONNECTIONS; without it, or if the struct does not look like
-- wrk 4.1's, the line reports wrk's own figures and says latency=wrk.

local ok, ffi = pcall(require, "ffi")
if ok then
   ffi.cdef [[
      typedef struct {
         uint64_t count;
         uint64_t limit;
         uint64_t min;
         uint64_t max;
         uint64_t data[1];
      } shockwave_wrk_stats;
   ]]
end

local function measured_percentiles(summary, latency, percents)
   local connections = tonumber(os.getenv("WRK_CONNECTIONS"))
   if not ok or not connections or connections <= 0 then
      return nil
   end
   local s = ffi.cast("shockwave_wrk_stats **", latency)[0]
   local min, max = tonumber(s.min), tonumber(s.max)
   if min ~= latency.min or max ~= latency.max or max >= tonumber(s.limit) then
      return nil -- not the layout this was written for
   end
   local per_connection = math.floor(summary.requests / connections)
   local e = per_connection > 0 and math.floor(summary.duration / per_connection) or 0
   local function real(m)
      local d = tonumber(s.data[m])
      if e > 0 and m > e and m + e <= max then
         d = d - tonumber(s.data[m + e])
      end
      return d
   end
   local total = 0
   for m = min, max do
      local d = real(m)
      if d < 0 then
         return nil
      end
      total = total + d
   end
   local results, i, seen = {}, 1, 0
   for m = min, max do
      seen = seen + real(m)
      -- the same rank as wrk's stats_percentile
      while i <= #percents and seen >= math.floor(percents[i] / 100 * total + 0.5 + 0.5) do
         results[i] = m
         i = i + 1
      end
   end
   for j = i, #percents do
      results[j] = max
   end
   return results
end

done = function(summary, latency, requests)
   local source = "measured"
   local p = measured_percentiles(summary, latency, { 50, 99 })
   if not p then
      source = "wrk"
      p = { latency:percentile(50), latency:percentile(99) }
   end
   local e = summary.errors
   io.write(string.format(
      "wrkstats requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f max_us=%.0f latency=%s" ..
      " connect=%d read=%d write=%d timeout=%d status=%d\n",
      summary.requests, summary.duration, p[1], p[2], latency.max, source,
      e.connect, e.read, e.write, e.timeout, e.status))
end
