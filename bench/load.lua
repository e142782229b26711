-- wrk script: many people, each logging a day (PUT) and reading their recent days (GET),
-- alternately, with their own personal access token. Tokens come from $ENOUGH_BENCH_TOKENS.
local tokens = {}
local counter = 0
local base = os.time({year = 2025, month = 1, day = 1, hour = 12})

function init(args)
  for line in io.lines(os.getenv("ENOUGH_BENCH_TOKENS")) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local mode = os.getenv("ENOUGH_BENCH_MODE") or "mixed"

function request()
  counter = counter + 1
  if mode == "write" then counter = 1 elseif mode == "read" then counter = 2 end
  local token = tokens[math.random(#tokens)]
  local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
  if counter % 2 == 1 then
    local date = os.date("!%Y-%m-%d", base + math.random(0, 364) * 86400)
    local body = string.format(
      '{"daylight_hours": %.2f, "energy": %d, "mood": %d, "outside_morning": %s, "habits": {"got_outside": true}}',
      math.random(0, 32) / 4, math.random(0, 10), math.random(0, 10), math.random() < 0.5 and "true" or "false")
    return wrk.format("PUT", "/api/v1/days/" .. date, headers, body)
  else
    return wrk.format("GET", "/api/v1/days?from=2025-01-01&to=2025-03-31", headers)
  end
end
