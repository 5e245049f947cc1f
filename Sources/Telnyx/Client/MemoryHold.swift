import CMemoryBudget
import NIOConcurrencyHelpers

/// Bytes counted in the process's memory budget (`--max-memory`) for as long as this object
/// lives: a response body holds one, so the budget sees the body until the last copy of the
/// response is gone.
public final class MemoryHold: Sendable {
    private let counted = NIOLockedValueBox(0)

    private init() {}

    deinit { tl_budget_release(counted.withLockedValue { $0 }) }

    /// A hold of nothing yet.
    public static func empty() -> MemoryHold { MemoryHold() }

    /// Counts `bytes` more if they fit in what is left of the budget; false when they do not.
    public func grow(by bytes: Int) -> Bool {
        guard tl_budget_reserve(bytes) != 0 else { return false }
        counted.withLockedValue { $0 += bytes }
        return true
    }

    /// Bytes counted by this hold.
    public var bytes: Int { counted.withLockedValue { $0 } }

    /// Bytes counted in the budget now.
    public static var used: Int { tl_budget_used() }

    /// Bytes the budget allows (0: no budget).
    public static var limit: Int { tl_budget_limit() }
}
