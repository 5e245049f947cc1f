import Foundation
import TelnyxLua
import Testing

/// Requests from Lua tasks overlap; API calls work inside user coroutines; telnyx.map keeps
/// every item, in order, within its concurrency limit. Counted by what the sandbox saw.
@Suite struct ConcurrencyTests {
    /// Lua that sets `ids` to the ids of the 100 seeded phone numbers (one request).
    static let seededIDs = """
        local ids = {}
        for i, n in ipairs(telnyx.phone_numbers.list{page = {size = 100}}:collect()) do ids[i] = n.id end
        """

    @Test func fiftyTasksHaveTheirRequestsInFlightTogether() async throws {
        let h = try await SandboxHarness.start(latencyMs: 200)
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            \(Self.seededIDs)
            local tasks = {}
            for i = 1, 50 do tasks[i] = telnyx.spawn(telnyx.phone_numbers.retrieve, ids[i]) end
            local results = {telnyx.gather(tasks)}
            for i = 1, 50 do
              if results[i].data.id ~= ids[i] then error("task " .. i .. " got " .. tostring(results[i].data.id)) end
            end
            return #results
            """)
        #expect(r.first?.integerValue == 50)
        #expect(try await h.totalRequests() == 51)
        let most = try await h.maxInFlight()
        #expect(most >= 20, "at most \(most) requests were in flight at once")
    }

    @Test func apiCallsInsideWrapInsideATaskAndOutside() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        // The generator yields "start", the number it fetched, "end"; nothing of the host's.
        let generator = """
            local function generator(id)
              return coroutine.wrap(function()
                coroutine.yield("start")
                local n = telnyx.phone_numbers.retrieve(id)
                coroutine.yield(n.data.id)
                coroutine.yield("end")
                return "returned"
              end)
            end
            local function drain(gen)
              local out = {}
              for _ = 1, 4 do out[#out + 1] = gen() end
              return table.concat(out, " ")
            end
            """
        let r = try await h.run("""
            \(Self.seededIDs)
            \(generator)
            local in_task = telnyx.spawn(function() return drain(generator(ids[2])) end):await()
            local outside = drain(generator(ids[3]))
            return in_task, outside, ids[2], ids[3]
            """)
        let (id2, id3) = (r[2].stringValue ?? "?", r[3].stringValue ?? "?")
        #expect(r[0].stringValue == "start \(id2) end returned")
        #expect(r[1].stringValue == "start \(id3) end returned")
        #expect(try await h.queries(endingWith: id2).count == 1)
        #expect(try await h.queries(endingWith: id3).count == 1)
    }

    @Test func apiCallsInsideResumeStyleCoroutines() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            \(Self.seededIDs)
            local function run(id)
              local co = coroutine.create(function(a)
                local b = coroutine.yield(a + 1)
                local n = telnyx.phone_numbers.retrieve(id)
                local c = coroutine.yield(n.data.id .. "/" .. b)
                return "done " .. c
              end)
              local out = {}
              for _, value in ipairs({1, "B", "C"}) do
                local ok, v = coroutine.resume(co, value)
                out[#out + 1] = tostring(ok) .. ":" .. tostring(v)
              end
              out[#out + 1] = coroutine.status(co)
              out[#out + 1] = tostring((coroutine.resume(co)))
              return table.concat(out, " ")
            end
            local in_task = telnyx.spawn(run, ids[4]):await()
            return in_task, run(ids[5]), ids[4], ids[5]
            """)
        let (id4, id5) = (r[2].stringValue ?? "?", r[3].stringValue ?? "?")
        #expect(r[0].stringValue == "true:2 true:\(id4)/B true:done C dead false")
        #expect(r[1].stringValue == "true:2 true:\(id5)/B true:done C dead false")
    }

    @Test func nestedCoroutinesTwoDeep() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            \(Self.seededIDs)
            -- The outer generator passes on each value of the inner one, tagged; the inner one
            -- makes API calls between its yields.
            local function nested(first, last)
              return coroutine.wrap(function()
                local inner = coroutine.wrap(function()
                  for i = first, last do
                    coroutine.yield(telnyx.phone_numbers.retrieve(ids[i]).data.id:sub(-2))
                  end
                end)
                coroutine.yield("outer")
                for _ = first, last do coroutine.yield("<" .. inner() .. ">") end
              end)
            end
            local function drain(gen)
              local out = {}
              for v in gen do out[#out + 1] = v end
              return table.concat(out, " ")
            end
            local a = telnyx.spawn(function() return drain(nested(1, 3)) end)
            local b = telnyx.spawn(function() return drain(nested(4, 6)) end)
            return a:await(), b:await(), drain(nested(7, 8))
            """)
        #expect(r[0].stringValue == "outer <00> <01> <02>")
        #expect(r[1].stringValue == "outer <03> <04> <05>")
        #expect(r[2].stringValue == "outer <06> <07>")
        #expect(try await h.totalRequests() == 9)
    }

    @Test func mapKeepsEveryItemInOrderWithinItsLimit() async throws {
        let h = try await SandboxHarness.start(latencyMs: 20)
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            \(Self.seededIDs)
            local items = {}
            for i = 1, 200 do
              items[i] = i % 7 == 0 and ("00000000-0000-0000-0000-" .. string.format("%012d", i)) or ids[(i - 1) % 100 + 1]
            end
            local results = telnyx.map(items, function(id, index)
              if index % 50 == 0 then error("plain failure " .. index) end
              return telnyx.phone_numbers.retrieve(id).data.id
            end, {concurrency = 8})
            local out = {}
            for i, entry in ipairs(results) do
              if entry.index ~= i or entry.item ~= items[i] then error("entry " .. i .. " is out of place") end
              if entry.ok then
                if entry.value ~= items[i] then error("entry " .. i .. " has " .. tostring(entry.value)) end
                out[i] = "ok"
              elseif type(entry.error) == "table" then
                out[i] = entry.error.type
              else
                out[i] = tostring(entry.error):match("plain failure %d+") or tostring(entry.error)
              end
            end
            return #results, table.concat(out, ",")
            """)
        #expect(r[0].integerValue == 200)
        let expected = (1...200).map { i in
            i % 50 == 0 ? "plain failure \(i)" : (i % 7 == 0 ? "NotFoundError" : "ok")
        }
        #expect(r[1].stringValue?.split(separator: ",").map(String.init) == expected)
        // One list, then one retrieve per item that did not fail before its call.
        #expect(try await h.totalRequests() == 1 + 200 - 4)
        let most = try await h.maxInFlight()
        #expect(most <= 8 && most >= 2, "max in flight \(most)")
    }
}
