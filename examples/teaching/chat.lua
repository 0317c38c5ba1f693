-- Lesson 6: a chat server. One task per client; every line a client sends goes to all the others.
-- Three scripted clients talk to it over loopback TCP.
local copas = require 'copas'
local socket = require 'socket'

local clients = {}          -- the server's sockets, in the order the clients joined

local function broadcast(from, line)
  for _, c in ipairs(clients) do
    if c ~= from then c:send(line .. "\n") end
  end
end

local server = assert(socket.bind("127.0.0.1", 0))
local _, port = server:getsockname()
copas.addserver(server, copas.handler(function(skt)   -- handler: skt is copas-wrapped
  local name = skt:receive("*l")
  clients[#clients + 1] = skt
  broadcast(skt, "* " .. name .. " joined")
  while true do
    local line = skt:receive("*l")
    if not line then break end
    broadcast(skt, name .. ": " .. line)
  end
  for i, c in ipairs(clients) do
    if c == skt then table.remove(clients, i) break end
  end
  broadcast(skt, "* " .. name .. " left")
end))

local function client(name)
  local skt = copas.wrap(socket.tcp())
  assert(skt:connect("127.0.0.1", port))
  skt:send(name .. "\n")
  return skt
end

local function hear(name, skt)
  local line, err = skt:receive("*l")
  print(name .. " hears: " .. (line or err))
end

copas.addnamedthread("script", function()
  local alice = client("alice")
  local bob = client("bob")
  hear("alice", alice)                 -- * bob joined
  local carol = client("carol")
  hear("alice", alice)                 -- * carol joined
  hear("bob", bob)
  alice:send("hello, room\n")
  hear("bob", bob)
  hear("carol", carol)
  bob:send("hi alice\n")
  hear("alice", alice)
  hear("carol", carol)
  carol:close()
  hear("alice", alice)                 -- * carol left
  hear("bob", bob)
  alice:close()
  bob:close()
  copas.removeserver(server)
  print("script: done")
end)

copas.loop()
