-- Tests for telnyx.dryrun (the hook itself; the request path is the host's).
-- Run: telnyx-lua stdlib/tests/dryrun_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local dryrun = require "telnyx.dryrun"

t.test("enable installs a before_request hook with telnyx.configure", function()
  local real = telnyx.configure
  local installed
  telnyx.configure = function(opts) installed = opts.before_request end
  local out = io.open(t.tmpname(), "w+")
  local ok, err = pcall(dryrun.enable, {output = out})
  telnyx.configure = real
  t.ok(ok, tostring(err))
  t.eq(installed, dryrun.hook)
  t.ok(dryrun.is_enabled())

  local answer = installed({method = "PATCH", url = "https://api.telnyx.com/v2/phone_numbers/123",
    path = "/v2/phone_numbers/123", body = '{"tags":["x"]}', name = "phone_numbers.update"})
  t.eq(answer.status, 200)
  local decoded = telnyx.json.decode(answer.body)
  t.eq(decoded.data.tags[1], "x")
  t.eq(decoded.data.dry_run, true)
  t.eq(installed({method = "GET", url = "https://api.telnyx.com/v2/phone_numbers"}), nil)
  t.ok(installed({method = "delete", path = "/v2/media/a"}))
  t.eq(#dryrun.requests(), 2)

  out:seek("set")
  local printed = out:read("a")
  t.contains(printed, "DRY RUN PATCH https://api.telnyx.com/v2/phone_numbers/123  (phone_numbers.update)")
  t.contains(printed, '  body: {"tags":["x"]}')
  t.contains(printed, "DRY RUN delete /v2/media/a")
  out:close()

  dryrun.disable()
  t.eq(dryrun.hook({method = "POST", path = "/v2/x"}), nil)
end)

t.test("enable refuses bad options and a host without configure", function()
  t.raises("options must be a table", dryrun.enable, 1)
  t.raises("output must be an open file", dryrun.enable, {output = "stderr"})
  local real = telnyx.configure
  telnyx.configure = nil
  local ok, err = pcall(dryrun.enable)
  telnyx.configure = real
  t.eq(ok, false)
  t.contains(tostring(err), "no telnyx.configure")
end)

t.finish()
