-- Probe (not one of Copas' tests): the socket surface around tcptimeout.lua and tls-sni.lua, as Copas 4.11
-- answers it: useSocketTimeoutErrors per operation, removeserver(server, keep_open), copas.handler with TLS
-- and SNI, the failed handshake's error texts, receivepartial, UDP receivefrom/receive timeouts.
local copas = require("copas")
local socket = require("socket")
local certs = (os.getenv("PARITY_CERTS") or "tests/certs") .. "/"
local sp = { mode = "server", protocol = "any", key = certs .. "serverAkey.pem", certificate = certs .. "serverA.pem" }
local cp = { mode = "client", protocol = "any" }

-- 1. what a timed-out operation returns, without and with useSocketTimeoutErrors
local function timeouts(label, flag, tls)
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  local release = false
  copas.addserver(server, copas.handler(function(skt)
    copas.removeserver(server)
    while not release do copas.pause(0.01) end
  end, tls and sp or nil))
  copas.addthread(function()
    copas.useSocketTimeoutErrors(flag)
    local skt = copas.wrap(socket.tcp(), tls and cp or nil)
    skt:settimeouts(1, 0.05, 0.05)
    assert(skt:connect("127.0.0.1", port))
    print(label, "receive", skt:receive())
    print(label, "receivepartial", skt:receivepartial(10))
    local big = ("x"):rep(16 * 1024 * 1024)
    local ok, err = skt:send(big)
    print(label, "send", ok, err)
    release = true
    skt:close()
  end)
  copas.loop()
end
for _, flag in ipairs{false, true} do
  timeouts("tcp flag=" .. tostring(flag), flag, false)
  timeouts("tls flag=" .. tostring(flag), flag, true)
end

-- 2. a TLS handshake that times out (the server never answers)
for _, flag in ipairs{false, true} do
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  local done = false
  copas.addserver(server, function(skt) copas.removeserver(server) while not done do copas.pause(0.01) end end)
  copas.addthread(function()
    copas.useSocketTimeoutErrors(flag)
    local skt = copas.wrap(socket.tcp(), cp)
    skt:settimeout(0.05)
    print("handshake timeout flag=" .. tostring(flag), skt:connect("127.0.0.1", port))
    done = true
    skt:close()
  end)
  copas.loop()
end

-- 3. UDP timeouts
for _, flag in ipairs{false, true} do
  copas.addthread(function()
    copas.useSocketTimeoutErrors(flag)
    local u = copas.wrap(socket.udp())
    u:setsockname("127.0.0.1", 0)
    u:settimeout(0.02)
    print("udp flag=" .. tostring(flag), "receivefrom", u:receivefrom())
    print("udp flag=" .. tostring(flag), "receive", u:receive())
  end)
  copas.loop()
end

-- 4. the choice is the running coroutine's: a task started by one that chose it does not inherit it
copas.addthread(function()
  copas.useSocketTimeoutErrors(true)
  copas.addthread(function()
    local u = copas.wrap(socket.udp())
    u:setsockname("127.0.0.1", 0)
    u:settimeout(0.02)
    print("another task", u:receive())
  end)
end)
copas.loop()

-- 5. receivepartial returns what came, receive waits for the whole pattern
do
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  copas.addserver(server, function(skt)
    copas.removeserver(server)
    skt = copas.wrap(skt)
    skt:send("abc")
    copas.pause(0.1)
    skt:send("defgh\nrest")
    copas.pause(0.1)
  end)
  copas.addthread(function()
    local skt = copas.wrap(socket.tcp())
    skt:connect("127.0.0.1", port)
    print("receivepartial(100)", skt:receivepartial(100))
    print("receive(3)", skt:receive(3))
    print("receive()", skt:receive())
    print("receivepartial('*a') at close", skt:receivepartial("*a"))
    skt:close()
  end)
  copas.loop()
end

-- 6. removeserver(server, keep_open): the socket stays open and can be served again
do
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  local served = 0
  local function handler(skt)
    served = served + 1
    skt:send("hello " .. served .. "\n")
  end
  copas.addserver(server, handler)
  copas.addthread(function()
    local c = copas.wrap(socket.tcp())
    c:connect("127.0.0.1", port)
    print("first client", c:receive())
    c:close()
    print("removeserver keep_open", copas.removeserver(server, true))
    copas.addserver(server, handler)
    local d = copas.wrap(socket.tcp())
    d:connect("127.0.0.1", port)
    print("served again", d:receive())
    d:close()
    print("removeserver", copas.removeserver(server))
    local e = copas.wrap(socket.tcp())
    print("connect after close", e:connect("127.0.0.1", port))
  end)
  copas.loop()
end

-- 7. copas.handler with SNI: a strict server, a client naming another host, one naming it, one naming none
do
  local ssl = require("ssl")
  local wrap_s = { mode = "server", protocol = "any", key = certs .. "serverAkey.pem", certificate = certs .. "serverA.pem" }
  local server_params = { wrap = wrap_s, sni = { strict = true, names = { ["myhost.com"] = ssl.newcontext(wrap_s) } } }
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  copas.setErrorHandler(function(msg) print("server task error", (tostring(msg):gsub("^[^:]*:%d+: ", ""))) end, true)
  copas.addserver(server, copas.handler(function(skt)
    print("server handler runs, sni", skt:getsniname())
    print("server receive", skt:receive())
  end, server_params))
  copas.addthread(function()
    local function client(name)
      return copas.wrap(socket.tcp(), { wrap = cp, sni = name and { names = name } or nil })
    end
    local skt = client("badhost.com")
    local ok, err = pcall(skt.connect, skt, "127.0.0.1", port)
    print("bad name", ok, (tostring(err):gsub("^[^:]*:%d+: ", "")))
    copas.pause(0.1)
    skt = client("myhost.com")
    ok, err = pcall(skt.connect, skt, "127.0.0.1", port)
    print("good name", ok, err == skt)
    skt:send("hi\n")
    copas.pause(0.1)
    skt:close()
    skt = copas.wrap(socket.tcp())
    print("plain connect", skt:connect("127.0.0.1", port))
    local nskt = skt:dohandshake(cp)
    print("dohandshake without a name returns the wrapper", nskt == skt)
    skt:send("there\n")
    copas.pause(0.1)
    skt:close()
    copas.removeserver(server)
  end)
  copas.loop()
end

-- 8. a timeout of 0: Copas arms no timer, and receive is receivepartial
do
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  copas.addserver(server, function(skt)
    copas.removeserver(server)
    skt = copas.wrap(skt)
    copas.pause(0.3)
    skt:send("abc")
    copas.pause(0.3)
  end)
  copas.addthread(function()
    local skt = copas.wrap(socket.tcp())
    skt:connect("127.0.0.1", port)
    skt:settimeout(0)
    local t = copas.gettime()
    print("settimeout(0) receive(10)", skt:receive(10))
    print("it waited for the data", copas.gettime() - t > 0.2)
    print("receive(10) at close", skt:receive(10))
    skt:close()
  end)
  copas.loop()
end
