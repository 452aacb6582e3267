import ArgumentParser
import Foundation
import PortDaddyAPI

extension PD {
    /// `pd openapi`: prints the daemon's OpenAPI 3.1 document (the one `GET /openapi.json` serves), built from the
    /// route table without a daemon. `docs/openapi.json` is its output: regenerate it after adding a route.
    struct OpenAPI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openapi", abstract: "Print the daemon's OpenAPI 3.1 document (docs/openapi.json).", shouldDisplay: false)

        func run() throws {
            FileHandle.standardOutput.write(Data(OpenAPIDocument.render().utf8))
        }
    }
}
