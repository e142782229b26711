-- wrk script: a sustained sign-in flood. Every request is a wrong password for an unknown
-- address, from its own X-Forwarded-For (the server runs with --trust-forwarded-for), so the
-- per-account and per-address limits never stop it: what is measured is the hashing pool.
-- The form token and its cookie come from $ENOUGH_BENCH_CSRF and $ENOUGH_BENCH_COOKIE.
local counter = 0
local csrf = os.getenv("ENOUGH_BENCH_CSRF")
local cookie = os.getenv("ENOUGH_BENCH_COOKIE")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  counter = math.random(0, 1000000)
end

function request()
  counter = counter + 1
  local body = "csrf=" .. csrf .. "&email=flood" .. counter .. "%40example.org&password=not+the+password+at+all"
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(counter / 65536) % 256, math.floor(counter / 256) % 256, counter % 256),
  }
  return wrk.format("POST", "/sign-in", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("  flood: %d sign-in requests, %d answered other than 2xx/3xx (503 busy, 422 wrong)\n",
    summary.requests, summary.errors.status))
end
