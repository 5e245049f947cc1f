-- demo.lua: a first tour of telnyx-lua. Run it on the sandbox:
--   telnyx-lua --sandbox stdlib/recipes/demo.lua
-- Arguments: none.
print(("telnyx-lua %s"):format(telnyx.version))
local doc = {to = "+13125550100", tags = {"demo"}, webhook_timeout_secs = telnyx.null}
print("JSON for a request body: " .. telnyx.json.encode(doc))
