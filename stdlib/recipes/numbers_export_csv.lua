-- numbers_export_csv.lua: export every phone number with its voice settings to a CSV file
-- (all pages, streamed; nested settings flattened into columns).
-- Arguments: [output] (default numbers.csv; "-" writes to stdout)
-- run: telnyx-lua --sandbox stdlib/recipes/numbers_export_csv.lua numbers.csv
local csv = require "telnyx.csv"

local output = ... or "numbers.csv"
local dest = output == "-" and io.stdout or output

local count = csv.export(telnyx.phone_numbers.voice.list{page = {size = 250}}, dest, {
  columns = {
    "id",
    "phone_number",
    "connection_id",
    "customer_reference",
    "tech_prefix_enabled",
    "call_forwarding.call_forwarding_enabled",
    "call_forwarding.forwarding_type",
    "call_forwarding.forwards_to",
    "call_recording.inbound_call_recording_enabled",
    "call_recording.inbound_call_recording_format",
    "cnam_listing.cnam_listing_enabled",
    "emergency.emergency_enabled",
    "emergency.emergency_address_id",
    "inbound_call_screening",
    "usage_payment_method",
  },
})
if output ~= "-" then
  print(("wrote %d number(s) to %s"):format(count, output))
end
