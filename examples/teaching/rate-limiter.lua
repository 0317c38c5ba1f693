-- Lesson 4: a rate limiter with copas.semaphore. A bucket of 2 tokens; a timer puts one back every
-- 50 ms; each request takes a token first, so a burst of 5 goes out 2 at once, then one per tick.
local copas = require 'copas'

local bucket = copas.semaphore.new(2, 2, math.huge)
local ticks = 0
local refill = copas.timer.new({
  name = "refill",
  delay = 0.05,
  recurring = true,
  callback = function()
    ticks = ticks + 1
    print("refill: tick " .. ticks)
    bucket:give(1)
  end,
})

local done = 0
for i = 1, 5 do
  copas.addnamedthread("request " .. i, function()
    bucket:take(1)
    print("request " .. i .. " sent after tick " .. ticks)
    done = done + 1
    if done == 5 then refill:cancel() end
  end)
end

copas.loop()
