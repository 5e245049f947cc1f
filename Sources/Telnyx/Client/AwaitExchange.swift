import NIOConcurrencyHelpers

/// Awaits a callback-style exchange from async code (`TelnyxClient.send`, the transport's
/// `perform`). `start` begins it and returns what cancels it; cancelling the awaiting task calls
/// that, and the exchange's completion (then `.cancelled`) still ends the wait.
func awaitExchange(
    _ start: (@escaping @Sendable (Result<APIResponse, TelnyxError>) -> Void) -> (@Sendable () -> Void)?
) async throws(TelnyxError) -> APIResponse {
    let cancel = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
    let result = await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<APIResponse, TelnyxError>, Never>) in
            let started = start { continuation.resume(returning: $0) }
            cancel.withLockedValue { $0 = started }
            if Task.isCancelled { started?() }
        }
    } onCancel: {
        cancel.withLockedValue { $0 }?()
    }
    return try result.get()
}
