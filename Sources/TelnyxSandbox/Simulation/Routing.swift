import NIOConcurrencyHelpers
import Telnyx

/// Where calls and messages go: the phone number records (their `connection_id` and
/// `messaging_profile_id`), TeXML applications (stateful in the store), and the Call Control
/// applications and messaging profiles created through the API, which the simulation remembers
/// itself (the store answers those from their schema alone).
final class Routing: Sendable {
    /// Remembered applications and profiles, at most this many.
    static let capacity = 10_000
    private let store: Store
    private let remembered = NIOLockedValueBox<(byID: [String: [String: JSONValue]], order: [String])>(([:], []))

    init(store: Store) { self.store = store }

    /// Keeps (or updates) the fields of an application or profile created through the API.
    func remember(id: String, fields: [String: JSONValue]) {
        remembered.withLockedValue { r in
            if r.byID[id] == nil { r.order.append(id) }
            r.byID[id, default: [:]].merge(fields) { $1 }
            if r.order.count > Self.capacity { r.byID[r.order.removeFirst()] = nil }
        }
    }

    /// The fields remembered for `id`.
    func remembered(_ id: String) -> [String: JSONValue]? { remembered.withLockedValue { $0.byID[id] } }

    /// The phone number record of `number` (light fields and changes), if the sandbox has it.
    func numberRecord(_ number: String) -> [String: JSONValue]? {
        store.phoneNumberFields(number)
    }

    /// The TeXML application `id` (rendered from the store), if there is one.
    func texmlApplication(_ id: String) -> [String: JSONValue]? { store.record("/texml_applications", id: id) }

    /// The webhook destination of a Call Control application or connection `id`.
    func callDestination(connectionID id: String) -> WebhookDestination? {
        guard let app = remembered(id), let url = app["webhook_event_url"]?.stringValue else { return nil }
        let timeout = app["webhook_timeout_secs"]?.intValue.map { Int($0) } ?? 10
        return WebhookDestination(url: url, failoverURL: app["webhook_event_failover_url"]?.stringValue, timeoutSeconds: timeout)
    }

    /// The webhook destination of messaging profile `id`.
    func messagingDestination(profileID id: String) -> WebhookDestination? {
        guard let profile = remembered(id), let url = profile["webhook_url"]?.stringValue else { return nil }
        return WebhookDestination(url: url, failoverURL: profile["webhook_failover_url"]?.stringValue)
    }

    func reset() { remembered.withLockedValue { $0 = ([:], []) } }
}
