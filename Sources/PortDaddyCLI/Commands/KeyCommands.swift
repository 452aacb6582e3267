import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd keys` (the state of encryption at rest) and `pd keys rotate`.
    struct KeyGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys", abstract: "Encryption at rest of notes, run text, episodes and tuples: the state, and key rotation.",
            subcommands: [KeyStatus.self, KeyRotate.self], defaultSubcommand: KeyStatus.self)
    }

    /// `pd keys status`.
    struct KeyStatus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "The master key file, and how many rows are sealed.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let status = try attempt { try client.encryptionStatus() }
            if global.json { return global.output.json(status) }
            global.output.line("master key: \(status.keyFile) (\(status.ok ? "loaded" : "NOT USABLE"))")
            if let problem = status.problem { global.output.line("problem:    \(problem)") }
            global.output.line("data keys:  \(status.dataKeys); rows sealed: \(status.sealedRows), in plaintext: \(status.plaintextRows)")
            if !status.ok { throw ExitCode(PDExit.failure) }
        }
    }

    /// `pd keys rotate`.
    struct KeyRotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate", abstract: "Make a new master key and re-wrap every data key under it (needs the socket or the token).",
            discussion: "The text itself is not re-encrypted: each session's data key is re-wrapped in one transaction, then the new key "
                + "file replaces the old one. Keep a copy of the new key file if you back the old one up.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let rotated = try attempt { try client.rotateKeys() }
            if global.json { return global.output.json(rotated) }
            global.output.line("rotated: \(rotated.rewrapped) data key(s) re-wrapped under the new \(rotated.keyFile)")
        }
    }
}
