-- demo.lua: a first tour of telnyx-lua: lists, retrieves, creates, concurrent tasks, errors.
-- Run it on the built-in sandbox (no API key needed):
--   telnyx-lua --sandbox stdlib/recipes/demo.lua
-- Arguments: none.
local tabulate = require "telnyx.tabulate"

print(("telnyx-lua %s\n"):format(telnyx.version))

-- Lists are lazy paginators: pages are fetched as the loop needs them.
local numbers = telnyx.phone_numbers.list{page = {size = 25}}
print(("%d phone numbers on the account; the first five:"):format(numbers:count()))
tabulate.print(numbers:take(5), {columns = {"phone_number", "status", "tags"}})

-- Calls take the path parameter first, then a table of parameters, as the SDKs do.
local first = numbers:first()
local number = telnyx.phone_numbers.retrieve(first.id).data
print(("\nretrieved %s (%s)"):format(number.phone_number, number.id))

-- Create a SIP connection, then find it again.
local conn = telnyx.external_connections.create{external_sip_connection = "zoom", outbound = {}}.data
print(("created external connection %s"):format(conn.id))

-- Many calls at once: each task's request is in flight at the same time.
local ids = {}
for i, n in ipairs(numbers:take(20)) do ids[i] = n.id end
local results = telnyx.map(ids, function(id)
  return telnyx.phone_numbers.update(id, {tags = {"demo"}}).data.tags[1]
end, {concurrency = 10})
local tagged = 0
for _, r in ipairs(results) do
  if r.ok and r.value == "demo" then tagged = tagged + 1 end
end
print(("tagged %d numbers concurrently"):format(tagged))

-- Errors are tables: type, status, message, errors, request_id.
local ok, err = pcall(telnyx.phone_numbers.retrieve, "no-such-number")
print(("\nan error, caught: %s (status %s)"):format(err.type, tostring(err.status)))
local _, typo = pcall(telnyx.phone_numbers.list, {filtr = {tag = "demo"}})
print("a typo, caught before sending: " .. tostring(typo))

print("\nhelp for a method:")
telnyx.help(telnyx.phone_numbers.retrieve)
