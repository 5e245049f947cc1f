-- wrk script for `telnyx-lua serve`: POSTs webhook deliveries, each with an event id of its own
-- (a repeated id would be acknowledged as a redelivery and never reach a handler).
counter = 0
thread_id = 0  -- global: setup() sets it per thread

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local id = thread_id .. "-" .. counter
  local body = '{"data":{"record_type":"event","id":"' .. id .. '","event_type":"message.sent",'
    .. '"occurred_at":"2026-12-07T10:00:00.000Z","payload":{"id":"msg-' .. id .. '"}},"meta":{"attempt":1}}'
  return wrk.format("POST", "/webhooks", {["content-type"] = "application/json"}, body)
end
