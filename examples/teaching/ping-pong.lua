-- Lesson 1: two tasks take turns. copas.pause(0) hands the turn to every other ready task.
local copas = require 'copas'

local function player(name, hits)
  for i = 1, hits do
    print(name .. " " .. i)
    copas.pause(0)
  end
  print(name .. " done")
end

copas.addnamedthread("ping", player, "ping", 3)
copas.addnamedthread("pong", player, "pong", 3)
copas.loop()
print("loop ended")
