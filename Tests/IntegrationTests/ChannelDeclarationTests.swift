import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// A real repository with two worktrees on branches `a` and `b` (and the main checkout on `main`), for declared
/// channels: every `pd` runs in one of the checkouts, as an agent there would.
struct TwoWorktreeRepo {
    let root: String
    var main: String { root + "/proj" }
    var a: String { root + "/wa" }
    var b: String { root + "/wb" }

    init() throws {
        root = NSTemporaryDirectory() + "pdrepo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.git(["init", "-q", "-b", "main", "proj"], in: root)
        try Self.git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "start"], in: main)
        try Self.git(["worktree", "add", "-q", "-b", "a", "../wa"], in: main)
        try Self.git(["worktree", "add", "-q", "-b", "b", "../wb"], in: main)
    }

    static func git(_ arguments: [String], in directory: String) throws {
        let result = try CommandResult.run("/usr/bin/git", arguments, environment: ProcessInfo.processInfo.environment, directory: directory)
        guard result.status == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite("declared channels against a real daemon and a real repository with two worktrees")
struct ChannelDeclarationTests {
    func decode<T: Decodable>(_ type: T.Type, _ result: CommandResult) throws -> T {
        guard result.status == 0 else { throw TestFailure("pd failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }

    @Test("§B.3 Test 5: a branch-scoped channel keeps a and b apart; --raw-channel crosses; the alias resolves; discover lists both")
    func branchScopedChannel() throws {
        let repo = try TwoWorktreeRepo()
        defer { repo.remove() }
        let daemon = try TestDaemon()
        try daemon.start()
        let ensured = try daemon.pd(
            ["channels", "ensure", "swarm:general", "--scope", "branch", "--aliases", "general:swarm", "--description", "the swarm"],
            directory: repo.a)
        #expect(ensured.status == 0)
        #expect(ensured.output == "swarm:general (also general:swarm) is branch-scoped; here it is swarm:general:a")

        // From b, then from a: a's subscriber replays from the start and its first message is a's, not b's.
        let fromB = try decode(ChannelMessageInfo.self, try daemon.pd(["pub", "swarm:general", "from b", "--json"], directory: repo.b))
        #expect(fromB.channel == "swarm:general:b")
        let fromA = try decode(ChannelMessageInfo.self, try daemon.pd(["pub", "swarm:general", "from a", "--json"], directory: repo.a))
        #expect(fromA.channel == "swarm:general:a" && fromA.id > fromB.id)
        let heard = try daemon.pd(["sub", "swarm:general", "--once", "--since", "0", "--json"], directory: repo.a)
        #expect(try decode(ChannelMessageInfo.self, heard).message == "from a")

        // --raw-channel crosses: b publishes on a's physical channel, and a hears it on its logical name.
        let crossed = try decode(
            ChannelMessageInfo.self, try daemon.pd(["pub", "swarm:general:a", "--raw-channel", "crossed", "--json"], directory: repo.b))
        #expect(crossed.channel == "swarm:general:a")
        let next = try daemon.pd(["sub", "swarm:general", "--once", "--since", String(fromA.id), "--json"], directory: repo.a)
        #expect(try decode(ChannelMessageInfo.self, next).message == "crossed")
        // And a subscriber in a can read b's channel literally.
        let literal = try daemon.pd(["sub", "swarm:general:b", "--raw-channel", "--once", "--since", "0", "--json"], directory: repo.a)
        #expect(try decode(ChannelMessageInfo.self, literal).message == "from b")
        // --raw-channel on a declared name is the literal channel swarm:general, which neither worktree uses.
        let bare = try decode(
            ChannelMessageInfo.self, try daemon.pd(["pub", "swarm:general", "--raw-channel", "bare", "--json"], directory: repo.a))
        #expect(bare.channel == "swarm:general")

        // The alias resolves to the same physical channel.
        let viaAlias = try decode(ChannelMessageInfo.self, try daemon.pd(["pub", "general:swarm", "aliased", "--json"], directory: repo.b))
        #expect(viaAlias.channel == "swarm:general:b")

        // discover, from either worktree (one declaration per repository), lists both physical names.
        for checkout in [repo.a, repo.b] {
            let found = try decode(ChannelDiscoveryResponse.self, try daemon.pd(["channels", "discover", "--json"], directory: checkout))
            #expect(found.channels.count == 1)
            let channel = try #require(found.channels.first)
            #expect(channel.declaration.logical == "swarm:general" && channel.declaration.aliases == ["general:swarm"])
            #expect(channel.declaration.description == "the swarm" && channel.declaration.scope == .branch)
            #expect(Set(channel.physical).isSuperset(of: ["swarm:general:a", "swarm:general:b"]))
            #expect(channel.here == (checkout == repo.a ? "swarm:general:a" : "swarm:general:b"))
        }
        let table = try daemon.pd(["channels", "discover", "swarm"], directory: repo.a)
        #expect(table.status == 0 && table.stdout.contains("swarm:general:a") && table.stdout.contains("swarm:general:b"))
        #expect(try daemon.pd(["channels", "discover", "nothing:here"], directory: repo.a).output.hasPrefix("no declared channels"))
    }

    @Test("channels clear and tube resolve the logical name in the checkout they run in")
    func clearAndTubeResolve() throws {
        let repo = try TwoWorktreeRepo()
        defer { repo.remove() }
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["channels", "ensure", "team:notes", "--scope", "branch"], directory: repo.a).status == 0)
        let sent = try daemon.pd(
            ["tube", "team:notes", "--send", "--json"], stdin: "hello from b", environment: ["PD_AGENT_ID": "bee"], directory: repo.b)
        #expect(try decode(ChannelMessageInfo.self, sent).channel == "team:notes:b")
        try daemon.pd(["pub", "team:notes", "kept"], directory: repo.a)
        // The tube in b reads b's channel, with the physical name in the reply hint.
        let read = try daemon.pd(["tube", "team:notes", "--once"], environment: ["PD_AGENT_ID": "bee"], directory: repo.b)
        #expect(read.status == 0 && read.stdout.contains("hello from b") && !read.stdout.contains("kept"))
        #expect(read.stdout.contains("pd tube team:notes:b --reply-to="))
        // Outside git nothing is declared: the name is the channel.
        #expect(
            try decode(ChannelMessageInfo.self, try daemon.pd(["pub", "team:notes", "y", "--json"], directory: repo.root)).channel == "team:notes")
        // Clearing in b clears b's channel only.
        #expect(try daemon.pd(["channels", "clear", "team:notes"], directory: repo.b).output == "cleared 1 message(s) from team:notes:b")
        #expect(try daemon.client().history("team:notes:a", after: 0).messages.map(\.message) == ["kept"])
    }

    @Test("watch runs its program for the checkout's physical channel only")
    func watchResolves() throws {
        let repo = try TwoWorktreeRepo()
        defer { repo.remove() }
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["channels", "ensure", "ci:done", "--scope", "branch"], directory: repo.a).status == 0)
        try daemon.pd(["pub", "ci:done", "b finished"], directory: repo.b)
        try daemon.pd(["pub", "ci:done", "a finished"], directory: repo.a)
        // One program at a time, replaying from the start: had b's message matched, it would print first.
        let watch = try RunningCommand(
            daemon.binary,
            ["watch", "ci:done", "--since", "0", "--concurrency", "1", "--exec", "/bin/sh", "-c", "echo \"$PD_CHANNEL $PD_MESSAGE\""],
            environment: daemon.environment, directory: repo.a)
        #expect(eventually { watch.outputSoFar.contains("a finished") })
        kill(watch.pid, SIGTERM)
        let lines = watch.wait().stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["ci:done:a a finished"])
    }

    @Test("worktree, repo and global scopes; a detached HEAD uses the folder; bad declarations are 400 and exit 2")
    func scopesAndRules() throws {
        let repo = try TwoWorktreeRepo()
        defer { repo.remove() }
        try TwoWorktreeRepo.git(["checkout", "-q", "--detach"], in: repo.b)
        let daemon = try TestDaemon()
        try daemon.start()
        func physical(_ logical: String, _ scope: String, in checkout: String) throws -> String {
            #expect(try daemon.pd(["channels", "ensure", logical, "--scope", scope], directory: repo.a).status == 0)
            return try decode(ChannelMessageInfo.self, try daemon.pd(["pub", logical, "x", "--json"], directory: checkout)).channel
        }
        #expect(try physical("by:tree", "worktree", in: repo.a) == "by:tree:wa")
        #expect(try physical("by:repo", "repo", in: repo.b) == "by:repo:proj")
        #expect(try physical("by:all", "global", in: repo.b) == "by:all")
        #expect(try physical("by:branch", "branch", in: repo.b) == "by:branch:wb")

        // Six segments leave no room for the scope key: 400 from the daemon, exit 2 from pd.
        let tooLong = try daemon.pd(["channels", "ensure", "a:b:c:d:e:f", "--scope", "branch"], directory: repo.a)
        #expect(tooLong.status == 2 && tooLong.stderr.contains("at most 5"))
        #expect(try daemon.pd(["channels", "ensure", "ok:name", "--scope", "planet"], directory: repo.a).status == 2)
        #expect(try daemon.pd(["channels", "ensure", "ok:name", "--scope", "branch"], directory: repo.root).status == 2)
        // The channel named declarations would hit the declarations' route: pd refuses it.
        let reserved = try daemon.pd(["pub", "declarations", "x"], directory: repo.a)
        #expect(reserved.status == 2 && reserved.stderr.contains("reserved"))
        // An alias may not name another declaration.
        let taken = try daemon.pd(["channels", "ensure", "other", "--scope", "repo", "--aliases", "by:tree"], directory: repo.a)
        #expect(taken.status == 2 && taken.stderr.contains("already names"))

        let client = daemon.client()
        func post(_ json: String) throws -> (Int, String) {
            let response = try client.send("POST", Routes.declareChannel.path(), body: Array(json.utf8))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        let six = try post(#"{"repo":"/r/.git","logical":"a:b:c:d:e:f","scope":"branch"}"#)
        #expect(six.0 == 400 && six.1.contains("INVALID_CHANNEL"))
        #expect(try post(#"{"repo":"/r/.git","logical":"ok","scope":"planet"}"#).0 == 400)
        #expect(try post(#"{"repo":"","logical":"ok","scope":"branch"}"#).0 == 400)
        #expect(try post(#"{"repo":"/r/.git","logical":"ok","scope":"repo","aliases":["ok"]}"#).0 == 400)
        // New is 201, the same again 200; aliases and description left out are kept.
        #expect(try post(#"{"repo":"/r/.git","logical":"ok","scope":"repo","aliases":["fine"],"description":"d"}"#).0 == 201)
        #expect(try post(#"{"repo":"/r/.git","logical":"ok","scope":"branch"}"#).0 == 200)
        let listed = try client.channelDeclarations(repo: "/r/.git").declarations
        #expect(listed.map(\.logical) == ["ok"] && listed.first?.aliases == ["fine"] && listed.first?.description == "d")
        #expect(listed.first?.scope == .branch)
        #expect(try client.channelDeclarations(repo: nil).declarations.count == 5)
    }
}
