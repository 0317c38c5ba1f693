-- Probe (not one of Copas' tests): copas.status(enable_stats): which fields each call returns, that the
-- statistics add up, and the read/write counts while a task is blocked writing to a peer that does not read.
local copas = require 'copas'
local socket = require 'socket'
math.random = function() return 1 end -- no random pause in send (see debug_output.lua)

local function keys(t)
  local k = {}
  for n in pairs(t) do k[#k + 1] = n end
  table.sort(k)
  return table.concat(k, ' ')
end

print('status()', keys(copas.status()))
print('status(true)', keys(copas.status(true)))
copas.addthread(function() for _ = 1, 10 do copas.pause(0) end end)
copas.loop()
local s = copas.status()
print('after a loop', keys(s))
print('steps > 10', s.steps > 10)
print('min <= avg <= max', s.duration_min <= s.duration_avg and s.duration_avg <= s.duration_max)
print('ever', s.duration_min_ever <= s.duration_min, s.duration_max_ever >= s.duration_max)
print('tot = avg * steps', math.abs(s.duration_tot - s.duration_avg * s.steps) < 0.001 * s.steps)
print('time_tot = end - start', math.abs(s.time_tot - (s.time_end - s.time_start)) < 0.0015)
print('time_avg (ms) = time_tot / steps', math.abs(s.time_avg - s.time_tot * 1000 / s.steps) < 1)
print('no step since', keys(copas.status()))
copas.addthread(function() copas.pause(0) end)
copas.loop()
print('with true again', keys(copas.status(true)))
print('status(false)', keys(copas.status(false)))
copas.addthread(function() copas.pause(0) end)
copas.loop()
print('off', keys(copas.status()))

local server = socket.bind('127.0.0.1', 0)
local _, port = server:getsockname()
local peer
copas.addnamedthread('writer', function()
  local skt = copas.wrap(socket.tcp())
  skt:connect('127.0.0.1', port)
  peer = server:accept()
  local chunk = string.rep('x', 256 * 1024)
  repeat until not skt:send(chunk) -- the peer reads nothing: this blocks, then fails when it closes
  print('writer: the send failed')
  skt:close()
end)
copas.addnamedthread('watcher', function()
  copas.pause(0.3)
  local st = copas.status()
  print('blocked writer: write', st.write, 'read', st.read, 'active', st.active)
  peer:close()
end)
copas.loop()
local st = copas.status()
print('after: write', st.write, 'read', st.read)
