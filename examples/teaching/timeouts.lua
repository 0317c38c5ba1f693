-- Lesson 5: timeouts and cancellation. A wait with a deadline returns 'timeout'; removethread ends a task.
-- Lua has no finally: the worker leaves its cleanup with whoever removes it. (In TypeScript, removethread
-- runs the worker's finally block.)
local copas = require 'copas'

local q = copas.queue.new({ name = "inbox" })

copas.addnamedthread("impatient", function()
  local item, err = q:pop(0.05)
  print("impatient: pop gave " .. tostring(item) .. ", " .. tostring(err))
end)

local cleanup
local worker = copas.addnamedthread("worker", function()
  cleanup = function() print("worker: cleanup, file closed") end
  print("worker: file opened")
  local n = 0
  while true do
    n = n + 1
    print("worker: chunk " .. n)
    copas.pause(0)
  end
end)

copas.addnamedthread("boss", function()
  for _ = 1, 3 do copas.pause(0) end
  print("boss: removing worker")
  copas.removethread(worker)
  cleanup()
  print("boss: worker removed")
end)

copas.loop()
print("loop ended")
