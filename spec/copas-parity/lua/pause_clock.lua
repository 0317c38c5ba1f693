-- Probe (not one of Copas' tests): the clock within a tick. pause(0) returns the time the other tasks of
-- the step took (Copas reads gettime() every step), with no sleeper or timeout armed.
local copas = require 'copas'
copas.addthread(function()
  local slept = copas.pause(0)
  print('pause(0) after a task busy for 0.1 s: at least 0.1 s', slept >= 0.1, 'under 0.2 s', slept < 0.2)
  slept = copas.pause(0)
  print('pause(0) with nobody busy: under 0.01 s', slept < 0.01)
end)
copas.addthread(function()
  local t = copas.gettime()
  while copas.gettime() - t < 0.1 do end -- busy for 0.1 s
end)
copas.loop()
