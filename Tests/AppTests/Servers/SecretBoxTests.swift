@testable import App
import Crypto
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Secrets at rest: AES-256-GCM envelopes bound to org, server and key")
struct SecretBoxTests {
    let binding = SecretBox.Binding(organization: UUID(), server: UUID(), key: "GITHUB_TOKEN")

    @Test func roundTripWithAFreshNonceEachTime() throws {
        let box = SecretBox(current: SymmetricKey(size: .bits256))
        let first = try box.seal("value-1", for: binding)
        let second = try box.seal("value-1", for: binding)
        #expect(first != second, "a random nonce per seal")
        #expect(try box.open(first, for: binding) == "value-1")
        #expect(first.hasPrefix("v1.\(box.currentKeyID)."))
        #expect(!first.contains("value-1"))
    }

    @Test("another organization, server or key name does not open it", arguments: [0, 1, 2])
    func wrongAssociatedData(which: Int) throws {
        let box = SecretBox(current: SymmetricKey(size: .bits256))
        let sealed = try box.seal("value", for: binding)
        var other = binding
        switch which {
        case 0: other.organization = UUID()
        case 1: other.server = UUID()
        default: other.key = "SLACK_TOKEN"
        }
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(sealed, for: other) }
    }

    @Test func tamperingIsDetected() throws {
        let box = SecretBox(current: SymmetricKey(size: .bits256))
        let sealed = try box.seal("value", for: binding)
        var bytes = Array(Data(base64Encoded: String(sealed.split(separator: ".")[2]))!)
        bytes[bytes.count / 2] ^= 0x01
        let tampered = "v1.\(box.currentKeyID)." + Data(bytes).base64EncodedString()
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(tampered, for: binding) }
        #expect(throws: SecretBox.Failure.malformed) { try box.open("not an envelope", for: binding) }
        #expect(throws: SecretBox.Failure.unknownKey("00000000")) { try box.open("v1.00000000." + Data(bytes).base64EncodedString(), for: binding) }
    }

    @Test("rotation re-seals every stored secret with the new key; the old key is then not needed", arguments: TestDatabase.all)
    func rotation(database: TestDatabase) async throws {
        let config = try testConfig(database: database)
        try await withConfiguredApp(config) { app in
            // given a server whose secret was sealed with the old key
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let response = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(ServersAPITests.tokenSpec),
                                                                        "secrets": ["GITHUB_TOKEN": "rotating-value"]])
            #expect(response.status == .created)
            let old = app.secretBox
            let new = SecretBox(current: SymmetricKey(size: .bits256), previous: [old.current])
            // when the key changes and rotation runs
            let (resealed, total) = try await SecretRotation(database: app.db, box: new).run()
            // then
            #expect(resealed == 1 && total == 1)
            let secret = try #require(try await ServerSecret.query(on: app.db).first())
            #expect(secret.sealed.hasPrefix("v1.\(new.currentKeyID)."))
            let newOnly = SecretBox(current: new.current)
            let binding = SecretBox.Binding(organization: secret.$organization.id, server: secret.$server.id, key: "GITHUB_TOKEN")
            #expect(try newOnly.open(secret.sealed, for: binding) == "rotating-value")
            #expect(throws: SecretBox.Failure.self) { try old.open(secret.sealed, for: binding) }
            #expect(try await SecretRotation(database: app.db, box: new).run().resealed == 0, "a second run has nothing to do")
        }
    }
}
