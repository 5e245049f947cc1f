import NIOConcurrencyHelpers
import Telnyx

/// How the simulated far end at one number behaves: when it answers (nil: never), what it
/// presses and says when asked, when it hangs up, whether it is busy. Set with
/// `POST /__sandbox/parties`; a number nobody described behaves as `Party.standard`.
struct Party: Sendable, Equatable {
    var number: String
    var answerAfterMs: Int?
    var digits: String
    var speech: String
    var hangupAfterMs: Int
    var busy: Bool

    /// Answers after 100 ms, presses nothing, hangs up when the other side does or after 60 s.
    static func standard(_ number: String) -> Party {
        Party(number: number, answerAfterMs: 100, digits: "", speech: "", hangupAfterMs: 60_000, busy: false)
    }

    var json: JSONValue {
        ["number": .string(number), "answer_after_ms": answerAfterMs.map { .int(Int64($0)) } ?? .null,
         "digits": .string(digits), "speech": .string(speech), "hangup_after_ms": .int(Int64(hangupAfterMs)),
         "busy": .bool(busy)]
    }

    /// `base` with the members of `json` laid over it; a problem naming the bad member, or the party.
    static func parse(_ json: JSONValue, over base: Party) -> Result<Party, PartyError> {
        guard case .object(let members) = json else { return .failure(PartyError("the body must be a JSON object")) }
        var party = base
        let limit = Int64(Faults.maxDelayMs) * 6
        func ms(_ key: String) -> Result<Int?, PartyError> {
            guard let value = members[key] else { return .success(nil) }
            guard let n = value.intValue, (0...limit).contains(n) else {
                return .failure(PartyError("\(key) must be a whole number of milliseconds from 0 to \(limit)"))
            }
            return .success(Int(n))
        }
        if let value = members["answer_after_ms"] {
            if value.isNull || value.intValue.map({ $0 < 0 }) == true {
                party.answerAfterMs = nil
            } else {
                switch ms("answer_after_ms") {
                case .failure(let e): return .failure(e)
                case .success(let v): party.answerAfterMs = v
                }
            }
        }
        switch ms("hangup_after_ms") {
        case .failure(let e): return .failure(e)
        case .success(let v): if let v { party.hangupAfterMs = v }
        }
        for key in ["digits", "speech"] {
            guard let value = members[key] else { continue }
            guard let text = value.stringValue, text.utf8.count <= 256 else { return .failure(PartyError("\(key) must be a string of up to 256 bytes")) }
            if key == "digits" {
                guard text.allSatisfy({ "0123456789*#ABCDw".contains($0) }) else { return .failure(PartyError("digits may hold 0-9, *, #, A-D and w only")) }
                party.digits = text
            } else {
                party.speech = text
            }
        }
        if let value = members["busy"] {
            guard let busy = value.boolValue else { return .failure(PartyError("busy must be true or false")) }
            party.busy = busy
        }
        return .success(party)
    }
}

/// Why a party description was refused (answered 422).
struct PartyError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The described parties, by number (at most `capacity`; the oldest description goes first).
final class Parties: Sendable {
    static let capacity = 10_000
    private let state = NIOLockedValueBox<(byNumber: [String: Party], order: [String])>(([:], []))

    /// The party at `number`: its description, or the standard one.
    func party(_ number: String) -> Party {
        state.withLockedValue { $0.byNumber[number] } ?? .standard(number)
    }

    /// Describes a party; the body needs `number`.
    func describe(_ json: JSONValue) -> Result<Party, PartyError> {
        guard let number = json["number"]?.stringValue, !number.isEmpty, number.utf8.count <= 64 else {
            return .failure(PartyError("number is required (a string such as +13125550100)"))
        }
        let parsed = Party.parse(json, over: .standard(number))
        if case .success(let party) = parsed {
            state.withLockedValue { s in
                if s.byNumber[number] == nil { s.order.append(number) }
                s.byNumber[number] = party
                if s.order.count > Self.capacity { s.byNumber[s.order.removeFirst()] = nil }
            }
        }
        return parsed
    }

    var all: [Party] { state.withLockedValue { s in s.order.compactMap { s.byNumber[$0] } } }

    func reset() { state.withLockedValue { $0 = ([:], []) } }
}
