-- Probe (not one of Copas' tests): copas.debug.socket prints every call on a socket, its arguments and results.
local copas = require 'copas'
local socket = require 'socket'
local server = socket.bind('127.0.0.1', 0)
local _, port = server:getsockname()
local c = copas.debug.socket(socket.tcp())
c:settimeout(1)
print(c:connect('127.0.0.1', port))
local peer = server:accept()
print(c:send('hello\n'))
peer:send('a line that is longer than thirty characters\n')
print(c:receive('*l'))
print(c:receive(3))
print(c:close())
