-- Lesson 2: a producer and a consumer over copas.queue. pop() blocks until an item is there.
local copas = require 'copas'

local q = copas.queue.new({ name = "jobs" })

copas.addnamedthread("producer", function()
  for i = 1, 3 do
    print("producer: push job " .. i)
    q:push("job " .. i)
  end
  copas.pause(0.05)
  print("producer: push job 4")
  q:push("job 4")
  print("producer: finishing the queue")
  q:finish()
  print("producer: done")
end)

copas.addnamedthread("consumer", function()
  while true do
    local item, err = q:pop()
    if not item then
      print("consumer: queue " .. err)
      break
    end
    print("consumer: got " .. item)
  end
end)

copas.loop()
