local api = package.loaded["telnyx.runtime.api"]
local sb = require "telnyx.sandbox"
for _, p in ipairs{"/__sandbox/config", "http://127.0.0.1:47999/x", "//127.0.0.1:47999/x", "@127.0.0.1:47999/x"} do
  local ok, r = pcall(api.sandbox_start, "GET", p)
  print("sandbox_start", p, ok, r)
  if ok then local ok2, r2 = pcall(api.poll, r) print(" poll", ok2, r2) end
end
print("sb.request", pcall(sb.request, "GET", "http://127.0.0.1:47999/y"))
print("sb.public_key", pcall(sb.public_key))
print("sb.inbound_call", pcall(sb.inbound_call, {from="+1", to="+2", webhook_url="http://127.0.0.1:47999/z"}))
telnyx.stop(0)
