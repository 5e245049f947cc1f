import Foundation
import Testing

@testable import Telnyx

/// The repository root, found from this file's path.
private let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// The Telnyx reference data beside the repository, when present.
private let referenceDir = repoRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/telnyx")

@Suite struct CatalogTests {
    @Test func countsEveryMethod() {
        let catalog = Catalog.shared
        #expect(catalog.count == 1250)
        #expect(catalog.names.count == 1250)
        #expect(catalog.header["format"]?.intValue == 1)
        #expect(catalog.header["methods"]?.intValue == 1250)
    }

    /// help's one-line descriptions: path, body and the members of object parameters, dotted.
    @Test func parametersHaveTheirOneLineDescriptions() {
        let speak = ParameterDocs.of("calls.actions.speak")
        #expect(speak["payload"] == "The text or SSML to be converted into speech.")
        #expect(speak["call_control_id"] != nil)
        let list = ParameterDocs.of("phone_numbers.list")
        #expect(list["filter"] != nil)
        #expect(list.keys.contains { $0.hasPrefix("filter.") })
        #expect(list.values.allSatisfy { !$0.contains("\n") && $0.count <= 120 })
        #expect(ParameterDocs.of("no_such.method").isEmpty)
    }

    @Test func namesFollowEndpointsTSV() throws {
        let path = referenceDir.appendingPathComponent("endpoints.tsv").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("CatalogTests: \(path) not found; endpoints.tsv comparison skipped")
            return
        }
        let rows = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let expected = rows.map { "\($0[0]).\($0[1])" }
        #expect(Catalog.shared.names == expected)
    }

    @Test func everyMethodDecodes() {
        let catalog = Catalog()
        var unchecked = 0
        for position in 0..<catalog.count {
            guard let spec = catalog.method(at: position) else {
                Issue.record("method \(catalog.names[position]) does not decode")
                continue
            }
            #expect(spec.fullName == catalog.names[position])
            #expect(Set(spec.pathParams.keys) == Set(spec.pathParamNames))
            if !spec.checked { unchecked += 1 }
        }
        // Only the methods neither the spec nor the pinned SDK has (docs/catalog-format.md).
        #expect(unchecked == 2)
        #expect(catalog.decodedCount == 1250)
    }

    @Test func phoneNumbersListNestsQueryParameters() throws {
        let spec = try #require(Catalog.shared.method(named: "phone_numbers.list"))
        #expect(spec.http == "GET")
        #expect(spec.route == "/phone_numbers")
        #expect(spec.positional == nil)
        #expect(spec.keywordPath.isEmpty)
        #expect(spec.result == .page(.defaultFlatPagination))
        #expect(spec.operationId == "ListPhoneNumbers")
        #expect(spec.checked)
        #expect(spec.body == nil)
        let query = try #require(spec.query)
        let filter = try #require(query.properties["filter"])
        #expect(filter.types == [.object])
        #expect(filter.style == .deepObject)
        #expect(filter.explode == true)
        #expect(filter.properties["tag"]?.types == [.string])
        let numberType = try #require(filter.properties["number_type"])
        #expect(numberType.properties["eq"]?.enumValues?.contains("toll_free") == true)
        let page = try #require(query.properties["page"])
        #expect(page.propertyNames == ["number", "size"])
        #expect(page.properties["size"]?.types == [.integer])
        #expect(query.propertyNames.contains("handle_messaging_profile_error"))
        #expect(query.properties["handle_messaging_profile_error"]?.style == .form)
    }

    @Test func texmlListsReturnOnePage() throws {
        let expected: [String: String] = [
            "texml.accounts.calls.retrieve_calls": "calls",
            "texml.accounts.conferences.retrieve_conferences": "conferences",
            "texml.accounts.conferences.participants.retrieve_participants": "participants",
            "texml.accounts.conferences.retrieve_recordings": "recordings",
            "texml.accounts.conferences.retrieve_recordings_json": "recordings",
            "texml.accounts.calls.recordings_json.retrieve_recordings_json": "recordings",
            "texml.accounts.retrieve_recordings_json": "recordings",
            "texml.accounts.retrieve_transcriptions_json": "transcriptions",
        ]
        for (name, key) in expected {
            let spec = try #require(Catalog.shared.method(named: name))
            #expect(spec.result == .texml(itemsKey: key), "\(name)")
        }
        let calls = try #require(Catalog.shared.method(named: "texml.accounts.calls.retrieve_calls"))
        #expect(calls.route == "/texml/Accounts/{account_sid}/Calls")
        #expect(calls.positional == "account_sid")
        #expect(calls.query?.properties["PageSize"]?.types == [.integer])
        let texmlCount = Catalog.shared.names.filter {
            if case .texml = Catalog.shared.method(named: $0)?.result { return true }
            return false
        }.count
        #expect(texmlCount == expected.count)
    }

    @Test func pathParametersAndBodies() throws {
        let participant = try #require(
            Catalog.shared.method(named: "texml.accounts.conferences.participants.update"))
        #expect(participant.positional == "call_sid_or_participant_label")
        #expect(participant.keywordPath == ["account_sid", "conference_sid"])
        #expect(participant.pathParamNames == ["account_sid", "conference_sid", "call_sid_or_participant_label"])
        #expect(participant.contentType == "application/json")
        #expect(participant.specContentType == "application/x-www-form-urlencoded")

        let send = try #require(Catalog.shared.method(named: "messages.send"))
        #expect(send.http == "POST")
        #expect(send.body?.required.contains("to") == true)
        #expect(send.body?.properties["media_urls"]?.items?.types == [.string])
        #expect(send.contentType == "application/json")

        let kv = try #require(Catalog.shared.method(named: "storage.kvs.keys.update"))
        #expect(kv.positional == "key")
        #expect(kv.keywordPath == ["id"])
        #expect(kv.pathParams["id"]?.format == "uuid")
        #expect(kv.bodyRequired)
    }

    @Test func uncheckedMethodsOnlyDescribeTheRoute() throws {
        // Neither the spec nor the pinned SDK has it (endpoints.tsv is newer than both).
        let spec = try #require(Catalog.shared.method(named: "meeting_sessions.retrieve_recordings"))
        #expect(!spec.checked)
        #expect(spec.operationId == nil)
        #expect(spec.query == nil && spec.body == nil)
        #expect(spec.status == 200)
    }

    /// What the spec copy lacks comes from the SDK's types (scripts/sdk-types.json).
    @Test func theSDKsTypesCompleteTheSpec() throws {
        // A method newer than the spec: all its parameters are the SDK's.
        let newer = try #require(Catalog.shared.method(named: "ai.collections.retrieve"))
        #expect(newer.checked && newer.operationId == nil)
        #expect(newer.pathParams["slug"]?.types == [.string])
        let agents = try #require(Catalog.shared.method(named: "rcs.agents.update"))
        #expect(agents.body?.properties.isEmpty == false)
        // A parameter the spec lacks, a query member it lacks, a type it gets wrong.
        let voicemail = try #require(Catalog.shared.method(named: "phone_numbers.voicemail.create"))
        #expect(voicemail.body?.properties["greeting"]?.properties["mode"]?.enumValues?.contains(.string("custom_greeting")) == true)
        let orders = try #require(Catalog.shared.method(named: "sub_number_orders.list"))
        #expect(orders.query?.properties["filter"]?.properties["include_phone_numbers"]?.types == [.boolean])
        let domains = try #require(Catalog.shared.method(named: "email_domains.create"))
        #expect(domains.body?.properties["dmarc_policy"]?.types.contains(.object) == true)
        // Required in the spec, optional in the SDK: Url or ApplicationSid.
        let texml = try #require(Catalog.shared.method(named: "texml.accounts.calls.calls"))
        #expect(texml.body?.required.contains("ApplicationSid") == false)
        // Header parameters, a bare array body, a raw body, the SDK's fixed query.
        let transfer = try #require(Catalog.shared.method(named: "calls.actions.transfer"))
        #expect(transfer.body?.properties["answering_machine_detection_config"]?.properties["beep_detection_profile"] != nil)
        let settle = try #require(Catalog.shared.method(named: "x402.credit_account.settle"))
        #expect(settle.headerNames["header_payment_signature"] == "PAYMENT-SIGNATURE")
        #expect(settle.route == "/x402/credit_account")
        #expect(Catalog.shared.method(named: "call_reasons.validate")?.bodyParam == "body")
        #expect(Catalog.shared.method(named: "storage.kvs.keys.update")?.contentType == "application/octet-stream")
        #expect(Catalog.shared.method(named: "documents.upload")?.fixedQuery.first?.0 == "content-type")
        // help's one-liners: the SDK's where the spec has none.
        #expect(ParameterDocs.of("phone_numbers.voicemail.create")["greeting"]?.hasPrefix("Controls the greeting") == true)
    }

    @Test func resourceTree() {
        let catalog = Catalog.shared
        let accounts = catalog.children(of: "texml.accounts")
        #expect(accounts.resources.contains("calls"))
        #expect(accounts.resources.contains("conferences"))
        #expect(accounts.methods.contains("retrieve_recordings_json"))
        let top = catalog.children(of: "")
        #expect(top.resources.contains("phone_numbers"))
        #expect(top.resources.contains("legacy"))
        #expect(catalog.resourcePaths.contains("legacy.reporting"))
        #expect(catalog.isResource("texml"))
        #expect(!catalog.isResource("nope"))
        #expect(catalog.children(of: "nope").methods.isEmpty)
        // Every method is under its resource, and every resource under its parent, down to the root.
        var methods = 0
        for path in [""] + catalog.resourcePaths {
            let node = catalog.children(of: path)
            methods += node.methods.count
            for method in node.methods {
                #expect(catalog.method(named: path + "." + method) != nil, "\(path).\(method)")
            }
            for child in node.resources {
                #expect(catalog.isResource(path.isEmpty ? child : path + "." + child), "\(path) lists \(child)")
            }
            guard !path.isEmpty else { continue }
            let parts = path.split(separator: ".")
            let parent = parts.dropLast().joined(separator: ".")
            #expect(catalog.children(of: parent).resources.contains(String(parts.last!)), "\(parent) does not list \(path)")
        }
        #expect(methods == catalog.count)
    }

    @Test func indexIsLazy() {
        let catalog = Catalog()
        #expect(catalog.count == 1250)
        #expect(catalog.decodedCount == 0)
        _ = catalog.method(named: "phone_numbers.list")
        _ = catalog.method(named: "phone_numbers.list")
        #expect(catalog.decodedCount == 1)
        #expect(catalog.method(named: "no.such_method") == nil)
        print("CatalogTests: index built in \(catalog.indexBuildTime)")
    }

    @Test func responseSchemasDocument() throws {
        let document = Catalog.responseSchemas()
        let responses = try #require(document["responses"]?.objectValue)
        let components = try #require(document["components"]?.objectValue)
        // The spec's 1154, and the SDK's models for 86 methods the spec has no answer for.
        #expect(responses.count == 1240)
        let agent = try #require(responses["rcs.agents.retrieve"]?["schema"])
        #expect(agent["properties"]?["agent_id"] != nil)
        #expect(components.keys.contains { $0.hasPrefix("sdk.") })
        let list = try #require(responses["phone_numbers.list"])
        #expect(list["status"]?.intValue == 200)
        #expect(list["content_type"]?.stringValue == "application/json")
        #expect(list["schema"] != nil)
        #expect(!components.isEmpty)
    }

    @Test func generatedFileIsUpToDate() throws {
        let script = repoRoot.appendingPathComponent("scripts/generate-catalog").path
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python, FileManager.default.fileExists(atPath: referenceDir.path),
            run(python, ["-c", "import yaml"]) == 0
        else {
            print("CatalogTests: python3, PyYAML or ../shared/telnyx missing; --check skipped")
            return
        }
        #expect(run(python, [script, "--check", referenceDir.path]) == 0)
    }

    private func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
