-- Lesson 3: dining philosophers with copas.lock. Everyone takes the left fork first: deadlock
-- (the locks' timeouts end it). Then the fix: take the lower-numbered fork first.
local copas = require 'copas'

local names = { "Aristotle", "Kant", "Spinoza" }

local function dinner(title, ordered)
  print("-- " .. title)
  local forks = {}
  for i = 1, #names do forks[i] = copas.lock.new(0.2) end
  for i, name in ipairs(names) do
    local left, right = i, i % #names + 1
    local first, second = left, right
    if ordered and right < left then first, second = right, left end
    copas.addnamedthread(name, function()
      for meal = 1, 2 do
        forks[first]:get()
        print(name .. " took fork " .. first)
        copas.pause(0.01)               -- reaching for the other fork gives the others a turn
        local ok, err = forks[second]:get()
        if not ok then
          print(name .. " gave up on fork " .. second .. ": " .. err)
          copas.pause(0.05)             -- so that all run out of patience before a fork comes free
          forks[first]:release()
          return
        end
        print(name .. " took fork " .. second .. " and eats meal " .. meal)
        copas.pause(0.01)
        forks[second]:release()
        forks[first]:release()
      end
      print(name .. " is full")
    end)
  end
end

copas.loop(function() dinner("everyone takes the left fork first", false) end)
copas.loop(function() dinner("the lower-numbered fork first", true) end)
