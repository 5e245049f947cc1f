import Foundation
import TelnyxLua
import Testing

/// Tasks from Lua: await, gather, cancel, errors nobody awaited, sleep, and the argument
/// errors of the scheduler's functions.
@Suite struct TaskTests {
    @Test func awaitReturnsResultsOrRaisesTheOriginalError() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            local sum, text = telnyx.spawn(function(a, b) return a + b, "x" end, 1, 2):await()
            function fetch_missing_number()
              local n = telnyx.phone_numbers.retrieve("00000000-0000-0000-0000-00000000ffff") return n
            end
            local t = telnyx.spawn(fetch_missing_number)
            local ok, e = pcall(t.await, t)
            local function explode() error("kaput") end
            local u = telnyx.spawn(explode)
            local ok2, e2 = pcall(u.await, u)
            -- Awaiting again gives the same outcome.
            local ok3, e3 = pcall(t.await, t)
            return sum, text, ok, e.type, e.status, tostring(e.traceback), ok2, e2, ok3, e3 == e, t.status
            """)
        #expect(r[0].integerValue == 3 && r[1].stringValue == "x")
        #expect(r[2] == .boolean(false))
        #expect(r[3].stringValue == "NotFoundError" && r[4].integerValue == 404)
        #expect(r[5].stringValue?.contains("fetch_missing_number") == true, "\(r[5])")
        #expect(r[6] == .boolean(false))
        let message = r[7].stringValue ?? ""
        #expect(message.hasPrefix("test:7: kaput\ntask traceback:"), "\(message)")
        // The traceback shows where the task's function is: explode is defined on line 7.
        #expect(message.contains("in function <test:7>") || message.contains("'explode'"), "\(message)")
        #expect(r[8] == .boolean(false) && r[9] == .boolean(true))
        #expect(r[10].stringValue == "failed")
    }

    @Test func gatherReturnsInOrderAndRaisesTheFirstFailureAfterAllFinish() async throws {
        let h = try await SandboxHarness.start(latencyMs: 10)
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            local ids = {}
            for i, n in ipairs(telnyx.phone_numbers.list{page = {size = 3}}:take(3)) do ids[i] = n.id end
            local function get(i) return telnyx.phone_numbers.retrieve(ids[i]).data.id end
            local a, b, c = telnyx.gather(telnyx.spawn(get, 3), telnyx.spawn(get, 1), telnyx.spawn(get, 2))
            local listed = {telnyx.gather({telnyx.spawn(get, 2), telnyx.spawn(get, 3)})}
            local slow = telnyx.spawn(function() telnyx.sleep(0.02) return get(1) end)
            local bad = telnyx.spawn(function() error("first failure") end)
            local worse = telnyx.spawn(function() error("second failure") end)
            local ok, e = pcall(telnyx.gather, slow, bad, worse)
            return a == ids[3] and b == ids[1] and c == ids[2], #listed, listed[1] == ids[2], ok, e, slow.status,
              select("#", telnyx.gather())
            """)
        #expect(r[0] == .boolean(true))
        #expect(r[1].integerValue == 2 && r[2] == .boolean(true))
        #expect(r[3] == .boolean(false))
        #expect(r[4].stringValue?.hasPrefix("test:7: first failure") == true, "\(r[4])")
        #expect(r[5].stringValue == "done")
        #expect(r[6].integerValue == 0)
    }

    /// As docs/scripting.md shows it: functions given to gather run as tasks, together.
    @Test func gatherSpawnsTheFunctionsItIsGiven() async throws {
        let h = try await SandboxHarness.start(latencyMs: 10)
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            local ids = {}
            for i, n in ipairs(telnyx.phone_numbers.list{page = {size = 2}}:take(2)) do ids[i] = n.id end
            local a, b = telnyx.gather(
              function() return telnyx.phone_numbers.retrieve(ids[2]).data.id end,
              function() return telnyx.phone_numbers.retrieve(ids[1]).data.id end)
            local listed = {telnyx.gather{function() return 1 end, telnyx.spawn(function() return 2 end)}}
            return a == ids[2] and b == ids[1], listed[1], listed[2]
            """)
        #expect(r[0] == .boolean(true))
        #expect(r[1].integerValue == 1 && r[2].integerValue == 2)
    }

    @Test func cancelAbortsTheRequestInFlight() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let ids = try await h.run("return telnyx.phone_numbers.list{page = {size = 1}}:first().id")
        let id = try #require(ids.first?.stringValue)
        try await h.resetLog()
        try await h.configureFaults(["latency_ms": 2000])
        let r = try await h.runWaitingForSandbox("""
            local t = telnyx.spawn(telnyx.phone_numbers.retrieve, "\(id)")
            telnyx.sleep(0) -- the task starts its request and waits for it
            local held = wait_for_sandbox()
            local before = held and t.status
            local cancelled = t:cancel()
            local ok, e = pcall(t.await, t)
            return before, cancelled, t.status, ok, e.type, t:cancel()
            """)
        #expect(r[0].stringValue == "waiting")
        #expect(r[1] == .boolean(true))
        #expect(r[2].stringValue == "cancelled")
        #expect(r[3] == .boolean(false) && r[4].stringValue == "CancelledError")
        #expect(r[5] == .boolean(false), "cancelling again does nothing")
        // The script ended while the sandbox was still holding the request: it did not wait
        // for the answer.
        let log = try await h.requests()
        #expect(log["counters"]?["total"]?.intValue == 1)
        #expect(log["requests"]?[0]?["status"]?.intValue == 0, "the sandbox had already answered: \(log)")
    }

    @Test func cancelReachesARequestInsideAUserCoroutine() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let ids = try await h.run("return telnyx.phone_numbers.list{page = {size = 1}}:first().id")
        let id = try #require(ids.first?.stringValue)
        try await h.resetLog()
        try await h.configureFaults(["latency_ms": 2000])
        let r = try await h.runWaitingForSandbox("""
            local t = telnyx.spawn(function()
              local gen = coroutine.wrap(function() coroutine.yield(telnyx.phone_numbers.retrieve("\(id)")) end)
              return gen()
            end)
            telnyx.sleep(0)
            local before = wait_for_sandbox() and t.status
            t:cancel()
            local ok, e = pcall(t.await, t)
            return before, t.status, e.type
            """)
        #expect(r.map(\.stringValue) == ["waiting", "cancelled", "CancelledError"])
        let log = try await h.requests()
        #expect(log["counters"]?["total"]?.intValue == 1)
        #expect(log["requests"]?[0]?["status"]?.intValue == 0, "the sandbox had already answered: \(log)")
    }

    @Test func failuresNobodyAwaitedAreReportedAtTheEnd() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let base = h.baseURL
        let reports = try await onThread {
            let host = try TelnyxHost(useEnvironment: false)
            host.configure(baseURL: base, apiKey: "KEY_TEST")
            _ = try host.run("""
                local function lost_task() error("nobody saw this") end
                telnyx.spawn(lost_task)
                local seen = telnyx.spawn(function() error("awaited") end)
                pcall(seen.await, seen)
                telnyx.spawn(function() telnyx.sleep(0.01) telnyx.phone_numbers.retrieve("00000000-0000-0000-0000-00000000ffff") end)
                telnyx.spawn(function() return "fine" end)
                """, name: "=test")
            return try host.finishTasks()
        }
        #expect(reports.count == 2, "\(reports)")
        #expect(reports.first?.contains("test:1: nobody saw this") == true)
        #expect(reports.first?.contains("traceback") == true)
        #expect(reports.last?.contains("NotFoundError") == true, "\(reports)")
        #expect(reports.allSatisfy { !$0.contains("awaited") })
    }

    @Test func sleepInsideTasksLetsOthersRun() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let r = try await h.run("""
            local order = {}
            local function note(s) order[#order + 1] = s end
            local a = telnyx.spawn(function() note("a1") telnyx.sleep(0.2) note("a2") end)
            local b = telnyx.spawn(function() note("b1") telnyx.sleep(0) note("b2") telnyx.sleep(0.01) note("b3") end)
            local c = telnyx.spawn(function() note("c1") end)
            telnyx.gather(a, b, c)
            return table.concat(order, " ")
            """)
        #expect(r.first?.stringValue == "a1 b1 c1 b2 b3 a2")
        // Outside any task, even sleep(0) lets the ready tasks run.
        let started = try await h.run("""
            local ran = 0
            for _ = 1, 3 do telnyx.spawn(function() ran = ran + 1 end) end
            local before = ran
            telnyx.sleep(0)
            return before, ran
            """)
        #expect(started.map(\.integerValue) == [0, 3])
    }

    @Test func badArgumentsGiveClearErrors() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        for (code, message) in [
            ("telnyx.spawn(42)", "telnyx.spawn: expected a function, got number"),
            ("telnyx.spawn()", "telnyx.spawn: expected a function, got nil"),
            ("telnyx.map('x', print)", "telnyx.map: expected a list, got string"),
            ("telnyx.map({1}, 'f')", "telnyx.map: expected a function, got string"),
            ("telnyx.map({1}, print, 3)", "telnyx.map: options must be a table"),
            ("telnyx.map({1}, print, {concurrency = 0})", "telnyx.map: concurrency must be a whole number >= 1"),
            ("telnyx.map({1}, print, {concurrency = 2.5})", "telnyx.map: concurrency must be a whole number >= 1"),
            ("telnyx.sleep(-1)", "telnyx.sleep: expected a number of seconds >= 0, got -1"),
            ("telnyx.sleep('soon')", "telnyx.sleep: expected a number of seconds >= 0, got soon"),
            ("telnyx.sleep(0/0)", "telnyx.sleep: expected a number of seconds >= 0"),
            ("telnyx.gather(1)", "telnyx.gather: argument #1 is neither a task nor a function"),
            ("telnyx.gather({telnyx.spawn(print), 'x'})", "telnyx.gather: argument #2 is neither a task nor a function"),
            ("local t = telnyx.spawn(print) t.await({})", "await: expected a task"),
        ] {
            let failure = await h.failure(code)
            #expect(failure.hasPrefix("test:1: " + message), "\(code): \(failure)")
        }
    }
}
