-- wrk script: POST one AdmissionReview (path in env BILLET_REVIEW) to wrk's URL, keep-alive.
local f = assert(io.open(os.getenv("BILLET_REVIEW"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

-- Count non-200 answers so that a fast failure never passes for throughput.
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non2xx_or_errors: %d\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
