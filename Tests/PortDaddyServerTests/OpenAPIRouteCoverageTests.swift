import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortDaddyAPI
import Testing

@testable import PortDaddyServer

/// The OpenAPI document against the real router, in-process: the routes it lists are exactly the routes the router
/// serves, the routes it marks with the user's token are exactly those refused without it, and `docs/openapi.json`
/// is what the generator builds now.
@Suite("OpenAPI route coverage")
struct OpenAPIRouteCoverageTests {
    /// How to bring the document up to date, said in every failure.
    static let fix =
        "declare the route in Routes (Sources/PortDaddyAPI/Contract) and list it in Routes.all, register it with .on(Routes.x), "
        + "then regenerate: swift run pd openapi > docs/openapi.json"

    /// The document's operations as `METHOD /path/{param}`.
    static func documented() throws -> Set<String> {
        guard case .object(let document) = OpenAPIDocument.build(), case .object(let paths)? = document["paths"] else {
            throw CocoaError(.coderInvalidValue)
        }
        var operations: Set<String> = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for method in methods.keys { operations.insert(method.uppercased() + " " + path) }
        }
        return operations
    }

    @Test("every route the router serves is in the document and every documented operation is served, one to one")
    func routerAndDocumentAgree() async throws {
        let harness = try await RouterHarness()
        let router = Daemon.buildRouter(harness.core, logger: Logger(label: "test"))
        let servedList = router.routes.map { route -> String in
            let path = route.path.description
            return route.method.rawValue + " " + (path.hasPrefix("/") ? path : "/" + path)
        }
        let served = Set(servedList)
        #expect(served.count == servedList.count, "a route is registered twice: \(servedList.sorted())")
        let documented = try Self.documented()
        let undocumented = served.subtracting(documented).sorted()
        let unserved = documented.subtracting(served).sorted()
        #expect(undocumented.isEmpty, "served but missing from the OpenAPI document: \(undocumented); \(Self.fix)")
        #expect(unserved.isEmpty, "in the OpenAPI document but not served: \(unserved); \(Self.fix)")
        #expect(documented.count == Routes.all.count, "two routes of Routes.all map to one operation")
        #expect(documented.contains("GET /openapi.json") && documented.contains("POST /locks/{name}"))
    }

    @Test("the routes marked with the userToken scheme are exactly those refused with UNTRUSTED_CALLER without authority")
    func securityMatchesRefusals() async throws {
        let harness = try await RouterHarness()
        var refused: Set<String> = []
        for route in Routes.all {
            var query: [(String, String?)] = []
            if route.query.contains("ids") { query.append(("ids", "x")) }
            if route.query.contains("timeout") { query.append(("timeout", "0")) }
            let path = RoutePath.build(route.template, route.parameters.map { _ in "x" }, query: query)
            // Event streams are refused before they start, so the test reads a whole answer.
            let headers = route.response == "EventStream" ? ["Last-Event-ID": "-1", "Sec-Fetch-Site": "cross-site"] : [:]
            let (status, text) = try await harness.send(
                HTTPRequest.Method(route.method.rawValue)!, path, json: route.method == .get ? nil : "{}", headers: headers)
            if status.code == 401 && text.contains("\"UNTRUSTED_CALLER\"") { refused.insert(route.description) }
        }
        let marked = Set(Routes.userAuthorityRequired.map(\.description))
        #expect(
            refused.subtracting(marked).isEmpty,
            "refused without the user's token but not in Routes.userAuthorityRequired: \(refused.subtracting(marked).sorted())")
        #expect(
            marked.subtracting(refused).isEmpty,
            "in Routes.userAuthorityRequired but answered without the user's token: \(marked.subtracting(refused).sorted())")
        guard case .object(let document) = OpenAPIDocument.build(), case .object(let paths)? = document["paths"],
            case .object(let locks)? = paths["/webhooks"], case .object(let list)? = locks["get"]
        else { throw CocoaError(.coderInvalidValue) }
        #expect(list["security"] == .array([.object([OpenAPIDocument.userTokenScheme: .array([])])]))
    }

    @Test("docs/openapi.json is the generator's output and GET /openapi.json serves it")
    func committedAndServedDocument() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("docs/openapi.json"), encoding: .utf8)
        let generated = OpenAPIDocument.render()
        #expect(committed == generated, "docs/openapi.json is stale: regenerate it with swift run pd openapi > docs/openapi.json")
        let harness = try await RouterHarness()
        let (status, served) = try await harness.send(.get, "/openapi.json")
        #expect(status == .ok)
        #expect(served == generated)
    }

    @Test("the error schema lists every ErrorCode and paths use OpenAPI's {param} syntax")
    func schemas() throws {
        guard case .object(let document) = OpenAPIDocument.build(), case .object(let components)? = document["components"],
            case .object(let schemas)? = components["schemas"], case .object(let error)? = schemas["ErrorBody"],
            case .object(let properties)? = error["properties"], case .object(let code)? = properties["code"],
            case .array(let codes)? = code["enum"]
        else { throw CocoaError(.coderInvalidValue) }
        #expect(codes == ErrorCode.allCases.map { .string($0.rawValue) })
        #expect(error["required"] == .array([.string("error"), .string("code")]))
        #expect(OpenAPIDocument.openAPIPath("/pheromones/:kind/:id") == "/pheromones/{kind}/{id}")
        #expect(OpenAPIDocument.openAPIPath("/") == "/")
        #expect(OpenAPISchemas.componentName("Array<LockInfo>") == "Array_LockInfo_")
    }
}
