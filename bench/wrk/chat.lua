-- The benchmark's requests, for wrk. Settings come from the environment, so that one script serves every scenario:
--   BENCH_SCENARIO  ping | send-spread | send-hot | pull-forward | pull-reverse | mix
--   BENCH_RATE      requests/s for the whole run, paced per thread; 0 (default) sends as fast as replies come
--   BENCH_THREADS   wrk's -t, to split BENCH_RATE between the threads
--   BENCH_PULL_CHAT the conversation that pull-forward and pull-reverse read
--   BENCH_SPREAD    how many conversations send-spread and mix use (default 10000)
--   BENCH_LABEL     the name written on the result line
-- done() writes one tab-separated RESULT line that run.sh reads.

local scenario = os.getenv("BENCH_SCENARIO") or "ping"
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local pullChat = os.getenv("BENCH_PULL_CHAT") or "bench100k:reader"
local spread = tonumber(os.getenv("BENCH_SPREAD") or "10000")
local label = os.getenv("BENCH_LABEL") or scenario

-- 100 characters of ASCII text, the message size that the memory figures are given for.
local text = string.rep("0123456789", 10)

local function urlEncode(value)
  return (value:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function sendRequest(chat, sender)
  local body = string.format('{"chat":"%s","text":"%s","sender":"%s"}', chat, text, sender)
  return wrk.format("POST", "/api/send", { ["Content-Type"] = "application/json" }, body)
end

local function pullRequest(chat, reverse)
  local path = "/api/pull?chat=" .. urlEncode(chat) .. "&cursor=0&limit=10"
  if reverse then
    path = path .. "&reverse=true"
  end
  return wrk.format("GET", path)
end

-- Requests are made once per thread in init(), so that request() costs the load generator next to nothing.
local sends, pullsForward, pullsReverse = {}, {}, {}
local fixed

function setup(thread)
  thread:set("seed", math.random(1, 2147483647))
end

function init(args)
  math.randomseed(seed or 1)
  if scenario == "ping" then
    fixed = wrk.format("GET", "/ping")
  elseif scenario == "send-hot" then
    fixed = sendRequest("hot:room", "hot")
  elseif scenario == "pull-forward" then
    fixed = pullRequest(pullChat, false)
  elseif scenario == "pull-reverse" then
    fixed = pullRequest(pullChat, true)
  elseif scenario == "send-spread" or scenario == "mix" then
    for i = 1, spread do
      local first, second = "u" .. i, "v" .. i
      sends[i] = sendRequest(first .. ":" .. second, (i % 2 == 0) and first or second)
      if scenario == "mix" then
        pullsForward[i] = pullRequest(first .. ":" .. second, false)
        pullsReverse[i] = pullRequest(second .. ":" .. first, true)
      end
    end
  else
    error("unknown BENCH_SCENARIO " .. scenario)
  end
end

function request()
  if fixed then
    return fixed
  end

  local i = math.random(1, spread)
  if scenario == "send-spread" then
    return sends[i]
  end

  -- mix: 20% sends, 80% pulls (half from the oldest forward, half from the newest in reverse)
  local roll = math.random()
  if roll < 0.2 then
    return sends[i]
  elseif roll < 0.6 then
    return pullsForward[i]
  end
  return pullsReverse[i]
end

-- At a fixed rate each thread keeps its own timetable: every request takes the next slot, and waits for it.
-- A connection whose reply came late takes the next free slot at once, so the rate holds while connections
-- are free; latency is timed from when the request is written, as wrk always does.
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *now);
  ]]
  local now = ffi.new("bench_timespec")
  local monotonic = 1
  local interval = 1e6 * threads / rate
  local nextSlot

  local function clockMicros()
    ffi.C.clock_gettime(monotonic, now)
    return tonumber(now.tv_sec) * 1e6 + tonumber(now.tv_nsec) / 1e3
  end

  function delay()
    local current = clockMicros()
    if nextSlot == nil then
      nextSlot = current
    end

    local slot = nextSlot
    nextSlot = nextSlot + interval
    if slot <= current then
      return 0
    end
    return math.floor((slot - current) / 1000)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT\t%s\t%d\t%.1f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\tconnect=%d read=%d write=%d status=%d timeout=%d\n",
    label, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, errors, e.connect, e.read, e.write, e.status, e.timeout))
end
