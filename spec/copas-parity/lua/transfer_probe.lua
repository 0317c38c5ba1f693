-- Probe in the spirit of Copas' tests/largetransfer.lua and tests/starve.lua, which do not pass under Copas
-- 4.11 here (see docs/porting.md). 1: 8 MB each way at once between a copas client and server, plain and
-- TLS. 2: a reader taking one byte per receive from a sender that never stops must not starve a timer task.
local copas = require("copas")
local socket = require("socket")
local certs = (os.getenv("PARITY_CERTS") or "tests/certs") .. "/"
local sp = { mode = "server", protocol = "any", key = certs .. "serverAkey.pem", certificate = certs .. "serverA.pem" }
local cp = { mode = "client", protocol = "any" }
local body = ("0123456789abcdef"):rep(512 * 1024) -- 8 MB

local function both_ways(label, tls)
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  local results = {} -- printed after the loop: which side finishes first is a race
  local function exchange(name, skt)
    local sent
    copas.addthread(function()
      sent = { skt:send(body) }
    end)
    local got, err, part = skt:receive(#body)
    got = got or part
    while not sent do copas.pause(0.01) end
    results[name] = { label, name, "received", #got, got == body, err, "sent", sent[1], sent[2] }
  end
  copas.addserver(server, copas.handler(function(skt)
    copas.removeserver(server)
    exchange("server", skt)
  end, tls and sp or nil))
  copas.addthread(function()
    local skt = copas.wrap(socket.tcp(), tls and cp or nil)
    assert(skt:connect("127.0.0.1", port))
    exchange("client", skt)
    copas.pause(0.1)
    skt:close()
  end)
  copas.loop()
  for _, name in ipairs{"server", "client"} do
    local r = results[name]
    print(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
  end
end
both_ways("plain", false)
both_ways("tls", true)

do
  local server = assert(socket.bind("127.0.0.1", 0))
  local _, port = server:getsockname()
  local stop = false
  local bytes = 0
  copas.addserver(server, function(skt)
    copas.removeserver(server)
    skt = copas.wrap(skt)
    while not stop do
      local b, err = skt:receive(1)
      if not b then print("reader failed", err) break end
      bytes = bytes + 1
    end
    skt:close()
  end)
  copas.addthread(function()
    local skt = copas.wrap(socket.tcp())
    skt:connect("127.0.0.1", port)
    local chunk = ("A"):rep(64 * 1024)
    while true do
      local ok, err = skt:send(chunk)
      if not ok then print("sender stopped", err) break end
    end
    skt:close()
  end)
  copas.addthread(function()
    local start = copas.gettime()
    local ticks = 0
    for i = 1, 15 do
      copas.pause(0.1)
      ticks = i
    end
    local elapsed = copas.gettime() - start
    print("timer ticks", ticks, "kept up", math.abs(elapsed - 1.5) < 0.5)
    print("reader read bytes", bytes > 1000)
    stop = true
  end)
  copas.loop()
end
