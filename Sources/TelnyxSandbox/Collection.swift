import Telnyx

/// One stateful resource collection: records seeded lazily from their index, plus an overlay of
/// what callers changed, deleted and created.
///
/// A seeded record is never stored: its id encodes its index and everything else is generated
/// from the index and the seed, so a million phone numbers cost nothing until one is touched.
/// A record is rendered with whichever response schema the endpoint has (retrieve, list item,
/// update) and then the record's own fields (the cheap "light" fields and the caller's changes)
/// are laid over it, so every endpoint agrees on what the caller set.
struct Collection: Sendable {
    /// The identity of a record: its index among the seeds, or its creation number.
    enum Slot: Hashable, Sendable {
        case seeded(Int)
        case created(Int)
    }

    let key: String
    let seed: UInt64
    let seedCount: Int
    /// Cheap fields of a seeded record, derived from its index (id, phone number, tags...).
    let light: @Sendable (Int) -> [String: JSONValue]
    /// The record field holding the id (`id`, `sid`, `call_sid`...).
    let idField: String

    private(set) var deleted: [Int] = []
    private var deletedSet: Set<Int> = []
    private(set) var changes: [Slot: [String: JSONValue]] = [:]
    private(set) var created: [(id: String, deleted: Bool)] = []
    private var createdIndex: [String: Int] = [:]
    private var prefix: String

    /// `idKey`: the collection whose ids these records share (a view such as
    /// `/phone_numbers/voice`, whose records are the phone numbers' settings); `key` by default.
    init(key: String, idKey: String? = nil, seed: UInt64, seedCount: Int, idField: String,
         light: @escaping @Sendable (Int) -> [String: JSONValue]) {
        self.key = key
        self.seed = seed
        self.seedCount = seedCount
        self.idField = idField
        self.light = light
        let h = stableHash(seed, idKey ?? key)
        prefix = String(uuidString(h, h &* 31).prefix(24))
    }

    /// The id of seeded record `index`: a UUID whose last 12 hex digits are the index.
    func seededID(_ index: Int) -> String { prefix + hex(UInt64(index), width: 12) }

    /// The slot of a live record with `id`, or nil.
    func slot(of id: String) -> Slot? {
        if id.utf8.count == 36, id.hasPrefix(prefix), let index = Int(id.suffix(12), radix: 16),
            index < seedCount, !deletedSet.contains(index)
        {
            return .seeded(index)
        }
        if let n = createdIndex[id], !created[n].deleted { return .created(n) }
        return nil
    }

    /// The record's own fields: light fields and changes for a seed, everything for a creation.
    func fields(_ slot: Slot) -> [String: JSONValue] {
        switch slot {
        case .seeded(let index):
            var out = light(index)
            out[idField] = .string(seededID(index))
            for (k, v) in changes[slot] ?? [:] { out[k] = v }
            return out
        case .created:
            return changes[slot] ?? [:]
        }
    }

    /// The seed of a record's generated (schema-driven) part.
    func baseSeed(_ slot: Slot) -> UInt64 {
        switch slot {
        case .seeded(let index): return stableHash(seed, key, String(index))
        case .created(let n): return stableHash(seed, key, "created", String(n))
        }
    }

    /// How many live records there are.
    var count: Int { seedCount - deleted.count + created.lazy.filter { !$0.deleted }.count }

    /// The live record at `position` in list order (seeds by index, then creations), or nil.
    func slot(at position: Int) -> Slot? {
        let liveSeeds = seedCount - deleted.count
        if position < liveSeeds {
            // The index with `position` live seeds before it: step past deletions at or below it.
            var index = position
            while true {
                let skipped = upperBound(deleted, index)
                if position + skipped == index { return .seeded(index) }
                index = position + skipped
            }
        }
        var remaining = position - liveSeeds
        for (n, entry) in created.enumerated() where !entry.deleted {
            if remaining == 0 { return .created(n) }
            remaining -= 1
        }
        return nil
    }

    /// Every live slot in list order (a lazy sequence: filters walk it without storing it).
    var allSlots: some Sequence<Slot> {
        let seeds = (0..<seedCount).lazy.filter { !deletedSet.contains($0) }.map { Slot.seeded($0) }
        let made = created.indices.lazy.filter { !created[$0].deleted }.map { Slot.created($0) }
        return [AnySequence(seeds), AnySequence(made)].joined()
    }

    /// A fresh id for a record the caller creates without naming one.
    func nextCreatedID() -> String {
        let h = stableHash(seed, key, "created", String(created.count))
        var mix = SplitMix(h)
        return uuidString(h, mix.next())
    }

    /// Adds a record with `id` and `fields`; an existing id is replaced (POST-to-id upserts).
    mutating func create(id: String, fields: [String: JSONValue]) -> Slot {
        if let existing = slot(of: id) {
            update(existing, with: fields)
            return existing
        }
        var record = fields
        record[idField] = .string(id)
        created.append((id, false))
        createdIndex[id] = created.count - 1
        let slot = Slot.created(created.count - 1)
        changes[slot] = record
        return slot
    }

    /// Merges `fields` into the record (top-level members replace).
    mutating func update(_ slot: Slot, with fields: [String: JSONValue]) {
        var record = changes[slot] ?? [:]
        for (k, v) in fields where k != idField { record[k] = v }
        changes[slot] = record
    }

    /// Removes the record.
    mutating func delete(_ slot: Slot) {
        changes[slot] = nil
        switch slot {
        case .seeded(let index):
            deletedSet.insert(index)
            deleted.insert(index, at: upperBound(deleted, index))
        case .created(let n):
            created[n].deleted = true
            createdIndex[created[n].id] = nil
        }
    }

    private func upperBound(_ sorted: [Int], _ value: Int) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
