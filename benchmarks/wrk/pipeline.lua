-- HTTP/1.1 pipelining for wrk: every write sends DEPTH requests back to back (default
-- 16, or the first argument after `--`), and wrk counts each response.
--   wrk -t1 -c64 -d10s -s benchmarks/wrk/pipeline.lua http://127.0.0.1:8080/plaintext -- 16

local batch

init = function(args)
   local depth = tonumber(args[1]) or 16
   local requests = {}
   for i = 1, depth do
      requests[i] = wrk.format()
   end
   batch = table.concat(requests)
end

request = function()
   return batch
end

-- The summary line compare.sh reads, shared with plain keep-alive runs.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
