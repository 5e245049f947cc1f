import Foundation
import Testing

/// `telnyx-lua --sandbox` as a real process: a task's failure nobody awaited is printed when
/// the script ends, and the exit status says so.
@Suite struct TaskCLITests {
    @Test func unawaitedTaskFailureIsPrintedAndExitsOne() throws {
        let code = """
            local function lost() error("nobody awaited this") end
            telnyx.spawn(lost)
            local ok = telnyx.spawn(function() return 1 end)
            print("script ended", ok:await())
            """
        let r = try Binaries.run(Binaries.telnyxLua, ["--sandbox", "-e", code])
        #expect(r.status == 1)
        #expect(r.stdout == "script ended\t1\n")
        #expect(r.stderr.contains("a task failed and was never awaited"), "\(r.stderr)")
        #expect(r.stderr.contains("nobody awaited this"))
    }

    @Test func awaitedFailuresAreNotReportedAgain() throws {
        let code = """
            local t = telnyx.spawn(function() error("seen") end)
            print(pcall(t.await, t))
            """
        let r = try Binaries.run(Binaries.telnyxLua, ["--sandbox", "-e", code])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }
}
