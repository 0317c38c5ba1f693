-- Probe (not one of Copas' tests): a sleeper whose deadline passes while another task runs wakes in the
-- very next step, because Copas reads the clock every step.
local copas = require 'copas'
local out = {}
copas.addthread(function() copas.pause(0.05); out[#out+1] = "B woke" end)
copas.addthread(function()
  out[#out+1] = "A1"
  local t = copas.gettime()
  while copas.gettime() - t < 0.1 do end -- busy for 0.1 s, past B's deadline
  copas.pause(0); out[#out+1] = "A2"
  copas.pause(0); out[#out+1] = "A3"
end)
copas.loop()
print(table.concat(out, " "))
