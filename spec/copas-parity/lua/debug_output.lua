-- Probe (not one of Copas' tests): what copas.debug prints for task switches: the default logger (print),
-- a task on a socket, a server handler, a custom logger (the pieces it receives), debug.stop.
local copas = require 'copas'
local socket = require 'socket'
-- Copas' send and receive give the turn at random (math.random(100) > 90) against starvation; copas-ts does
-- so every few operations instead. Loaded dice keep this run reproducible: no random pause.
math.random = function() return 1 end

copas.debug.start()
local server = socket.bind('127.0.0.1', 0)
local _, port = server:getsockname()
copas.addserver(server, function(skt)
  local line = copas.receive(skt)
  copas.send(skt, 'echo ' .. line .. '\n')
end, nil, 'srv')
copas.addnamedthread('sleeper', function()
  copas.pause(0.2)
end)
copas.addnamedthread('client', function()
  local skt = copas.wrap(socket.tcp())
  copas.setsocketname('cli', skt)
  skt:connect('127.0.0.1', port)
  skt:send('hi\n')
  local data, err, partial = skt:receive()
  print('client got', data, err, partial)
  skt:close()
  copas.removeserver(server)
end)
copas.loop()
copas.debug.stop()
copas.addnamedthread('quiet', function() copas.pause(0) end)
copas.loop()
print('custom logger')
copas.debug.start(function(...) print('LOG', select('#', ...), ...) end)
copas.addnamedthread('custom', function() copas.pause(0) end)
copas.loop()
print('a task waiting for a semaphore, and one sleeping forever')
local sema = copas.semaphore.new(1, 0, math.huge)
local forever = copas.addnamedthread('forever', function() copas.pauseforever() end)
copas.addnamedthread('waiter', function() sema:take(1); copas.wakeup(forever) end)
copas.addnamedthread('giver', function() copas.sleep(0); sema:give(1) end)
copas.loop()
copas.debug.stop()
